from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlmodel import col

from catalogue.models import Region, Sector
from catalogue.permissions import require_network_admin
from catalogue.reference.schemas import RegionCreate, RegionRead, SectorCreate, SectorRead
from servicekit.auth import Principal
from servicekit.db import SessionDep
from servicekit.errors import Conflict, Forbidden, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, fetch_page
from servicekit.repository import ensure_unique

router = APIRouter(prefix="/v1")
AdminDep = Annotated[Principal, Depends(require_network_admin)]
WRITE_ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


@router.get("/regions", tags=["regions"], summary="List regions", response_model=Page[RegionRead])
async def list_regions(session: SessionDep, paging: Paging) -> Page[RegionRead]:
    return await fetch_page(
        session, select(Region).order_by(col(Region.name)), paging, RegionRead.model_validate
    )


@router.post(
    "/regions",
    tags=["regions"],
    summary="Add a region (network admins)",
    status_code=201,
    responses=WRITE_ERRORS,
)
async def create_region(session: SessionDep, _: AdminDep, body: RegionCreate) -> RegionRead:
    for field in ("code", "name", "slug"):
        await ensure_unique(session, Region, field, getattr(body, field))
    region = Region(**body.model_dump())
    session.add(region)
    await session.flush()
    return RegionRead.model_validate(region)


@router.get("/sectors", tags=["sectors"], summary="List sectors", response_model=Page[SectorRead])
async def list_sectors(session: SessionDep, paging: Paging) -> Page[SectorRead]:
    return await fetch_page(
        session, select(Sector).order_by(col(Sector.name)), paging, SectorRead.model_validate
    )


@router.post(
    "/sectors",
    tags=["sectors"],
    summary="Add a sector (network admins)",
    status_code=201,
    responses=WRITE_ERRORS,
)
async def create_sector(session: SessionDep, _: AdminDep, body: SectorCreate) -> SectorRead:
    for field in ("name", "slug"):
        await ensure_unique(session, Sector, field, getattr(body, field))
    sector = Sector(**body.model_dump())
    session.add(sector)
    await session.flush()
    return SectorRead.model_validate(sector)
