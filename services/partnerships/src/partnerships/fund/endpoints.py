from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from sqlalchemy import or_, select
from sqlmodel import col

from partnerships.access import admined_institutes, is_network_admin, member_employers
from partnerships.errors import IdempotencyKeyReused, OverAllocated
from partnerships.fund import service
from partnerships.fund.schemas import (
    AllocationCreate,
    FundCreate,
    FundRead,
    LedgerEntryRead,
    SpendingCreate,
)
from partnerships.idempotency import IdempotencyHeader, choose_key, mark_replayed
from partnerships.models import Fund, FundInstitute, LedgerEntry
from partnerships.vocab import FundStatus
from servicekit.auth import CurrentPrincipal
from servicekit.db import SessionDep
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, fetch_page, paginate

router = APIRouter(prefix="/v1", tags=["funds"])
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


@router.post(
    "/funds",
    summary="Pledge a sponsorship fund (the employer's owners and admins; verified employers)",
    description="Records the pledge as the fund's first ledger entry. Repeating the request with "
    "the same `Idempotency-Key` returns the same fund and pledges nothing more.",
    status_code=201,
    responses=ERRORS,
)
async def create_fund(
    session: SessionDep,
    principal: CurrentPrincipal,
    body: FundCreate,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> FundRead:
    key = choose_key(idempotency_key, body.idempotency_key)
    fund, replayed = await service.create_fund(session, principal, body, key)
    mark_replayed(response, replayed)
    return (await service.read_funds(session, [fund]))[0]


@router.get(
    "/funds",
    summary="Funds you can see, with their balances",
    description="An employer's members see its funds, an institute's admins the funds for "
    "their institute, network admins all.",
    response_model=Page[FundRead],
    responses=Unauthorized.schema_response(),
)
async def list_funds(
    session: SessionDep,
    principal: CurrentPrincipal,
    paging: Paging,
    employer: uuid.UUID | None = None,
    institute: uuid.UUID | None = None,
    status: FundStatus | None = None,
) -> Page[FundRead]:
    stmt = select(Fund).order_by(col(Fund.created_at).desc(), col(Fund.id))
    if not is_network_admin(principal):
        for_my_institutes = select(col(FundInstitute.fund_id)).where(
            col(FundInstitute.institute_id).in_(admined_institutes(principal))
        )
        stmt = stmt.where(
            or_(
                col(Fund.employer_id).in_(member_employers(principal)),
                col(Fund.id).in_(for_my_institutes),
            )
        )
    if employer:
        stmt = stmt.where(col(Fund.employer_id) == employer)
    if institute:
        stmt = stmt.where(
            col(Fund.id).in_(
                select(col(FundInstitute.fund_id)).where(
                    col(FundInstitute.institute_id) == institute
                )
            )
        )
    if status:
        stmt = stmt.where(col(Fund.status) == status.value)
    rows, total = await paginate(session, stmt, paging)
    return Page(
        items=await service.read_funds(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get("/funds/{fund_id}", summary="One fund with its balances", responses=ERRORS)
async def get_fund(
    session: SessionDep, principal: CurrentPrincipal, fund_id: uuid.UUID
) -> FundRead:
    fund = await service.readable_fund(session, principal, fund_id)
    return (await service.read_funds(session, [fund]))[0]


@router.post(
    "/funds/{fund_id}/allocations",
    summary="Allocate part of the pledge to a purpose",
    description="Allocations never exceed the pledge: asking for more than is unallocated "
    "answers 409 and moves nothing.",
    status_code=201,
    responses={
        **ERRORS,
        **OverAllocated.schema_response(),
        **IdempotencyKeyReused.schema_response(),
    },
)
async def allocate(
    session: SessionDep,
    principal: CurrentPrincipal,
    fund_id: uuid.UUID,
    body: AllocationCreate,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> LedgerEntryRead:
    key = choose_key(idempotency_key, body.idempotency_key)
    fund = await service.managed_fund_locked(session, principal, fund_id)
    row, replayed = await service.allocate(
        session, principal, fund, body.purpose, body.amount_pence, body.note, key
    )
    mark_replayed(response, replayed)
    return LedgerEntryRead.model_validate(row)


@router.post(
    "/funds/{fund_id}/spending",
    summary="Record money spent from the outreach, equipment or other allocation",
    status_code=201,
    responses={**ERRORS, **OverAllocated.schema_response()},
)
async def record_spending(
    session: SessionDep,
    principal: CurrentPrincipal,
    fund_id: uuid.UUID,
    body: SpendingCreate,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> LedgerEntryRead:
    key = choose_key(idempotency_key, body.idempotency_key)
    fund = await service.managed_fund_locked(session, principal, fund_id)
    row, replayed = await service.spend(
        session, principal, fund, body.purpose, body.amount_pence, body.note, key
    )
    mark_replayed(response, replayed)
    return LedgerEntryRead.model_validate(row)


@router.get(
    "/funds/{fund_id}/ledger",
    summary="The fund's ledger: every movement of its money, oldest first",
    response_model=Page[LedgerEntryRead],
    responses=ERRORS,
)
async def list_ledger(
    session: SessionDep, principal: CurrentPrincipal, fund_id: uuid.UUID, paging: Paging
) -> Page[LedgerEntryRead]:
    fund = await service.readable_fund(session, principal, fund_id)
    stmt = (
        select(LedgerEntry)
        .where(col(LedgerEntry.fund_id) == fund.id)
        .order_by(col(LedgerEntry.created_at), col(LedgerEntry.id))
    )
    return await fetch_page(session, stmt, paging, LedgerEntryRead.model_validate)
