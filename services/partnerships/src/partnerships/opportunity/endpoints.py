from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import and_, or_, select
from sqlmodel import col

from partnerships.access import (
    check_manager,
    is_member,
    is_network_admin,
    manages,
    member_employers,
)
from partnerships.employer.service import require_not_suspended, require_verified
from partnerships.models import Employer, Opportunity
from partnerships.opportunity.schemas import (
    OpportunityCreate,
    OpportunityRead,
    OpportunityUpdate,
)
from partnerships.vocab import OpportunityKind, OpportunityStatus, normalise_place, postcode_area
from servicekit.auth import CurrentPrincipal, OptionalPrincipal
from servicekit.db import SessionDep, utcnow
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, fetch_page
from servicekit.repository import not_found

router = APIRouter(prefix="/v1", tags=["opportunities"])
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}
REQUIRED = ("kind", "sector", "title", "town", "postcode", "closes_on", "status")


def _is_public(o: Opportunity, today: date) -> bool:
    return o.status == OpportunityStatus.published and o.closes_on >= today


def _check_closing(closes_on: date) -> None:
    if closes_on < utcnow().date():
        raise Unprocessable.for_field(
            "body.closes_on", "The closing date has passed.", "in_the_past"
        )


@router.post(
    "/opportunities",
    summary="Offer an opportunity (the employer's owners and admins)",
    description="Publishing (status `published`) needs a verified employer.",
    status_code=201,
    responses=ERRORS,
)
async def create_opportunity(
    session: SessionDep, principal: CurrentPrincipal, body: OpportunityCreate
) -> OpportunityRead:
    employer = await session.get(Employer, body.employer_id)
    if employer is None or not manages(principal, employer.id):
        if employer is not None and is_member(principal, employer.id):
            raise Forbidden("Only the employer's owners and admins may offer opportunities.")
        raise Unprocessable.for_field(
            "body.employer_id", f"No employer {body.employer_id} that you manage.", "not_found"
        )
    require_not_suspended(employer, "offer opportunities")
    if body.status == OpportunityStatus.published:
        require_verified(employer, "publish opportunities")
    _check_closing(body.closes_on)
    opportunity = Opportunity(
        **body.model_dump(exclude={"postcode"}),
        postcode_district=body.postcode,
        postcode_area=postcode_area(body.postcode),
    )
    session.add(opportunity)
    await session.flush()
    return OpportunityRead.model_validate(opportunity)


@router.get(
    "/opportunities",
    summary="Search opportunities (public)",
    description="Published opportunities that have not closed, for everyone; the employer's "
    "members also see its drafts and closed ones. `place` is a postcode area (`HU`), a "
    "district (`HU1`), a full postcode (its district is used) or a town name.",
    response_model=Page[OpportunityRead],
    responses=Unprocessable.schema_response(),
)
async def list_opportunities(
    session: SessionDep,
    principal: OptionalPrincipal,
    paging: Paging,
    sector: Annotated[list[str] | None, Query(max_length=20)] = None,
    kind: Annotated[list[OpportunityKind] | None, Query(max_length=4)] = None,
    place: Annotated[str | None, Query(max_length=60)] = None,
    employer: uuid.UUID | None = None,
    institute: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the title")] = None,
) -> Page[OpportunityRead]:
    stmt = select(Opportunity).order_by(
        col(Opportunity.closes_on), col(Opportunity.title), col(Opportunity.id)
    )
    public = and_(
        col(Opportunity.status) == OpportunityStatus.published,
        col(Opportunity.closes_on) >= utcnow().date(),
    )
    if not is_network_admin(principal):
        stmt = stmt.where(
            or_(public, col(Opportunity.employer_id).in_(member_employers(principal)))
        )
    if sector:
        stmt = stmt.where(col(Opportunity.sector).in_(sector))
    if kind:
        stmt = stmt.where(col(Opportunity.kind).in_([k.value for k in kind]))
    if place and place.strip():
        parsed = normalise_place(place)
        if parsed is None:
            escaped = place.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(col(Opportunity.town).ilike(f"%{escaped}%", escape="\\"))
        elif parsed[0] == "area":
            stmt = stmt.where(col(Opportunity.postcode_area) == parsed[1])
        else:
            stmt = stmt.where(col(Opportunity.postcode_district) == parsed[1])
    if employer:
        stmt = stmt.where(col(Opportunity.employer_id) == employer)
    if institute:
        stmt = stmt.where(col(Opportunity.institute_id) == institute)
    if q:
        for word in q.split()[:10]:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(col(Opportunity.title).ilike(f"%{escaped}%", escape="\\"))
    return await fetch_page(session, stmt, paging, OpportunityRead.model_validate)


@router.get(
    "/opportunities/{opportunity_id}",
    summary="One opportunity",
    responses=NotFound.schema_response(),
)
async def get_opportunity(
    session: SessionDep, principal: OptionalPrincipal, opportunity_id: uuid.UUID
) -> OpportunityRead:
    opportunity = await session.get(Opportunity, opportunity_id)
    if opportunity is None or not (
        _is_public(opportunity, utcnow().date())
        or is_member(principal, opportunity.employer_id)
        or is_network_admin(principal)
    ):
        raise not_found("opportunity", opportunity_id)
    return OpportunityRead.model_validate(opportunity)


@router.patch(
    "/opportunities/{opportunity_id}",
    summary="Change, publish or close an opportunity (the employer's owners and admins)",
    responses=ERRORS,
)
async def update_opportunity(
    session: SessionDep,
    principal: CurrentPrincipal,
    opportunity_id: uuid.UUID,
    body: OpportunityUpdate,
) -> OpportunityRead:
    opportunity = await session.get(Opportunity, opportunity_id)
    if opportunity is None:
        raise not_found("opportunity", opportunity_id)
    check_manager(principal, opportunity.employer_id, "opportunity", opportunity_id)
    changes = body.model_dump(exclude_unset=True)
    for name in REQUIRED:
        if name in changes and changes[name] is None:
            raise Unprocessable.for_field(f"body.{name}", f"{name} cannot be null.", "required")
    employer = await session.get(Employer, opportunity.employer_id)
    assert employer is not None
    require_not_suspended(employer, "change opportunities")
    if changes.get("status") == OpportunityStatus.published:
        require_verified(employer, "publish opportunities")
    if "closes_on" in changes:
        _check_closing(changes["closes_on"])
    if "postcode" in changes:
        district = changes.pop("postcode")
        opportunity.postcode_district = district
        opportunity.postcode_area = postcode_area(district)
    for name, value in changes.items():
        setattr(opportunity, name, value if value is not None or name == "institute_id" else "")
    opportunity.updated_at = utcnow()
    await session.flush()
    return OpportunityRead.model_validate(opportunity)
