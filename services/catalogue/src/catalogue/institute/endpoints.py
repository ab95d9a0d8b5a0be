from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlmodel import col

from catalogue.institute.schemas import InstituteCreate, InstituteRead, InstituteUpdate
from catalogue.models import Institute, Region
from catalogue.permissions import manages_institute, require_network_admin, require_staff
from catalogue.vocab import LicenceStatus
from servicekit.auth import Principal
from servicekit.db import SessionDep, utcnow
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, fetch_page
from servicekit.repository import apply_changes, ensure_unique, get_or_404, get_referenced

router = APIRouter(prefix="/v1/institutes", tags=["institutes"])
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


@router.get("", summary="List institutes", response_model=Page[InstituteRead])
async def list_institutes(
    session: SessionDep,
    paging: Paging,
    region: Annotated[uuid.UUID | None, Query(description="Region id")] = None,
    licence_status: LicenceStatus | None = None,
    slug: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[InstituteRead]:
    stmt = select(Institute).order_by(col(Institute.name))
    if region:
        stmt = stmt.where(col(Institute.region_id) == region)
    if licence_status:
        stmt = stmt.where(col(Institute.licence_status) == licence_status.value)
    if slug:
        stmt = stmt.where(col(Institute.slug) == slug)
    return await fetch_page(session, stmt, paging, InstituteRead.model_validate)


@router.get("/{institute_id}", summary="One institute", responses=NotFound.schema_response())
async def get_institute(session: SessionDep, institute_id: uuid.UUID) -> InstituteRead:
    return InstituteRead.model_validate(
        await get_or_404(session, Institute, institute_id, "institute")
    )


@router.post("", summary="Add an institute (network admins)", status_code=201, responses=ERRORS)
async def create_institute(
    session: SessionDep,
    _: Annotated[Principal, Depends(require_network_admin)],
    body: InstituteCreate,
) -> InstituteRead:
    await get_referenced(session, Region, body.region_id, "region_id", "region")
    await ensure_unique(session, Institute, "name", body.name)
    await ensure_unique(session, Institute, "slug", body.slug)
    institute = Institute(**body.model_dump())
    session.add(institute)
    await session.flush()
    return InstituteRead.model_validate(institute)


@router.patch(
    "/{institute_id}",
    summary="Change an institute (its admins, network admins)",
    responses=ERRORS,
)
async def update_institute(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require_staff)],
    institute_id: uuid.UUID,
    body: InstituteUpdate,
) -> InstituteRead:
    institute = await get_or_404(session, Institute, institute_id, "institute")
    if not manages_institute(principal, institute.id):
        raise Forbidden("Only this institute's admins or network admins may change it.")
    changes = body.model_dump(exclude_unset=True)
    if changes.get("region_id"):
        await get_referenced(session, Region, changes["region_id"], "region_id", "region")
    if changes.get("name"):
        await ensure_unique(session, Institute, "name", changes["name"], exclude_id=institute.id)
    apply_changes(institute, changes, ("name", "region_id", "licence_status", "summary"))
    institute.updated_at = utcnow()
    await session.flush()
    return InstituteRead.model_validate(institute)
