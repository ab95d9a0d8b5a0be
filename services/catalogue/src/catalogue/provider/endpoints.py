from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import select
from sqlmodel import col

from catalogue.models import Campus, Institute, Intake, Provider, ProviderInstitute
from catalogue.permissions import (
    manages_institute,
    manages_provider,
    require_network_admin,
    require_staff,
)
from catalogue.provider.schemas import (
    CampusCreate,
    CampusRead,
    CampusUpdate,
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
)
from catalogue.provider.service import check_institutes_exist, place_campus, read_providers
from catalogue.vocab import ProviderType
from servicekit.auth import Principal
from servicekit.db import SessionDep, utcnow
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, fetch_page, paginate
from servicekit.repository import apply_changes, ensure_unique, get_or_404, get_referenced

router = APIRouter(prefix="/v1")
StaffDep = Annotated[Principal, Depends(require_staff)]
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


@router.get(
    "/providers", tags=["providers"], summary="List providers", response_model=Page[ProviderRead]
)
async def list_providers(
    session: SessionDep,
    paging: Paging,
    institute: Annotated[uuid.UUID | None, Query(description="Institute id")] = None,
    type: ProviderType | None = None,
    ukprn: Annotated[str | None, Query(max_length=8)] = None,
) -> Page[ProviderRead]:
    stmt = select(Provider).order_by(col(Provider.name), col(Provider.id))
    if institute:
        stmt = stmt.join(ProviderInstitute).where(col(ProviderInstitute.institute_id) == institute)
    if type:
        stmt = stmt.where(col(Provider.type) == type.value)
    if ukprn:
        stmt = stmt.where(col(Provider.ukprn) == ukprn)
    rows, total = await paginate(session, stmt, paging)
    return Page(
        items=await read_providers(session, rows),
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get(
    "/providers/{provider_id}",
    tags=["providers"],
    summary="One provider",
    responses=NotFound.schema_response(),
)
async def get_provider(session: SessionDep, provider_id: uuid.UUID) -> ProviderRead:
    provider = await get_or_404(session, Provider, provider_id, "provider")
    return (await read_providers(session, [provider]))[0]


@router.post(
    "/providers",
    tags=["providers"],
    summary="Add a provider (network admins)",
    status_code=201,
    responses=ERRORS,
)
async def create_provider(
    session: SessionDep,
    _: Annotated[Principal, Depends(require_network_admin)],
    body: ProviderCreate,
) -> ProviderRead:
    await ensure_unique(session, Provider, "ukprn", body.ukprn)
    institute_ids = list(dict.fromkeys(body.institute_ids))
    await check_institutes_exist(session, institute_ids)
    provider = Provider(**body.model_dump(exclude={"institute_ids"}))
    session.add(provider)
    await session.flush()
    for institute_id in institute_ids:
        session.add(ProviderInstitute(provider_id=provider.id, institute_id=institute_id))
    await session.flush()
    return (await read_providers(session, [provider]))[0]


@router.patch(
    "/providers/{provider_id}",
    tags=["providers"],
    summary="Change a provider (its staff, network admins)",
    responses=ERRORS,
)
async def update_provider(
    session: SessionDep, principal: StaffDep, provider_id: uuid.UUID, body: ProviderUpdate
) -> ProviderRead:
    provider = await get_or_404(session, Provider, provider_id, "provider")
    if not manages_provider(principal, provider.id):
        raise Forbidden("Only this provider's staff or network admins may change it.")
    apply_changes(provider, body.model_dump(exclude_unset=True), ("name", "type"))
    provider.updated_at = utcnow()
    await session.flush()
    return (await read_providers(session, [provider]))[0]


@router.put(
    "/providers/{provider_id}/institutes/{institute_id}",
    tags=["providers"],
    summary="Add a provider to an institute (the institute's admins, network admins)",
    status_code=204,
    responses=ERRORS,
)
async def link_provider(
    session: SessionDep, principal: StaffDep, provider_id: uuid.UUID, institute_id: uuid.UUID
) -> Response:
    await get_or_404(session, Provider, provider_id, "provider")
    await get_or_404(session, Institute, institute_id, "institute")
    if not manages_institute(principal, institute_id):
        raise Forbidden("Only the institute's admins or network admins may add its providers.")
    if await session.get(ProviderInstitute, (provider_id, institute_id)) is None:
        session.add(ProviderInstitute(provider_id=provider_id, institute_id=institute_id))
        await session.flush()
    return Response(status_code=204)


@router.delete(
    "/providers/{provider_id}/institutes/{institute_id}",
    tags=["providers"],
    summary="Remove a provider from an institute (the institute's admins, network admins)",
    status_code=204,
    responses=ERRORS,
)
async def unlink_provider(
    session: SessionDep, principal: StaffDep, provider_id: uuid.UUID, institute_id: uuid.UUID
) -> Response:
    if not manages_institute(principal, institute_id):
        raise Forbidden("Only the institute's admins or network admins may remove its providers.")
    link = await session.get(ProviderInstitute, (provider_id, institute_id))
    if link is None:
        raise NotFound("That provider is not part of that institute.")
    await session.delete(link)
    await session.flush()
    return Response(status_code=204)


@router.get(
    "/campuses", tags=["campuses"], summary="List campuses", response_model=Page[CampusRead]
)
async def list_campuses(
    session: SessionDep,
    paging: Paging,
    provider: Annotated[uuid.UUID | None, Query(description="Provider id")] = None,
) -> Page[CampusRead]:
    stmt = select(Campus).order_by(col(Campus.name), col(Campus.id))
    if provider:
        stmt = stmt.where(col(Campus.provider_id) == provider)
    return await fetch_page(session, stmt, paging, CampusRead.model_validate)


@router.get(
    "/campuses/{campus_id}",
    tags=["campuses"],
    summary="One campus",
    responses=NotFound.schema_response(),
)
async def get_campus(session: SessionDep, campus_id: uuid.UUID) -> CampusRead:
    return CampusRead.model_validate(await get_or_404(session, Campus, campus_id, "campus"))


@router.post(
    "/campuses",
    tags=["campuses"],
    summary="Add a campus (the provider's staff, network admins)",
    status_code=201,
    responses=ERRORS,
)
async def create_campus(session: SessionDep, principal: StaffDep, body: CampusCreate) -> CampusRead:
    if (body.latitude is None) != (body.longitude is None):
        raise Unprocessable.for_field(
            "body.longitude" if body.longitude is None else "body.latitude",
            "Send latitude and longitude together, or neither.",
            "incomplete_coordinates",
        )
    await get_referenced(session, Provider, body.provider_id, "provider_id", "provider")
    if not manages_provider(principal, body.provider_id):
        raise Forbidden("Only the provider's staff or network admins may add its campuses.")
    campus = Campus(**body.model_dump(exclude={"latitude", "longitude"}), latitude=0, longitude=0)
    if body.latitude is not None and body.longitude is not None:
        campus.latitude, campus.longitude = body.latitude, body.longitude
    place_campus(campus, explicit_coordinates=body.latitude is not None)
    session.add(campus)
    await session.flush()
    return CampusRead.model_validate(campus)


@router.patch(
    "/campuses/{campus_id}",
    tags=["campuses"],
    summary="Change a campus (the provider's staff, network admins)",
    responses=ERRORS,
)
async def update_campus(
    session: SessionDep, principal: StaffDep, campus_id: uuid.UUID, body: CampusUpdate
) -> CampusRead:
    campus = await get_or_404(session, Campus, campus_id, "campus")
    if not manages_provider(principal, campus.provider_id):
        raise Forbidden("Only the provider's staff or network admins may change its campuses.")
    changes = body.model_dump(exclude_unset=True)
    if ("latitude" in changes) != ("longitude" in changes):
        raise Unprocessable.for_field(
            "body.latitude", "Send latitude and longitude together, or neither.", "incomplete"
        )
    apply_changes(campus, changes, ("name", "address", "town", "postcode", "latitude", "longitude"))
    if "postcode" in changes and "latitude" not in changes:
        place_campus(campus, explicit_coordinates=False)
    campus.updated_at = utcnow()
    await session.flush()
    return CampusRead.model_validate(campus)


@router.delete(
    "/campuses/{campus_id}",
    tags=["campuses"],
    summary="Remove a campus that has no intakes",
    status_code=204,
    responses=ERRORS,
)
async def delete_campus(session: SessionDep, principal: StaffDep, campus_id: uuid.UUID) -> Response:
    campus = await get_or_404(session, Campus, campus_id, "campus")
    if not manages_provider(principal, campus.provider_id):
        raise Forbidden("Only the provider's staff or network admins may remove its campuses.")
    used = await session.execute(
        select(col(Intake.id)).where(col(Intake.campus_id) == campus.id).limit(1)
    )
    if used.first() is not None:
        raise Conflict("This campus still has intakes; move or remove them first.")
    await session.delete(campus)
    await session.flush()
    return Response(status_code=204)
