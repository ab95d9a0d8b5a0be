from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlmodel import col

from partnerships.access import can_read
from partnerships.errors import IdempotencyKeyReused, OverAllocated
from partnerships.idempotency import IdempotencyHeader, choose_key, mark_replayed
from partnerships.models import BursaryScheme, Reservation
from partnerships.scheme import rules, service
from partnerships.scheme.schemas import (
    EligibilityCheck,
    EligibilityResult,
    FailedRule,
    SchemeCreate,
    SchemeRead,
    SchemeReservationRead,
    SchemeUpdate,
)
from partnerships.vocab import ReservationStatus, SchemeStatus
from servicekit.auth import CurrentPrincipal, OptionalPrincipal
from servicekit.db import SessionDep
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, fetch_page, paginate
from servicekit.repository import not_found

router = APIRouter(prefix="/v1", tags=["bursary-schemes"])
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


@router.post(
    "/bursary-schemes",
    summary="Create a bursary scheme (draft) from a fund's bursaries allocation",
    description="Assigns `allocation_pence` (default: award x maximum awards) from the fund's "
    "bursaries allocation to the scheme. Awards that cannot fit the allocation answer 422; an "
    "allocation larger than what is left of the bursaries allocation answers 409.",
    status_code=201,
    responses={
        **ERRORS,
        **OverAllocated.schema_response(),
        **IdempotencyKeyReused.schema_response(),
    },
)
async def create_scheme(
    session: SessionDep,
    principal: CurrentPrincipal,
    body: SchemeCreate,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> SchemeRead:
    key = choose_key(idempotency_key, body.idempotency_key)
    scheme, replayed = await service.create_scheme(session, principal, body, key)
    mark_replayed(response, replayed)
    return (await service.read_schemes(session, [scheme]))[0]


@router.get(
    "/bursary-schemes",
    summary="List bursary schemes",
    description="Open schemes are public. To ask 'which bursaries does this course have', pass "
    "the course's `course`, `institute`, `sector` and `level`: a scheme matches when it lists the "
    "course (or no courses), the institute, the sector (or none) and the level (or none).",
    response_model=Page[SchemeRead],
)
async def list_schemes(
    session: SessionDep,
    principal: OptionalPrincipal,
    paging: Paging,
    course: uuid.UUID | None = None,
    institute: uuid.UUID | None = None,
    sector: Annotated[str | None, Query(max_length=120)] = None,
    level: Annotated[int | None, Query(ge=3, le=7)] = None,
    employer: uuid.UUID | None = None,
    fund: uuid.UUID | None = None,
    status: SchemeStatus | None = None,
) -> Page[SchemeRead]:
    stmt = select(BursaryScheme).order_by(col(BursaryScheme.name), col(BursaryScheme.id))
    if (visible := service.visibility(principal)) is not None:
        stmt = stmt.where(visible)
    for clause in service.for_course_filters(course, institute, sector, level):
        stmt = stmt.where(clause)
    if employer:
        stmt = stmt.where(col(BursaryScheme.employer_id) == employer)
    if fund:
        stmt = stmt.where(col(BursaryScheme.fund_id) == fund)
    if status:
        stmt = stmt.where(col(BursaryScheme.status) == status.value)
    rows, total = await paginate(session, stmt, paging)
    return Page(
        items=await service.read_schemes(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get(
    "/bursary-schemes/{scheme_id}",
    summary="One bursary scheme (open ones are public)",
    responses=NotFound.schema_response(),
)
async def get_scheme(
    session: SessionDep, principal: OptionalPrincipal, scheme_id: uuid.UUID
) -> SchemeRead:
    scheme = await service.readable_scheme(session, principal, scheme_id)
    return (await service.read_schemes(session, [scheme]))[0]


@router.patch(
    "/bursary-schemes/{scheme_id}",
    summary="Change a bursary scheme (the employer's owners and admins)",
    responses=ERRORS,
)
async def update_scheme(
    session: SessionDep, principal: CurrentPrincipal, scheme_id: uuid.UUID, body: SchemeUpdate
) -> SchemeRead:
    scheme = await service.update_scheme(session, principal, scheme_id, body)
    return (await service.read_schemes(session, [scheme]))[0]


@router.post(
    "/bursary-schemes/{scheme_id}/open",
    summary="Open a scheme: public, and reservations accepted (verified employers)",
    responses=ERRORS,
)
async def open_scheme(
    session: SessionDep, principal: CurrentPrincipal, scheme_id: uuid.UUID
) -> SchemeRead:
    scheme = await service.open_scheme(session, principal, scheme_id)
    return (await service.read_schemes(session, [scheme]))[0]


@router.post(
    "/bursary-schemes/{scheme_id}/close",
    summary="Close a scheme: no new reservations (held ones can still be decided)",
    responses=ERRORS,
)
async def close_scheme(
    session: SessionDep, principal: CurrentPrincipal, scheme_id: uuid.UUID
) -> SchemeRead:
    scheme = await service.close_scheme(session, principal, scheme_id)
    return (await service.read_schemes(session, [scheme]))[0]


@router.post(
    "/bursary-schemes/{scheme_id}/eligibility",
    summary="Check answers against a scheme's eligibility rules",
    description="Answers whether the answers meet the scheme's rules and, if not, which rules "
    "failed and why. Nothing is stored.",
    responses={**NotFound.schema_response(), **Unprocessable.schema_response()},
)
async def check_eligibility(
    session: SessionDep, principal: OptionalPrincipal, scheme_id: uuid.UUID, body: EligibilityCheck
) -> EligibilityResult:
    scheme = await service.readable_scheme(session, principal, scheme_id)
    answers = rules.parse_answers(body.answers)
    failures = rules.evaluate(scheme.eligibility, answers)
    return EligibilityResult(
        scheme_id=scheme.id,
        eligible=not failures,
        failed=[FailedRule(rule=f.rule, field=f.field, reason=f.reason) for f in failures],
    )


@router.get(
    "/bursary-schemes/{scheme_id}/reservations",
    summary="A scheme's reservations and awards (its employer's members, network admins)",
    response_model=Page[SchemeReservationRead],
    responses=ERRORS,
)
async def list_scheme_reservations(
    session: SessionDep,
    principal: CurrentPrincipal,
    scheme_id: uuid.UUID,
    paging: Paging,
    status: ReservationStatus | None = None,
) -> Page[SchemeReservationRead]:
    scheme = await service.readable_scheme(session, principal, scheme_id)
    if not can_read(principal, scheme.employer_id):
        raise not_found("bursary scheme", scheme_id)
    stmt = (
        select(Reservation)
        .where(col(Reservation.scheme_id) == scheme.id)
        .order_by(col(Reservation.created_at), col(Reservation.id))
    )
    if status:
        stmt = stmt.where(col(Reservation.status) == status.value)
    return await fetch_page(session, stmt, paging, SchemeReservationRead.model_validate)
