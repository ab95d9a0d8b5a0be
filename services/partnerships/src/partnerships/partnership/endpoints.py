from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partnerships.access import (
    admined_institutes,
    admins_institute,
    can_read,
    check_manager,
    is_network_admin,
    manages,
    member_employers,
)
from partnerships.employer.service import require_not_suspended
from partnerships.errors import InvalidTransition
from partnerships.models import Employer, Partnership
from partnerships.partnership.schemas import PartnershipCreate, PartnershipRead, PartnershipUpdate
from partnerships.vocab import PartnershipKind, PartnershipStatus
from servicekit.auth import CurrentPrincipal, Principal
from servicekit.db import SessionDep, utcnow
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, fetch_page
from servicekit.repository import not_found

router = APIRouter(prefix="/v1", tags=["partnerships"])
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise Unprocessable.for_field(
            "body.ends_on", "A partnership cannot end before it starts.", "before_start"
        )


async def _readable(
    session: AsyncSession, principal: Principal, partnership_id: uuid.UUID
) -> Partnership:
    partnership = await session.get(Partnership, partnership_id)
    if partnership is None or not can_read(
        principal, partnership.employer_id, [partnership.institute_id]
    ):
        raise not_found("partnership", partnership_id)
    return partnership


@router.post(
    "/partnerships",
    summary="Propose a partnership with an institute (the employer's owners and admins)",
    status_code=201,
    responses=ERRORS,
)
async def propose_partnership(
    session: SessionDep, principal: CurrentPrincipal, body: PartnershipCreate
) -> PartnershipRead:
    employer = await session.get(Employer, body.employer_id)
    if employer is None or not manages(principal, body.employer_id):
        if employer is not None and can_read(principal, employer.id):
            raise Forbidden("Only the employer's owners and admins may propose partnerships.")
        raise Unprocessable.for_field(
            "body.employer_id", f"No employer {body.employer_id} that you manage.", "not_found"
        )
    require_not_suspended(employer, "propose partnerships")
    _check_dates(body.starts_on, body.ends_on)
    duplicate = await session.execute(
        select(col(Partnership.id)).where(
            col(Partnership.employer_id) == body.employer_id,
            col(Partnership.institute_id) == body.institute_id,
            col(Partnership.kind) == body.kind.value,
            col(Partnership.status) != PartnershipStatus.ended,
        )
    )
    if duplicate.first() is not None:
        raise Conflict(
            f"A {body.kind.value} partnership with this institute is already proposed or active."
        )
    partnership = Partnership(
        **body.model_dump(exclude={"contacts"}),
        contacts=[c.model_dump(exclude_none=True) for c in body.contacts],
        status=PartnershipStatus.proposed,
        proposed_by=principal.subject,
    )
    session.add(partnership)
    await session.flush()
    return PartnershipRead.model_validate(partnership)


@router.get(
    "/partnerships",
    summary="Partnerships you can see",
    description="An employer's members see its partnerships, an institute's admins those with "
    "their institute, network admins all.",
    response_model=Page[PartnershipRead],
    responses=Unauthorized.schema_response(),
)
async def list_partnerships(
    session: SessionDep,
    principal: CurrentPrincipal,
    paging: Paging,
    employer: uuid.UUID | None = None,
    institute: uuid.UUID | None = None,
    status: PartnershipStatus | None = None,
    kind: Annotated[list[PartnershipKind] | None, Query(max_length=5)] = None,
) -> Page[PartnershipRead]:
    stmt = select(Partnership).order_by(col(Partnership.created_at).desc(), col(Partnership.id))
    if not is_network_admin(principal):
        stmt = stmt.where(
            or_(
                col(Partnership.employer_id).in_(member_employers(principal)),
                col(Partnership.institute_id).in_(admined_institutes(principal)),
            )
        )
    if employer:
        stmt = stmt.where(col(Partnership.employer_id) == employer)
    if institute:
        stmt = stmt.where(col(Partnership.institute_id) == institute)
    if status:
        stmt = stmt.where(col(Partnership.status) == status.value)
    if kind:
        stmt = stmt.where(col(Partnership.kind).in_([k.value for k in kind]))
    return await fetch_page(session, stmt, paging, PartnershipRead.model_validate)


@router.get("/partnerships/{partnership_id}", summary="One partnership", responses=ERRORS)
async def get_partnership(
    session: SessionDep, principal: CurrentPrincipal, partnership_id: uuid.UUID
) -> PartnershipRead:
    return PartnershipRead.model_validate(await _readable(session, principal, partnership_id))


@router.patch(
    "/partnerships/{partnership_id}",
    summary="Change a partnership's description, dates or contacts (the employer's managers)",
    responses=ERRORS,
)
async def update_partnership(
    session: SessionDep,
    principal: CurrentPrincipal,
    partnership_id: uuid.UUID,
    body: PartnershipUpdate,
) -> PartnershipRead:
    partnership = await _readable(session, principal, partnership_id)
    check_manager(principal, partnership.employer_id, "partnership", partnership_id)
    if partnership.status == PartnershipStatus.ended:
        raise InvalidTransition("An ended partnership cannot be changed.")
    changes = body.model_dump(exclude_unset=True)
    if "contacts" in changes:
        if changes["contacts"] is None:
            raise Unprocessable.for_field("body.contacts", "contacts cannot be null.", "required")
        changes["contacts"] = [c.model_dump(exclude_none=True) for c in body.contacts or []]
    if changes.get("description", "") is None:
        raise Unprocessable.for_field("body.description", "description cannot be null.", "required")
    for key, value in changes.items():
        setattr(partnership, key, value)
    _check_dates(partnership.starts_on, partnership.ends_on)
    partnership.updated_at = utcnow()
    await session.flush()
    return PartnershipRead.model_validate(partnership)


@router.post(
    "/partnerships/{partnership_id}/accept",
    summary="Accept a proposed partnership (the institute's admins, network admins)",
    responses=ERRORS,
)
async def accept_partnership(
    session: SessionDep, principal: CurrentPrincipal, partnership_id: uuid.UUID
) -> PartnershipRead:
    partnership = await _readable(session, principal, partnership_id)
    if not (is_network_admin(principal) or admins_institute(principal, [partnership.institute_id])):
        raise Forbidden("Only the institute's admins may accept a partnership with it.")
    if partnership.status == PartnershipStatus.ended:
        raise InvalidTransition("This partnership has ended; propose a new one.")
    if partnership.status == PartnershipStatus.proposed:
        partnership.status = PartnershipStatus.active
        partnership.accepted_at = utcnow()
        partnership.accepted_by = principal.subject
        partnership.updated_at = utcnow()
        await session.flush()
    return PartnershipRead.model_validate(partnership)


@router.post(
    "/partnerships/{partnership_id}/end",
    summary="End a partnership (the employer's managers or the institute's admins)",
    responses=ERRORS,
)
async def end_partnership(
    session: SessionDep, principal: CurrentPrincipal, partnership_id: uuid.UUID
) -> PartnershipRead:
    partnership = await _readable(session, principal, partnership_id)
    if not (
        manages(principal, partnership.employer_id)
        or is_network_admin(principal)
        or admins_institute(principal, [partnership.institute_id])
    ):
        raise Forbidden("Only the employer's managers or the institute's admins may end it.")
    if partnership.status != PartnershipStatus.ended:
        partnership.status = PartnershipStatus.ended
        partnership.ended_at = utcnow()
        partnership.updated_at = utcnow()
        await session.flush()
    return PartnershipRead.model_validate(partnership)
