"""Bursary applications: applying (the scheme and the answers checked with partnerships),
reading, declining and withdrawing. Awards are in ``bursary/award.py``."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, false, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from applications.access import learner_id, staff_providers
from applications.application import machine
from applications.application.service import readable_application
from applications.bursary.schemas import (
    BursaryApplicationCreate,
    BursaryApplicationRead,
    FailedRuleRead,
)
from applications.config import Settings
from applications.dependencies import EligibilityInfo, Partnerships, SchemeInfo, within
from applications.errors import AwardInProgress, DuplicateBursaryApplication
from applications.learner.service import profile_answers
from applications.models import Application, BursaryApplication, LearnerProfile
from applications.vocab import ApplicationStatus, AwardState, BursaryStatus
from servicekit.auth import Principal
from servicekit.db import utcnow
from servicekit.errors import Conflict, NotFound, Unprocessable

# A course application can carry bursary applications once it is sent and while it is live.
BURSARY_READY = frozenset(machine.SENT - machine.ENDED)
IN_FLIGHT = (AwardState.reserving.value, AwardState.reserved.value)


def not_found(bursary_id: uuid.UUID) -> NotFound:
    return NotFound(f"No bursary application with id {bursary_id}.")


def visible(principal: Principal) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if (me := learner_id(principal)) is not None:
        clauses.append(col(BursaryApplication.learner_id) == me)
    if providers := staff_providers(principal):
        clauses.append(col(BursaryApplication.provider_id).in_(providers))
    return or_(*clauses) if clauses else false()


async def readable_bursary(
    session: AsyncSession, principal: Principal, bursary_id: uuid.UUID, *, fresh: bool = False
) -> BursaryApplication:
    statement = select(BursaryApplication).where(
        col(BursaryApplication.id) == bursary_id, visible(principal)
    )
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    found = (await session.execute(statement)).scalar_one_or_none()
    if found is None:
        raise not_found(bursary_id)
    return found


def read(bursary: BursaryApplication) -> BursaryApplicationRead:
    return BursaryApplicationRead(
        id=bursary.id,
        application_id=bursary.application_id,
        learner_id=bursary.learner_id,
        course_id=bursary.course_id,
        provider_id=bursary.provider_id,
        scheme_id=bursary.scheme_id,
        scheme_name=bursary.scheme_name,
        status=BursaryStatus(bursary.status),
        eligible=bursary.eligible,
        failed_rules=[FailedRuleRead.model_validate(r) for r in bursary.failed_rules],
        reasons=[str(r.get("reason", "")) for r in bursary.failed_rules],
        answers=bursary.answers,
        award_pence=bursary.scheme_award_pence,
        awarded_pence=bursary.awarded_pence,
        award_state=AwardState(bursary.award_state) if bursary.award_state else None,
        decision_reason=bursary.decision_reason,
        decided_at=bursary.decided_at,
        anonymised_at=bursary.anonymised_at,
        created_at=bursary.created_at,
        updated_at=bursary.updated_at,
    )


def _check_scheme(scheme: SchemeInfo | None, application: Application) -> SchemeInfo:
    if scheme is None:
        raise Unprocessable.for_field(
            "body.scheme_id", "No open bursary scheme has this id.", "unknown_scheme"
        )
    if scheme.status != "open":
        raise Unprocessable.for_field(
            "body.scheme_id", f"The scheme '{scheme.name}' is not open.", "scheme_not_open"
        )
    if application.institute_id not in scheme.institute_ids or (
        scheme.course_ids and application.course_id not in scheme.course_ids
    ):
        raise Unprocessable.for_field(
            "body.scheme_id",
            f"The scheme '{scheme.name}' is not for this course.",
            "scheme_not_for_course",
        )
    return scheme


async def _by_key(session: AsyncSession, learner: uuid.UUID, key: str) -> BursaryApplication | None:
    return (
        await session.execute(
            select(BursaryApplication).where(
                col(BursaryApplication.learner_id) == learner,
                col(BursaryApplication.idempotency_key) == key,
            )
        )
    ).scalar_one_or_none()


async def _existing(
    session: AsyncSession, application_id: uuid.UUID, scheme_id: uuid.UUID
) -> BursaryApplication | None:
    return (
        await session.execute(
            select(BursaryApplication).where(
                col(BursaryApplication.application_id) == application_id,
                col(BursaryApplication.scheme_id) == scheme_id,
            )
        )
    ).scalar_one_or_none()


def _duplicate(existing: BursaryApplication) -> DuplicateBursaryApplication:
    return DuplicateBursaryApplication(
        f"This course application already applied for '{existing.scheme_name}' "
        f"({existing.id}, {existing.status}).",
        extra={"bursary_application_id": str(existing.id)},
    )


async def create(
    session: AsyncSession,
    partnerships: Partnerships,
    settings: Settings,
    principal: Principal,
    body: BursaryApplicationCreate,
    key: str | None,
) -> tuple[BursaryApplication, bool]:
    learner = principal.user_id
    assert learner is not None
    if key is not None and (earlier := await _by_key(session, learner, key)) is not None:
        if (earlier.application_id, earlier.scheme_id) != (body.application_id, body.scheme_id):
            raise Unprocessable.for_field(
                "header.Idempotency-Key",
                "This key was already used for another bursary application; use a new key.",
                "idempotency_key_reused",
            )
        return earlier, True
    try:
        application = await readable_application(session, principal, body.application_id)
    except NotFound:
        raise Unprocessable.for_field(
            "body.application_id", "You have no application with this id.", "unknown_application"
        ) from None
    if application.learner_id != learner:
        raise Unprocessable.for_field(
            "body.application_id", "You have no application with this id.", "unknown_application"
        )
    if ApplicationStatus(application.status) not in BURSARY_READY:
        raise Conflict(
            f"A bursary needs a sent, live course application; this one is {application.status}."
        )
    if (existing := await _existing(session, application.id, body.scheme_id)) is not None:
        raise _duplicate(existing)
    profile = await session.get(LearnerProfile, learner)
    answers: dict[str, Any] = {**profile_answers(profile, application.start_date), **body.answers}

    async def ask() -> tuple[SchemeInfo, EligibilityInfo]:
        scheme = _check_scheme(await partnerships.scheme(body.scheme_id), application)
        return scheme, await partnerships.eligibility(scheme.id, answers)

    # Both calls within one budget; nothing is written before partnerships has answered.
    scheme, verdict = await within(settings.dependency_budget_seconds, partnerships.name, ask)
    now = utcnow()
    bursary = BursaryApplication(
        learner_id=learner,
        application_id=application.id,
        provider_id=application.provider_id,
        institute_id=application.institute_id,
        course_id=application.course_id,
        scheme_id=scheme.id,
        scheme_name=scheme.name[:200],
        scheme_award_pence=scheme.award_pence,
        answers=answers,
        eligible=verdict.eligible,
        failed_rules=[f.model_dump() for f in verdict.failed],
        status=(BursaryStatus.eligible if verdict.eligible else BursaryStatus.not_eligible).value,
        idempotency_key=key,
        created_at=now,
        updated_at=now,
    )
    session.add(bursary)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        if key is not None and (earlier := await _by_key(session, learner, key)) is not None:
            return earlier, True
        if (existing := await _existing(session, application.id, body.scheme_id)) is not None:
            raise _duplicate(existing) from None
        raise
    return bursary, False


async def decide(
    session: AsyncSession,
    bursary: BursaryApplication,
    to: BursaryStatus,
    who: str,
    reason: str | None,
) -> None:
    """Decline (staff) or withdraw (learner) an undecided bursary application, unless an award
    is being made for it."""
    if bursary.award_state in IN_FLIGHT:
        raise AwardInProgress(
            "An award for this bursary application is being made; wait for its outcome."
        )
    if bursary.status not in (BursaryStatus.eligible, BursaryStatus.not_eligible):
        raise Conflict(f"This bursary application is already {bursary.status}.")
    now = utcnow()
    result = await session.execute(
        update(BursaryApplication)
        .where(
            col(BursaryApplication.id) == bursary.id,
            col(BursaryApplication.status) == bursary.status,
            and_(
                or_(
                    col(BursaryApplication.award_state).is_(None),
                    col(BursaryApplication.award_state).not_in(IN_FLIGHT),
                )
            ),
        )
        .values(
            status=to.value, decision_reason=reason, decided_by=who, decided_at=now, updated_at=now
        )
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise Conflict("The bursary application changed meanwhile; reload it and try again.")
