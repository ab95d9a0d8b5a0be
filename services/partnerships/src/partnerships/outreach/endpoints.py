from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime
from sqlalchemy import select
from sqlmodel import col

from partnerships.access import can_read
from partnerships.errors import EventFull
from partnerships.idempotency import IdempotencyHeader, choose_key
from partnerships.models import OutreachEvent, SchoolRegistration
from partnerships.outreach import service
from partnerships.outreach.schemas import (
    EventCreate,
    EventRead,
    EventUpdate,
    RegistrationConfirmation,
    RegistrationCreate,
    RegistrationRead,
)
from partnerships.vocab import EventKind, EventStatus
from servicekit.auth import CurrentPrincipal, OptionalPrincipal
from servicekit.db import SessionDep, utcnow
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, fetch_page, paginate
from servicekit.repository import not_found

router = APIRouter(prefix="/v1", tags=["outreach-events"])
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


@router.post(
    "/outreach-events",
    summary="Create an outreach event (draft), optionally paid from a fund's outreach money",
    status_code=201,
    responses=ERRORS,
)
async def create_event(
    session: SessionDep,
    principal: CurrentPrincipal,
    body: EventCreate,
    idempotency_key: IdempotencyHeader = None,
) -> EventRead:
    key = choose_key(idempotency_key, body.idempotency_key)
    event = await service.create_event(session, principal, body, key)
    return (await service.read_events(session, [event]))[0]


@router.get(
    "/outreach-events",
    summary="List outreach events",
    description="Published events for everyone (upcoming ones unless `from` says otherwise); "
    "drafts and cancelled ones for the employer's members and the host institute's admins.",
    response_model=Page[EventRead],
)
async def list_events(
    session: SessionDep,
    principal: OptionalPrincipal,
    paging: Paging,
    employer: uuid.UUID | None = None,
    institute: uuid.UUID | None = None,
    kind: EventKind | None = None,
    status: EventStatus | None = None,
    year_group: Annotated[int | None, Query(ge=1, le=13)] = None,
    starts_from: Annotated[
        AwareDatetime | None,
        Query(alias="from", description="Events starting at or after (default: now)"),
    ] = None,
) -> Page[EventRead]:
    stmt = select(OutreachEvent).order_by(col(OutreachEvent.starts_at), col(OutreachEvent.id))
    if (visible := service.visibility(principal)) is not None:
        stmt = stmt.where(visible)
    since: datetime = starts_from or utcnow()
    stmt = stmt.where(col(OutreachEvent.starts_at) >= since)
    if employer:
        stmt = stmt.where(col(OutreachEvent.employer_id) == employer)
    if institute:
        stmt = stmt.where(col(OutreachEvent.institute_id) == institute)
    if kind:
        stmt = stmt.where(col(OutreachEvent.kind) == kind.value)
    if status:
        stmt = stmt.where(col(OutreachEvent.status) == status.value)
    if year_group is not None:
        stmt = stmt.where(col(OutreachEvent.year_groups_mask).op("&")(1 << year_group) != 0)
    rows, total = await paginate(session, stmt, paging)
    return Page(
        items=await service.read_events(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get(
    "/outreach-events/{event_id}",
    summary="One outreach event (published ones are public)",
    responses=NotFound.schema_response(),
)
async def get_event(
    session: SessionDep, principal: OptionalPrincipal, event_id: uuid.UUID
) -> EventRead:
    event = await service.readable_event(session, principal, event_id)
    return (await service.read_events(session, [event]))[0]


@router.patch(
    "/outreach-events/{event_id}",
    summary="Change an event (the employer's owners and admins)",
    responses=ERRORS,
)
async def update_event(
    session: SessionDep, principal: CurrentPrincipal, event_id: uuid.UUID, body: EventUpdate
) -> EventRead:
    event = await service.managed_event_locked(session, principal, event_id)
    if event.status == EventStatus.cancelled:
        raise Conflict("A cancelled event cannot be changed.")
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name != "description":
            raise Unprocessable.for_field(f"body.{name}", f"{name} cannot be null.", "required")
    if "capacity_pupils" in changes:
        pupils, _ = (await service.registered(session, [event.id]))[event.id]
        if changes["capacity_pupils"] < pupils:
            raise Conflict(
                f"{pupils} pupils are already registered; capacity cannot go below that."
            )
    if "year_groups" in changes:
        changes["year_groups_mask"] = service.mask_of(changes.pop("year_groups"))
    for name, value in changes.items():
        setattr(event, name, value if value is not None else "")
    if event.ends_at < event.starts_at:
        raise Unprocessable.for_field(
            "body.ends_at", "An event cannot end before it starts.", "before_start"
        )
    event.updated_at = utcnow()
    await session.flush()
    return (await service.read_events(session, [event]))[0]


@router.post(
    "/outreach-events/{event_id}/publish",
    summary="Publish an event: public, and schools can register (verified employers)",
    responses=ERRORS,
)
async def publish_event(
    session: SessionDep, principal: CurrentPrincipal, event_id: uuid.UUID
) -> EventRead:
    event = await service.publish(session, principal, event_id)
    return (await service.read_events(session, [event]))[0]


@router.post(
    "/outreach-events/{event_id}/cancel",
    summary="Cancel an event",
    responses=ERRORS,
)
async def cancel_event(
    session: SessionDep, principal: CurrentPrincipal, event_id: uuid.UUID
) -> EventRead:
    event = await service.cancel(session, principal, event_id)
    return (await service.read_events(session, [event]))[0]


@router.post(
    "/outreach-events/{event_id}/registrations",
    summary="Register a school for a published event (public form)",
    description="One registration per school (URN) and event. More pupils than the places left "
    "answers 409 `event-full`.",
    status_code=201,
    responses={**ERRORS, **EventFull.schema_response()},
)
async def register_school(
    session: SessionDep, event_id: uuid.UUID, body: RegistrationCreate, response: Response
) -> RegistrationConfirmation:
    event, registration = await service.register_school(session, event_id, body)
    response.headers["Location"] = f"/v1/outreach-events/{event.id}/registrations/{registration.id}"
    return RegistrationConfirmation(
        id=registration.id,
        event_id=event.id,
        event_title=event.title,
        school_name=registration.school_name,
        urn=registration.urn,
        pupils=registration.pupils,
        starts_at=event.starts_at,
        venue=event.venue,
    )


@router.get(
    "/outreach-events/{event_id}/registrations",
    summary="An event's school registrations (the employer's members, the host institute's admins)",
    response_model=Page[RegistrationRead],
    responses=ERRORS,
)
async def list_registrations(
    session: SessionDep, principal: CurrentPrincipal, event_id: uuid.UUID, paging: Paging
) -> Page[RegistrationRead]:
    event = await session.get(OutreachEvent, event_id)
    if event is None or not can_read(principal, event.employer_id, [event.institute_id]):
        raise not_found("outreach event", event_id)
    stmt = (
        select(SchoolRegistration)
        .where(col(SchoolRegistration.event_id) == event.id)
        .order_by(col(SchoolRegistration.created_at), col(SchoolRegistration.id))
    )
    return await fetch_page(session, stmt, paging, RegistrationRead.model_validate)
