"""A learner's own data: the profile, the export of everything, and erasure.

Erasure removes the profile and drafts, withdraws what is still open (as ``system``), and
anonymises the rest: decided applications keep their course, status, decision and figures (an
intake's numbers and a sponsor's awards stay true), but lose the learner's id, their personal
statement, their own reasons and their bursary answers.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from applications.application import machine
from applications.changes import change_application
from applications.errors import AwardInProgress
from applications.models import Application, BursaryApplication, LearnerProfile, StatusChange
from applications.vocab import Actor, ApplicationStatus, AwardState, BursaryStatus, postcode_area
from servicekit.db import utcnow

S = ApplicationStatus
# What the system does to an application still open when its learner's account goes.
CLOSE_ON_ERASURE = {
    S.submitted: S.withdrawn,
    S.under_review: S.withdrawn,
    S.interview: S.withdrawn,
    S.offer: S.declined,
    S.accepted: S.withdrawn,
}
ERASED_REASON = "The learner deleted their account."
IN_PROGRESS = "A bursary award to you is being made right now; try again in a few minutes."
SETTLED = (AwardState.awarded.value, AwardState.released.value)


async def get_profile(session: AsyncSession, learner: uuid.UUID) -> LearnerProfile | None:
    return await session.get(LearnerProfile, learner)


def empty_profile(learner: uuid.UUID) -> dict[str, object]:
    return {"learner_id": learner, "updated_at": None}


def profile_answers(profile: LearnerProfile | None, on: date) -> dict[str, object]:
    """Eligibility answers the profile already gives (the learner's own answers win)."""
    if profile is None:
        return {}
    answers: dict[str, object] = {}
    if profile.date_of_birth is not None:
        born = profile.date_of_birth
        answers["age"] = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if profile.home_postcode:
        answers["home_postcode_area"] = postcode_area(profile.home_postcode)
    for name in (
        "care_leaver",
        "first_in_family",
        "young_carer",
        "disabled",
        "estranged",
        "free_school_meals",
    ):
        if (value := getattr(profile, name)) is not None:
            answers[name] = value
    return answers


async def erase(session: AsyncSession, learner: uuid.UUID) -> None:
    """Delete the learner's profile and drafts, withdraw what is open, anonymise the rest."""
    bursaries = (
        (
            await session.execute(
                select(BursaryApplication).where(col(BursaryApplication.learner_id) == learner)
            )
        )
        .scalars()
        .all()
    )
    if any(b.award_state in (AwardState.reserving, AwardState.reserved) for b in bursaries):
        raise AwardInProgress(IN_PROGRESS)
    now = utcnow()
    for bursary in bursaries:
        values: dict[str, Any] = {
            "learner_id": None,
            "answers": {},
            "failed_rules": [],
            "idempotency_key": None,
            "anonymised_at": now,
            "updated_at": now,
        }
        if bursary.status in (BursaryStatus.eligible, BursaryStatus.not_eligible):
            values.update(
                status=BursaryStatus.withdrawn.value,
                decision_reason=ERASED_REASON,
                decided_by="system",
                decided_at=now,
            )
        settled = await session.execute(
            update(BursaryApplication)
            .where(
                col(BursaryApplication.id) == bursary.id,
                or_(
                    col(BursaryApplication.award_state).is_(None),
                    col(BursaryApplication.award_state).in_(SETTLED),
                ),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if not settled.rowcount:  # type: ignore[attr-defined]
            raise AwardInProgress(IN_PROGRESS)
    applications = (
        (await session.execute(select(Application).where(col(Application.learner_id) == learner)))
        .scalars()
        .all()
    )
    drafts = [a.id for a in applications if a.status == S.draft]
    if drafts:
        await session.execute(delete(Application).where(col(Application.id).in_(drafts)))
    for application in applications:
        if application.status == S.draft:
            continue
        status = S(application.status)
        values = {
            "learner_id": None,
            "active_intake_id": None,
            "personal_statement": "",
            "idempotency_key": None,
            "anonymised_at": now,
        }
        if (closed := CLOSE_ON_ERASURE.get(status)) is not None:
            machine.check(status, closed, {Actor.system})
            values["status"] = closed.value
            session.add(
                StatusChange(
                    application_id=application.id,
                    from_status=status.value,
                    to_status=closed.value,
                    actor=Actor.system.value,
                    reason=ERASED_REASON,
                    at=now,
                )
            )
        await change_application(session, application.id, now=now, **values)
        # The learner's own words and their id leave the history; staff decisions stay.
        await session.execute(
            update(StatusChange)
            .where(
                col(StatusChange.application_id) == application.id,
                col(StatusChange.actor) == Actor.learner.value,
            )
            .values(actor_id=None, reason=None, idempotency_key=None)
            .execution_options(synchronize_session=False)
        )
    await session.execute(delete(LearnerProfile).where(col(LearnerProfile.learner_id) == learner))
    await session.flush()
