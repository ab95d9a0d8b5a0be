"""Course applications: applying (checked with the catalogue), reading, and moving them through
the state machine (``application/machine.py``), with capacity checked under the intake's lock."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from applications.access import actors_for, learner_id, staff_providers
from applications.application import machine
from applications.application.schemas import (
    ApplicantRead,
    ApplicationCreate,
    ApplicationDetail,
    ApplicationRead,
    StatusChangeRead,
    TransitionCreate,
)
from applications.changes import change_application
from applications.config import Settings
from applications.database import lock_intake, next_change_seq, upsert_intake
from applications.dependencies import Catalogue, IntakeInfo, within
from applications.errors import DuplicateApplication, IntakeFull
from applications.models import Application, LearnerProfile, StatusChange
from applications.vocab import Actor, ApplicationStatus
from servicekit.auth import Principal
from servicekit.db import utcnow
from servicekit.errors import Conflict, NotFound, Unprocessable

S = ApplicationStatus


def not_found(application_id: uuid.UUID) -> NotFound:
    return NotFound(f"No application with id {application_id}.")


def visible(principal: Principal) -> ColumnElement[bool]:
    """Applications the caller may read: their own (drafts too), and their providers' once
    sent."""
    clauses: list[ColumnElement[bool]] = []
    if (me := learner_id(principal)) is not None:
        clauses.append(col(Application.learner_id) == me)
    if providers := staff_providers(principal):
        clauses.append(
            and_(
                col(Application.provider_id).in_(providers),
                col(Application.status) != S.draft.value,
            )
        )
    return or_(*clauses) if clauses else false()


async def readable_application(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID, *, fresh: bool = False
) -> Application:
    statement = select(Application).where(col(Application.id) == application_id, visible(principal))
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    application = (await session.execute(statement)).scalar_one_or_none()
    if application is None:
        raise not_found(application_id)
    return application


def _closed_reason(intake: IntakeInfo | None) -> str | None:
    if intake is None:
        return "No published course has an intake with this id."
    if intake.course_status != "published":
        return "The course is not open for applications."
    if not intake.is_open:
        return (
            f"Applications to this intake closed on its deadline, "
            f"{intake.application_deadline.isoformat()}."
        )
    return None


async def open_intake(catalogue: Catalogue, settings: Settings, intake_id: uuid.UUID) -> IntakeInfo:
    """The intake from the catalogue, when it exists, is published and open (422 otherwise;
    503 when the catalogue cannot answer within the request's budget)."""
    intake = await within(
        settings.dependency_budget_seconds, catalogue.name, lambda: catalogue.intake(intake_id)
    )
    if (reason := _closed_reason(intake)) is not None:
        code = "unknown_intake" if intake is None else "intake_closed"
        raise Unprocessable.for_field("body.intake_id", reason, code)
    assert intake is not None
    return intake


async def store_intake(session: AsyncSession, intake: IntakeInfo) -> None:
    await upsert_intake(
        session,
        {
            "id": intake.id,
            "course_id": intake.course_id,
            "provider_id": intake.provider_id,
            "institute_id": intake.institute_id,
            "course_title": intake.course_title[:200],
            "start_date": intake.start_date,
            "application_deadline": intake.application_deadline,
            "capacity": intake.capacity,
            "refreshed_at": utcnow(),
        },
    )


async def _by_key(session: AsyncSession, learner: uuid.UUID, key: str) -> Application | None:
    return (
        await session.execute(
            select(Application).where(
                col(Application.learner_id) == learner, col(Application.idempotency_key) == key
            )
        )
    ).scalar_one_or_none()


async def _active(
    session: AsyncSession, learner: uuid.UUID, intake_id: uuid.UUID
) -> Application | None:
    return (
        await session.execute(
            select(Application).where(
                col(Application.learner_id) == learner,
                col(Application.active_intake_id) == intake_id,
            )
        )
    ).scalar_one_or_none()


def _duplicate(existing: Application) -> DuplicateApplication:
    return DuplicateApplication(
        f"You already have an active application to this intake ({existing.id}, "
        f"{existing.status}). Withdraw it before applying again.",
        extra={"application_id": str(existing.id)},
    )


def _change(
    application_id: uuid.UUID,
    frm: S | None,
    to: S,
    actor: Actor,
    actor_id: str | None,
    *,
    reason: str | None = None,
    key: str | None = None,
    at: datetime | None = None,
) -> StatusChange:
    return StatusChange(
        application_id=application_id,
        from_status=frm.value if frm else None,
        to_status=to.value,
        actor=actor.value,
        actor_id=actor_id,
        reason=reason,
        idempotency_key=key,
        at=at or utcnow(),
    )


async def create(
    session: AsyncSession,
    catalogue: Catalogue,
    settings: Settings,
    principal: Principal,
    body: ApplicationCreate,
    key: str | None,
) -> tuple[Application, bool]:
    """Apply to an intake; returns the application and whether it is a replay of ``key``."""
    learner = principal.user_id
    assert learner is not None
    if key is not None and (earlier := await _by_key(session, learner, key)) is not None:
        _same_request(earlier, body)
        return earlier, True
    if (existing := await _active(session, learner, body.intake_id)) is not None:
        raise _duplicate(existing)
    intake = await open_intake(catalogue, settings, body.intake_id)
    # Nothing is written before the catalogue has answered: a catalogue that is down leaves
    # nothing behind.
    await store_intake(session, intake)
    now = utcnow()
    application = Application(
        learner_id=learner,
        intake_id=intake.id,
        active_intake_id=intake.id,
        course_id=intake.course_id,
        provider_id=intake.provider_id,
        institute_id=intake.institute_id,
        course_title=intake.course_title[:200],
        start_date=intake.start_date,
        status=S.submitted.value if body.submit else S.draft.value,
        personal_statement=body.personal_statement,
        idempotency_key=key,
        change_seq=await next_change_seq(session),
        submitted_at=now if body.submit else None,
        created_at=now,
        updated_at=now,
    )
    session.add(application)
    session.add(_change(application.id, None, S.draft, Actor.learner, principal.subject, at=now))
    if body.submit:
        session.add(
            _change(application.id, S.draft, S.submitted, Actor.learner, principal.subject, at=now)
        )
    try:
        await session.flush()
    except IntegrityError:
        # A concurrent request stored the same key or another active application first.
        await session.rollback()
        if key is not None and (earlier := await _by_key(session, learner, key)) is not None:
            _same_request(earlier, body)
            return earlier, True
        if (existing := await _active(session, learner, body.intake_id)) is not None:
            raise _duplicate(existing) from None
        raise
    return application, False


def _same_request(earlier: Application, body: ApplicationCreate) -> None:
    if earlier.intake_id != body.intake_id:
        raise Unprocessable.for_field(
            "header.Idempotency-Key",
            "This key was already used to apply to another intake; use a new key.",
            "idempotency_key_reused",
        )


async def update_draft(
    session: AsyncSession, principal: Principal, application_id: uuid.UUID, statement: str
) -> Application:
    application = await readable_application(session, principal, application_id)
    if Actor.learner not in actors_for(principal, application.learner_id, application.provider_id):
        raise not_found(application_id)
    if application.status != S.draft:
        raise Conflict("Only a draft can be edited; this application was already sent.")
    changed = await change_application(
        session, application.id, expected_status=S.draft.value, personal_statement=statement
    )
    if not changed:
        raise Conflict("The application changed meanwhile; reload it and try again.")
    return await readable_application(session, principal, application_id, fresh=True)


async def _count(session: AsyncSession, intake_id: uuid.UUID, statuses: frozenset[S]) -> int:
    return int(
        (
            await session.execute(
                select(func.count())
                .select_from(Application)
                .where(
                    col(Application.intake_id) == intake_id,
                    col(Application.status).in_([s.value for s in statuses]),
                )
            )
        ).scalar_one()
    )


async def _check_capacity(session: AsyncSession, application: Application, to: S) -> None:
    """Under the intake's lock: promised places (offers, acceptances, enrolments) never exceed
    its capacity, so neither do accepted ones."""
    intake = await lock_intake(session, application.intake_id)
    assert intake is not None  # every application's intake is stored with it
    counted = machine.PROMISED if to == S.offer else machine.TAKEN
    used = await _count(session, intake.id, counted)
    if used >= intake.capacity:
        what = "offers made" if to == S.offer else "places accepted"
        raise IntakeFull(
            f"The intake has {intake.capacity} places and {used} {what} already: no place is "
            "left for this one.",
            extra={"capacity": intake.capacity, "used": used},
        )


async def _replayed(session: AsyncSession, application_id: uuid.UUID, key: str) -> bool:
    found = (
        await session.execute(
            select(col(StatusChange.id)).where(
                col(StatusChange.application_id) == application_id,
                col(StatusChange.idempotency_key) == key,
            )
        )
    ).first()
    return found is not None


async def transition(
    session: AsyncSession,
    catalogue: Catalogue,
    settings: Settings,
    principal: Principal,
    application_id: uuid.UUID,
    body: TransitionCreate,
    key: str | None,
) -> Application:
    application = await readable_application(session, principal, application_id)
    if key is not None and await _replayed(session, application.id, key):
        return application
    actors = actors_for(principal, application.learner_id, application.provider_id)
    status = S(application.status)
    machine.check(status, body.to, actors)
    # Someone who is both the applicant and the provider's staff acts as whom the table allows.
    who = machine.TRANSITIONS[(status, body.to)]
    actor = Actor.learner if Actor.learner in who & actors else Actor.provider_staff
    if body.to == S.rejected and not body.reason:
        raise Unprocessable.for_field(
            "body.reason", "Say why the application is rejected: the learner sees it.", "missing"
        )
    if (status, body.to) == (S.draft, S.submitted) or body.to == S.offer:
        # Sending a draft checks the intake is still open; an offer refreshes its capacity.
        intake = await within(
            settings.dependency_budget_seconds,
            catalogue.name,
            lambda: catalogue.intake(application.intake_id),
        )
        if body.to == S.submitted and (reason := _closed_reason(intake)) is not None:
            raise Unprocessable.for_field("body.to", reason, "intake_closed")
        if intake is not None:
            await store_intake(session, intake)
    if body.to in (S.offer, S.accepted):
        await _check_capacity(session, application, body.to)
    now = utcnow()
    values: dict[str, object] = {"status": body.to.value}
    if body.to in machine.ENDED:
        values["active_intake_id"] = None
    if body.to == S.submitted:
        values["submitted_at"] = now
    if body.to == S.offer:
        values["offer_type"] = body.offer_type.value if body.offer_type else None
        values["offer_conditions"] = body.offer_conditions
    if body.to in (S.offer, S.rejected):
        values["decided_at"] = now
    changed = await change_application(
        session, application.id, expected_status=status.value, now=now, **values
    )
    if not changed:
        if key is not None and await _replayed(session, application.id, key):
            return await readable_application(session, principal, application_id, fresh=True)
        raise Conflict("The application changed meanwhile; reload it and try again.")
    session.add(
        _change(
            application.id,
            status,
            body.to,
            actor,
            principal.subject,
            reason=body.reason,
            key=key,
            at=now,
        )
    )
    await session.flush()
    return await readable_application(session, principal, application_id, fresh=True)


async def history(
    session: AsyncSession, application_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[StatusChange]]:
    rows = (
        await session.execute(
            select(StatusChange)
            .where(col(StatusChange.application_id).in_(application_ids))
            # The creating change (from nothing) first when two share a timestamp.
            .order_by(col(StatusChange.at), col(StatusChange.from_status).is_not(None))
        )
    ).scalars()
    found: dict[uuid.UUID, list[StatusChange]] = {i: [] for i in application_ids}
    for change in rows:
        found[change.application_id].append(change)
    return found


async def profiles(
    session: AsyncSession, learner_ids: Sequence[uuid.UUID | None]
) -> dict[uuid.UUID, LearnerProfile]:
    ids = {i for i in learner_ids if i is not None}
    if not ids:
        return {}
    rows = (
        await session.execute(select(LearnerProfile).where(col(LearnerProfile.learner_id).in_(ids)))
    ).scalars()
    return {p.learner_id: p for p in rows}


def _history_read(change: StatusChange) -> StatusChangeRead:
    return StatusChangeRead(
        from_status=S(change.from_status) if change.from_status else None,
        to_status=S(change.to_status),
        by=Actor(change.actor),
        by_id=change.actor_id,
        reason=change.reason,
        at=change.at,
    )


async def details(
    session: AsyncSession, principal: Principal | None, applications: Sequence[Application]
) -> list[ApplicationDetail]:
    """The applications with their history, the caller's allowed changes and the applicant."""
    changes = await history(session, [a.id for a in applications])
    people = await profiles(session, [a.learner_id for a in applications])
    result = []
    for application in applications:
        actors = (
            actors_for(principal, application.learner_id, application.provider_id)
            if principal is not None
            else frozenset()
        )
        profile = people.get(application.learner_id) if application.learner_id else None
        result.append(
            ApplicationDetail(
                **ApplicationRead.model_validate(application).model_dump(),
                personal_statement=application.personal_statement,
                allowed_transitions=machine.allowed(S(application.status), actors),
                history=[_history_read(c) for c in changes[application.id]],
                applicant=ApplicantRead.model_validate(profile) if profile else None,
            )
        )
    return result


async def detail(
    session: AsyncSession, principal: Principal | None, application: Application
) -> ApplicationDetail:
    return (await details(session, principal, [application]))[0]
