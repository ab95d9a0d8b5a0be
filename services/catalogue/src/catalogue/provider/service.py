"""Provider and campus rules: which institutes a provider belongs to, where a campus is."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from catalogue.geo import locate
from catalogue.models import Campus, Institute, Provider, ProviderInstitute
from catalogue.provider.schemas import ProviderRead
from servicekit.errors import FieldError, Unprocessable


async def institute_ids_by_provider(
    session: AsyncSession, provider_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    links: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if provider_ids:
        rows = await session.execute(
            select(col(ProviderInstitute.provider_id), col(ProviderInstitute.institute_id)).where(
                col(ProviderInstitute.provider_id).in_(provider_ids)
            )
        )
        for provider_id, institute_id in rows:
            links[provider_id].append(institute_id)
    return links


async def read_providers(
    session: AsyncSession, providers: Sequence[Provider]
) -> list[ProviderRead]:
    links = await institute_ids_by_provider(session, [p.id for p in providers])
    return [
        ProviderRead.model_validate(
            {**p.model_dump(), "institute_ids": sorted(links.get(p.id, []), key=str)}
        )
        for p in providers
    ]


async def check_institutes_exist(session: AsyncSession, institute_ids: Sequence[uuid.UUID]) -> None:
    if not institute_ids:
        return
    found = set(
        (
            await session.execute(
                select(col(Institute.id)).where(col(Institute.id).in_(institute_ids))
            )
        ).scalars()
    )
    missing = [i for i in institute_ids if i not in found]
    if missing:
        raise Unprocessable(
            "Some institutes do not exist.",
            errors=[
                FieldError(
                    field="body.institute_ids", message=f"No institute {m}.", code="not_found"
                )
                for m in missing
            ],
        )


def place_campus(campus: Campus, *, explicit_coordinates: bool) -> None:
    """Coordinates come from the body when given, else from the postcode's district."""
    if explicit_coordinates:
        return
    district = locate(campus.postcode)
    if district is None:
        raise Unprocessable.for_field(
            "body.postcode",
            f"Postcode district of '{campus.postcode}' is not known; "
            "send latitude and longitude with it.",
            "unknown_postcode",
        )
    campus.latitude = district.latitude
    campus.longitude = district.longitude
    if not campus.town:
        campus.town = district.town
