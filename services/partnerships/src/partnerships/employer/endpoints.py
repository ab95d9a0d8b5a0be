from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import or_, select
from sqlmodel import col

from partnerships.access import (
    NetworkAdmin,
    Verifier,
    check_manager,
    is_network_admin,
    member_employers,
)
from partnerships.employer import service
from partnerships.employer.schemas import (
    EmployerCreate,
    EmployerRead,
    EmployerSignedUp,
    EmployerUpdate,
)
from partnerships.idempotency import IdempotencyHeader, choose_key, mark_replayed
from partnerships.identity import IdentityDep
from partnerships.models import Employer
from partnerships.vocab import EmployerStatus, Region
from servicekit.auth import CurrentPrincipal, OptionalPrincipal
from servicekit.db import SessionDep, utcnow
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.http import DependencyUnavailable
from servicekit.paging import Page, Paging, fetch_page
from servicekit.repository import apply_changes, ensure_unique, get_or_404

router = APIRouter(prefix="/v1", tags=["employers"])
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


@router.post(
    "/employers",
    summary="Sign up an employer (any signed-in person without one)",
    description="Creates the employer as `pending` and asks identity to make the caller its "
    "owner. If identity cannot be reached the answer is a 503 problem and nothing is stored; "
    "repeat the request (with the same `Idempotency-Key`) when identity is back. The caller's "
    "next token (sign in again or refresh) carries the new membership.",
    status_code=201,
    responses={**ERRORS, **DependencyUnavailable.schema_response()},
)
async def sign_up_employer(
    session: SessionDep,
    principal: CurrentPrincipal,
    identity: IdentityDep,
    body: EmployerCreate,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> EmployerSignedUp:
    key = choose_key(idempotency_key, body.idempotency_key)
    employer, replayed = await service.sign_up(session, identity, principal, body, key)
    mark_replayed(response, replayed)
    return EmployerSignedUp.model_validate(
        {
            **EmployerRead.model_validate(employer).model_dump(),
            "owner_user_id": employer.signed_up_by,
            "next_step": "Refresh your token to act for this employer; an institute or network "
            "admin will verify it.",
        }
    )


@router.get(
    "/employers",
    summary="List employers",
    description="Verified employers for everyone; pending and suspended ones for their members, "
    "institute admins and network admins.",
    response_model=Page[EmployerRead],
)
async def list_employers(
    session: SessionDep,
    principal: OptionalPrincipal,
    paging: Paging,
    status: EmployerStatus | None = None,
    sector: Annotated[str | None, Query(max_length=120)] = None,
    region: Region | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the name")] = None,
) -> Page[EmployerRead]:
    stmt = select(Employer).order_by(col(Employer.name), col(Employer.id))
    sees_all = is_network_admin(principal) or (
        principal is not None and principal.has_role("institute_admin")
    )
    if not sees_all:
        stmt = stmt.where(
            or_(
                col(Employer.status) == EmployerStatus.verified,
                col(Employer.id).in_(member_employers(principal)),
            )
        )
    if status:
        stmt = stmt.where(col(Employer.status) == status.value)
    if sector:
        stmt = stmt.where(col(Employer.sector) == sector)
    if region:
        stmt = stmt.where(col(Employer.region) == region.value)
    if q:
        for word in q.split()[:10]:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(col(Employer.name).ilike(f"%{escaped}%", escape="\\"))
    return await fetch_page(session, stmt, paging, EmployerRead.model_validate)


@router.get("/employers/{employer_id}", summary="One employer", responses=ERRORS)
async def get_employer(
    session: SessionDep, principal: OptionalPrincipal, employer_id: uuid.UUID
) -> EmployerRead:
    return EmployerRead.model_validate(
        await service.visible_employer(session, principal, employer_id)
    )


@router.patch(
    "/employers/{employer_id}",
    summary="Change an employer's profile (its owners and admins)",
    responses=ERRORS,
)
async def update_employer(
    session: SessionDep, principal: CurrentPrincipal, employer_id: uuid.UUID, body: EmployerUpdate
) -> EmployerRead:
    employer = await get_or_404(session, Employer, employer_id, "employer")
    check_manager(principal, employer.id, "employer", employer_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("companies_house_number"):
        await ensure_unique(
            session,
            Employer,
            "companies_house_number",
            changes["companies_house_number"],
            exclude_id=employer.id,
        )
    apply_changes(
        employer,
        changes,
        ("name", "companies_house_number", "sector", "size_band", "region"),
    )
    employer.updated_at = utcnow()
    await session.flush()
    return EmployerRead.model_validate(employer)


@router.post(
    "/employers/{employer_id}/verify",
    summary="Verify an employer (institute and network admins)",
    responses=ERRORS,
)
async def verify_employer(
    session: SessionDep, principal: Verifier, employer_id: uuid.UUID
) -> EmployerRead:
    employer = await get_or_404(session, Employer, employer_id, "employer")
    service.verify(employer, principal)
    await session.flush()
    return EmployerRead.model_validate(employer)


@router.post(
    "/employers/{employer_id}/suspend",
    summary="Suspend an employer (network admins): it can no longer pledge or publish",
    responses=ERRORS,
)
async def suspend_employer(
    session: SessionDep, _: NetworkAdmin, employer_id: uuid.UUID
) -> EmployerRead:
    employer = await get_or_404(session, Employer, employer_id, "employer")
    service.suspend(employer)
    await session.flush()
    return EmployerRead.model_validate(employer)
