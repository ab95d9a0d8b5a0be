"""Catalogue records for tests, made through the real catalogue's API (as its staff would)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from servicekit.testing.tokens import TokenFactory

_counter = itertools.count(1)


def admin(tokens: TokenFactory) -> dict[str, str]:
    return tokens.bearer(roles=["network_admin"], orgs=[{"type": "network", "role": "admin"}])


async def _post(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], body: dict[str, Any]
) -> Any:
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@dataclass
class CatalogueWorld:
    """An institute with two providers (each with a campus) and a sector, ready for courses."""

    url: str
    tokens: TokenFactory
    sector: dict[str, Any]
    institute: dict[str, Any]
    providers: list[dict[str, Any]]
    campuses: list[dict[str, Any]]

    @property
    def provider_id(self) -> str:
        return str(self.providers[0]["id"])

    @property
    def other_provider_id(self) -> str:
        return str(self.providers[1]["id"])

    async def intake(
        self,
        *,
        provider: int = 0,
        status: str = "published",
        capacity: int = 20,
        deadline_in_days: int = 60,
    ) -> dict[str, Any]:
        """A course of provider ``provider`` (published or draft) with one intake."""
        n = next(_counter)
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as client:
            course = await _post(
                client,
                "/v1/courses",
                admin(self.tokens),
                {
                    "title": f"HNC Cloud Engineering {n}",
                    "sector_id": self.sector["id"],
                    "level": 4,
                    "qualification": "hnc",
                    "delivery_mode": "in_person",
                    "study_mode": "part_time",
                    "duration_months": 24,
                    "fee_pence": 650000,
                    "institute_id": self.institute["id"],
                    "provider_id": self.providers[provider]["id"],
                    "status": status,
                },
            )
            deadline = date.today() + timedelta(days=deadline_in_days)
            intake = await _post(
                client,
                f"/v1/courses/{course['id']}/intakes",
                admin(self.tokens),
                {
                    "campus_id": self.campuses[provider]["id"],
                    "start_date": (deadline + timedelta(days=30)).isoformat(),
                    "application_deadline": deadline.isoformat(),
                    "capacity": capacity,
                },
            )
        return {**intake, "course": course}


async def make_world(url: str, tokens: TokenFactory) -> CatalogueWorld:
    n = next(_counter)
    tag = uuid.uuid4().hex[:6]
    h = admin(tokens)
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        region = await _post(
            client,
            "/v1/regions",
            h,
            {"code": f"T{tag[:5].upper()}", "name": f"Region {tag}", "slug": f"region-{tag}"},
        )
        sector = await _post(
            client, "/v1/sectors", h, {"slug": f"digital-{tag}", "name": f"Digital {tag}"}
        )
        institute = await _post(
            client,
            "/v1/institutes",
            h,
            {
                "name": f"Test Institute of Technology {tag}",
                "slug": f"test-iot-{tag}",
                "region_id": region["id"],
                "licence_expires_on": "2028-07-31",
            },
        )
        providers, campuses = [], []
        for i in range(2):
            provider = await _post(
                client,
                "/v1/providers",
                h,
                {
                    "name": f"Test College {tag} {i}",
                    "ukprn": f"1{uuid.uuid4().int % 10_000_000:07d}",
                    "type": "fe_college",
                    "institute_ids": [institute["id"]],
                },
            )
            campus = await _post(
                client,
                "/v1/campuses",
                h,
                {"provider_id": provider["id"], "name": f"Campus {n}", "postcode": "YO23 2BB"},
            )
            providers.append(provider)
            campuses.append(campus)
    return CatalogueWorld(url, tokens, sector, institute, providers, campuses)
