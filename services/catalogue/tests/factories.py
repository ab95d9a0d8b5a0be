"""Build catalogue records through the API, as a network admin, for tests."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory

_counter = itertools.count(1)


def admin(tokens: TokenFactory) -> dict[str, str]:
    return tokens.bearer(roles=["network_admin"], orgs=[{"type": "network", "role": "admin"}])


def provider_staff(tokens: TokenFactory, provider_id: str) -> dict[str, str]:
    return tokens.bearer(
        roles=["provider_staff"], orgs=[{"type": "provider", "id": provider_id, "role": "member"}]
    )


def institute_admin(tokens: TokenFactory, institute_id: str) -> dict[str, str]:
    return tokens.bearer(
        roles=["institute_admin"],
        orgs=[{"type": "institute", "id": institute_id, "role": "admin"}],
    )


async def post(client: AsyncClient, url: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@dataclass
class World:
    """A region, a sector, an institute with one provider and a campus, ready for courses."""

    tokens: TokenFactory
    region: dict[str, Any]
    sector: dict[str, Any]
    institute: dict[str, Any]
    provider: dict[str, Any]
    campus: dict[str, Any]

    @property
    def admin(self) -> dict[str, str]:
        return admin(self.tokens)

    @property
    def staff(self) -> dict[str, str]:
        return provider_staff(self.tokens, self.provider["id"])

    def course_body(self, **overrides: Any) -> dict[str, Any]:
        n = next(_counter)
        body = {
            "title": f"HNC in Electrical Engineering {n}",
            "summary": "Design and maintain electrical systems.",
            "description": "A two-year part-time Higher National Certificate.",
            "sector_id": self.sector["id"],
            "level": 4,
            "qualification": "hnc",
            "delivery_mode": "in_person",
            "study_mode": "part_time",
            "duration_months": 24,
            "fee_pence": 650000,
            "entry_requirements": "A level 3 qualification in a STEM subject.",
            "institute_id": self.institute["id"],
            "provider_id": self.provider["id"],
            "status": "published",
        }
        body.update(overrides)
        return body

    async def course(self, client: AsyncClient, **overrides: Any) -> dict[str, Any]:
        return await post(client, "/v1/courses", self.staff, self.course_body(**overrides))  # type: ignore[no-any-return]

    def intake_body(self, **overrides: Any) -> dict[str, Any]:
        start = date.today() + timedelta(days=120)
        body = {
            "campus_id": self.campus["id"],
            "start_date": start.isoformat(),
            "application_deadline": (start - timedelta(days=30)).isoformat(),
            "capacity": 20,
        }
        body.update(overrides)
        return body


async def make_world(
    client: AsyncClient, tokens: TokenFactory, *, postcode: str = "HU1 3DX"
) -> World:
    n = next(_counter)
    h = admin(tokens)
    region = await post(
        client, "/v1/regions", h, {"code": f"TL{n}", "name": f"Region {n}", "slug": f"region-{n}"}
    )
    sector = await post(
        client, "/v1/sectors", h, {"slug": f"engineering-{n}", "name": f"Engineering {n}"}
    )
    institute = await post(
        client,
        "/v1/institutes",
        h,
        {
            "name": f"Test Institute of Technology {n}",
            "slug": f"test-iot-{n}",
            "region_id": region["id"],
            "licence_expires_on": "2028-07-31",
        },
    )
    provider = await post(
        client,
        "/v1/providers",
        h,
        {
            "name": f"Test College {n}",
            "ukprn": f"1{uuid.uuid4().int % 10_000_000:07d}",
            "type": "fe_college",
            "institute_ids": [institute["id"]],
        },
    )
    campus = await post(
        client,
        "/v1/campuses",
        provider_staff(tokens, provider["id"]),
        {"provider_id": provider["id"], "name": "Main campus", "postcode": postcode},
    )
    return World(tokens, region, sector, institute, provider, campus)
