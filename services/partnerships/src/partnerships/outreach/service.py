"""Outreach events and school registrations; capacity is checked under the event's lock."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partnerships.access import (
    admined_institutes,
    can_read,
    check_manager,
    is_member,
    is_network_admin,
    manages,
    member_employers,
)
from partnerships.employer.service import require_not_suspended, require_verified
from partnerships.errors import EventFull, InvalidTransition
from partnerships.fund import service as fund_service
from partnerships.fund.service import institutes_of
from partnerships.locking import lock
from partnerships.models import Employer, Fund, OutreachEvent, SchoolRegistration
from partnerships.outreach.schemas import EventCreate, EventRead, RegistrationCreate
from partnerships.vocab import EntryKind, EventStatus, Purpose
from servicekit.auth import Principal
from servicekit.db import utcnow
from servicekit.errors import Conflict, FieldError, Forbidden, Unprocessable
from servicekit.repository import not_found


async def registered(
    session: AsyncSession, event_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int]]:
    """Pupils and schools registered, by event."""
    totals: dict[uuid.UUID, tuple[int, int]] = dict.fromkeys(event_ids, (0, 0))
    if event_ids:
        rows = await session.execute(
            select(
                col(SchoolRegistration.event_id),
                func.sum(SchoolRegistration.pupils),
                func.count(),
            )
            .where(col(SchoolRegistration.event_id).in_(event_ids))
            .group_by(col(SchoolRegistration.event_id))
        )
        for event_id, pupils, schools in rows:
            totals[event_id] = (int(pupils or 0), int(schools))
    return totals


def mask_of(year_groups: Sequence[int]) -> int:
    mask = 0
    for group in year_groups:
        mask |= 1 << group
    return mask


def groups_of(mask: int) -> list[int]:
    return [g for g in range(1, 14) if mask & (1 << g)]


async def read_events(session: AsyncSession, events: Sequence[OutreachEvent]) -> list[EventRead]:
    totals = await registered(session, [e.id for e in events])
    return [
        EventRead(
            **{k: getattr(e, k) for k in EventRead.model_fields if hasattr(e, k)},
            year_groups=groups_of(e.year_groups_mask),
            pupils_registered=totals[e.id][0],
            schools_registered=totals[e.id][1],
            places_left=max(0, e.capacity_pupils - totals[e.id][0]),
        )
        for e in events
    ]


def visibility(principal: Principal | None) -> ColumnElement[bool] | None:
    if is_network_admin(principal):
        return None
    institutes = admined_institutes(principal)
    return or_(
        col(OutreachEvent.status) == EventStatus.published,
        col(OutreachEvent.employer_id).in_(member_employers(principal)),
        col(OutreachEvent.institute_id).in_(institutes) if institutes else false(),
    )


async def readable_event(
    session: AsyncSession, principal: Principal | None, event_id: uuid.UUID
) -> OutreachEvent:
    event = await session.get(OutreachEvent, event_id)
    if event is None:
        raise not_found("outreach event", event_id)
    if event.status == EventStatus.published or can_read(
        principal, event.employer_id, [event.institute_id]
    ):
        return event
    raise not_found("outreach event", event_id)


def _check_times(event_starts: object, event_ends: object) -> None:
    if event_ends < event_starts:  # type: ignore[operator]
        raise Unprocessable.for_field(
            "body.ends_at", "An event cannot end before it starts.", "before_start"
        )


async def create_event(
    session: AsyncSession, principal: Principal, body: EventCreate, key: str | None
) -> OutreachEvent:
    employer = await session.get(Employer, body.employer_id)
    if employer is None or not manages(principal, employer.id):
        if employer is not None and is_member(principal, employer.id):
            raise Forbidden("Only the employer's owners and admins may create its events.")
        raise Unprocessable.for_field(
            "body.employer_id", f"No employer {body.employer_id} that you manage.", "not_found"
        )
    require_not_suspended(employer, "create outreach events")
    _check_times(body.starts_at, body.ends_at)
    if (body.budget_pence is None) != (body.fund_id is None):
        raise Unprocessable.for_field(
            "body.budget_pence", "Send fund_id and budget_pence together, or neither.", "pair"
        )
    fund: Fund | None = None
    if body.fund_id is not None:
        fund = await session.get(Fund, body.fund_id)
        if fund is None or fund.employer_id != employer.id:
            raise Unprocessable.for_field(
                "body.fund_id", f"No fund {body.fund_id} of this employer.", "not_found"
            )
        if body.institute_id not in (await institutes_of(session, [fund.id])).get(fund.id, []):
            raise Unprocessable.for_field(
                "body.institute_id", "The fund is not for this institute.", "not_in_fund"
            )
    if fund is not None and body.budget_pence is not None and key is not None:
        earlier = await fund_service.replayed_entry(
            session,
            fund.id,
            key,
            kind=EntryKind.spend,
            amount_pence=body.budget_pence,
            purpose=Purpose.outreach,
        )
        if earlier is not None and earlier.event_id is not None:
            replayed = await session.get(OutreachEvent, earlier.event_id)
            if replayed is not None:
                return replayed
    event = OutreachEvent(
        **body.model_dump(exclude={"budget_pence", "idempotency_key", "year_groups"}),
        year_groups_mask=mask_of(body.year_groups),
        status=EventStatus.draft,
    )
    session.add(event)
    await session.flush()
    if fund is not None and body.budget_pence is not None:
        locked = await lock(session, Fund, fund.id)
        assert locked is not None
        await fund_service.spend(
            session,
            principal,
            locked,
            Purpose.outreach,
            body.budget_pence,
            f"Outreach: {body.title}",
            key,
            event_id=event.id,
        )
    return event


async def managed_event_locked(
    session: AsyncSession, principal: Principal, event_id: uuid.UUID
) -> OutreachEvent:
    event = await readable_event(session, principal, event_id)
    check_manager(principal, event.employer_id, "outreach event", event_id)
    locked = await lock(session, OutreachEvent, event.id)
    assert locked is not None
    return locked


async def publish(
    session: AsyncSession, principal: Principal, event_id: uuid.UUID
) -> OutreachEvent:
    event = await managed_event_locked(session, principal, event_id)
    if event.status == EventStatus.cancelled:
        raise InvalidTransition("A cancelled event cannot be published.")
    if event.status == EventStatus.draft:
        employer = await session.get(Employer, event.employer_id)
        assert employer is not None
        require_verified(employer, "publish outreach events")
        event.status = EventStatus.published
        event.updated_at = utcnow()
        await session.flush()
    return event


async def cancel(session: AsyncSession, principal: Principal, event_id: uuid.UUID) -> OutreachEvent:
    event = await managed_event_locked(session, principal, event_id)
    if event.status != EventStatus.cancelled:
        event.status = EventStatus.cancelled
        event.updated_at = utcnow()
        await session.flush()
    return event


async def register_school(
    session: AsyncSession, event_id: uuid.UUID, body: RegistrationCreate
) -> tuple[OutreachEvent, SchoolRegistration]:
    """The public form. Under the event's lock: one registration per school (URN) and event, and
    never more pupils than the event's capacity."""
    event = await lock(session, OutreachEvent, event_id)
    if event is None or event.status == EventStatus.draft:
        raise not_found("outreach event", event_id)
    if event.status == EventStatus.cancelled:
        raise InvalidTransition("This event was cancelled.")
    if event.starts_at <= utcnow():
        raise InvalidTransition("This event has started; registration is closed.")
    if body.year_group not in groups_of(event.year_groups_mask):
        groups = ", ".join(f"Year {g}" for g in groups_of(event.year_groups_mask))
        raise Unprocessable.for_field(
            "body.year_group", f"This event is for {groups}.", "year_group_not_offered"
        )
    duplicate = await session.execute(
        select(col(SchoolRegistration.id)).where(
            col(SchoolRegistration.event_id) == event.id,
            col(SchoolRegistration.urn) == body.urn,
        )
    )
    if duplicate.first() is not None:
        message = f"School {body.urn} is already registered for this event."
        raise Conflict(
            message, errors=[FieldError(field="body.urn", message=message, code="duplicate")]
        )
    pupils, _schools = (await registered(session, [event.id]))[event.id]
    left = event.capacity_pupils - pupils
    if body.pupils > left:
        raise EventFull(
            f"{left} place(s) are left at '{event.title}'; {body.pupils} pupils do not fit."
        )
    registration = SchoolRegistration(event_id=event.id, **body.model_dump())
    session.add(registration)
    await session.flush()
    return event, registration
