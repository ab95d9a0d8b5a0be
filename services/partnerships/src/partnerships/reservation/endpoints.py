from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from partnerships.access import ServiceCaller
from partnerships.config import Settings
from partnerships.errors import (
    IdempotencyKeyReused,
    ReservationDecided,
    ReservationExpired,
    SchemeNotOpen,
)
from partnerships.idempotency import IdempotencyHeader, choose_key, mark_replayed
from partnerships.reservation import service
from partnerships.reservation.schemas import ReservationCreate, ReservationRead
from servicekit.auth import Principal
from servicekit.db import SessionDep
from servicekit.errors import BadRequest, Forbidden, NotFound, Unauthorized, Unprocessable

router = APIRouter(prefix="/v1", tags=["reservations"])
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Unprocessable.schema_response(),
}


def _caller(principal: Principal) -> str:
    return f"client:{principal.client_id}" if principal.client_id else principal.subject


@router.post(
    "/bursary-schemes/{scheme_id}/reservations",
    summary="Reserve one award against a scheme (platform services: `internal` scope)",
    description="Idempotent on `key` (or the `Idempotency-Key` header), e.g. the bursary "
    "application's id: the same key answers with the same reservation and reserves nothing "
    "more (`Idempotent-Replayed: true`). A held reservation expires unless awarded or released "
    "in time. A scheme that is not open answers 409 `scheme-not-open`; one with no award left "
    "409 `scheme-full`.",
    status_code=201,
    responses={
        **ERRORS,
        **BadRequest.schema_response("No key"),
        **SchemeNotOpen.schema_response("The scheme is not open, or has no award left"),
        **IdempotencyKeyReused.schema_response(),
    },
)
async def reserve(
    request: Request,
    session: SessionDep,
    principal: ServiceCaller,
    scheme_id: uuid.UUID,
    body: ReservationCreate,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> ReservationRead:
    key = choose_key(idempotency_key, body.key)
    if key is None:
        raise BadRequest("A reservation needs a key: body.key or the Idempotency-Key header.")
    settings: Settings = request.app.state.settings
    reservation, replayed = await service.reserve(
        session, scheme_id, key, body, _caller(principal), settings.reservation_hold_seconds
    )
    mark_replayed(response, replayed)
    return ReservationRead.model_validate(reservation)


@router.get(
    "/reservations/{reservation_id}",
    summary="One reservation (platform services)",
    responses=ERRORS,
)
async def get_reservation(
    session: SessionDep, _: ServiceCaller, reservation_id: uuid.UUID
) -> ReservationRead:
    return ReservationRead.model_validate(await service.get_reservation(session, reservation_id))


@router.post(
    "/reservations/{reservation_id}/award",
    summary="Confirm a held reservation as an award (platform services)",
    description="Repeating it answers the same. An expired reservation answers 409 "
    "`reservation-expired`, a released one 409 `reservation-decided`.",
    responses={**ERRORS, **ReservationExpired.schema_response()},
)
async def award_reservation(
    session: SessionDep, principal: ServiceCaller, reservation_id: uuid.UUID
) -> ReservationRead:
    reservation = await service.award(session, reservation_id, _caller(principal))
    return ReservationRead.model_validate(reservation)


@router.post(
    "/reservations/{reservation_id}/release",
    summary="Release a held reservation (platform services)",
    description="Repeating it, or releasing an expired one, answers the same. An awarded "
    "reservation answers 409 `reservation-decided`.",
    responses={**ERRORS, **ReservationDecided.schema_response()},
)
async def release_reservation(
    session: SessionDep, principal: ServiceCaller, reservation_id: uuid.UUID
) -> ReservationRead:
    reservation = await service.release(session, reservation_id, _caller(principal))
    return ReservationRead.model_validate(reservation)
