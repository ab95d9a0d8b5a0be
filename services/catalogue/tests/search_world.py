"""A small, realistic catalogue for search tests, built through the API as staff would.

Three institutes in three regions; providers in Hull, Beverley, Leeds, Lincoln and London; four
sectors; ten courses (one a draft) with intakes, one of them with its deadline passed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import admin, post, provider_staff

_ukprn = itertools.count(10_090_001)

SECTORS = {
    "engineering": "Engineering and manufacturing",
    "digital": "Digital",
    "green-energy": "Green energy",
    "health": "Healthcare science",
}
REGIONS = {
    "TLE": "Yorkshire and The Humber",
    "TLF": "East Midlands",
    "TLI": "London",
}
INSTITUTES = {
    "yh": ("Yorkshire and Humber Institute of Technology", "TLE"),
    "lincs": ("Lincolnshire Institute of Technology", "TLF"),
    "london": ("London Institute of Technology", "TLI"),
}
PROVIDERS = {
    # key: (name, institute, campus name, postcode)
    "hull": ("Hull College", "yh", "Queen's Gardens", "HU1 3DG"),
    "beverley": ("East Riding College", "yh", "Flemingate", "HU17 0GH"),
    "leeds": ("Leeds College of Building", "yh", "North Street", "LS2 7QT"),
    "lincoln": ("Lincoln College", "lincs", "Monks Road", "LN2 5HQ"),
    "london": ("City Technical College", "london", "Old Street", "EC1V 9LT"),
}
TODAY = date.today()


def _intake(campus_id: str, start_in_days: int, deadline_days_before: int = 30) -> dict[str, Any]:
    start = TODAY + timedelta(days=start_in_days)
    return {
        "campus_id": campus_id,
        "start_date": start.isoformat(),
        "application_deadline": (start - timedelta(days=deadline_days_before)).isoformat(),
        "capacity": 24,
    }


# key: provider, sector, title, qualification, level, study mode, summary, description,
#      intakes as (start in days, deadline days before start), status
COURSES: dict[str, tuple[Any, ...]] = {
    "hull_electrical": (
        "hull",
        "engineering",
        "HNC in Electrical and Electronic Engineering",
        "hnc",
        4,
        "part_time",
        "Design, install and maintain electrical systems.",
        "Two years part-time alongside work, with labs in Hull.",
        [(90, 30), (270, 30)],
        "published",
    ),
    "hull_cyber": (
        "hull",
        "digital",
        "Cyber Security Bootcamp",
        "bootcamp",
        3,
        "full_time",
        "Twelve weeks to a junior security analyst role.",
        "Networks, threat hunting and incident response.",
        [(40, 10)],
        "published",
    ),
    "beverley_mechanical": (
        "beverley",
        "engineering",
        "HND in Mechanical Engineering",
        "hnd",
        5,
        "full_time",
        "Mechanical design, materials and manufacturing.",
        "Workshops and a final project with a local employer.",
        [(120, 30)],
        "published",
    ),
    "beverley_renewable": (
        "beverley",
        "green-energy",
        "Renewable Energy Technician Apprenticeship",
        "apprenticeship",
        3,
        "full_time",
        "Install and maintain wind and solar systems.",
        "Offshore wind safety, heat pumps and solar PV.",
        [(60, 20)],
        "published",
    ),
    "leeds_civil": (
        "leeds",
        "engineering",
        "Foundation Degree in Civil Engineering",
        "foundation_degree",
        5,
        "part_time",
        "Structures, surveying and site management.",
        "Day release for people already working in construction.",
        [(150, 30)],
        "published",
    ),
    "lincoln_control": (
        "lincoln",
        "engineering",
        "Degree Apprenticeship in Control Engineering",
        "degree_apprenticeship",
        6,
        "full_time",
        "Automation, PLCs and control systems.",
        "Employed by a manufacturer; study one day a week.",
        [(200, 60)],
        "published",
    ),
    "lincoln_software": (
        "lincoln",
        "digital",
        "HTQ in Software Development",
        "htq",
        4,
        "full_time",
        "Build and test web applications.",
        "Covers software engineering practice, testing and cloud deployment.",
        [(30, 40)],  # deadline already passed
        "published",
    ),
    "london_electrical": (
        "london",
        "engineering",
        "BEng Electrical Engineering",
        "bachelors_degree",
        6,
        "full_time",
        "Power systems and electronics.",
        "Three years full time in central London.",
        [(100, 30)],
        "published",
    ),
    "london_health": (
        "london",
        "health",
        "Healthcare Science Practitioner",
        "foundation_degree",
        5,
        "full_time",
        "Work in hospital laboratories and clinics.",
        "Includes a placement in clinical engineering.",
        [(110, 30)],
        "published",
    ),
    "hull_marine_draft": (
        "hull",
        "engineering",
        "HNC in Marine Engineering",
        "hnc",
        4,
        "part_time",
        "Ship systems and marine power.",
        "Not yet published.",
        [(300, 30)],
        "draft",
    ),
}


@dataclass
class SearchWorld:
    tokens: TokenFactory
    sectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    regions: dict[str, dict[str, Any]] = field(default_factory=dict)
    institutes: dict[str, dict[str, Any]] = field(default_factory=dict)
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    campuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)

    def staff(self, provider: str) -> dict[str, str]:
        return provider_staff(self.tokens, self.providers[provider]["id"])

    def title(self, key: str) -> str:
        return str(self.courses[key]["title"])

    def key_of(self, course_id: str) -> str:
        return next(k for k, c in self.courses.items() if c["id"] == course_id)


async def build_search_world(client: AsyncClient, tokens: TokenFactory) -> SearchWorld:
    world = SearchWorld(tokens)
    h = admin(tokens)
    for slug, name in SECTORS.items():
        world.sectors[slug] = await post(client, "/v1/sectors", h, {"slug": slug, "name": name})
    for code, name in REGIONS.items():
        body = {"code": code, "name": name, "slug": name.lower().replace(" ", "-")}
        world.regions[code] = await post(client, "/v1/regions", h, body)
    for key, (name, region) in INSTITUTES.items():
        body = {
            "name": name,
            "slug": f"{key}-iot",
            "region_id": world.regions[region]["id"],
            "licence_expires_on": "2028-07-31",
        }
        world.institutes[key] = await post(client, "/v1/institutes", h, body)
    for key, (name, institute, campus, postcode) in PROVIDERS.items():
        body = {
            "name": name,
            "ukprn": str(next(_ukprn)),
            "type": "fe_college",
            "institute_ids": [world.institutes[institute]["id"]],
        }
        world.providers[key] = await post(client, "/v1/providers", h, body)
        world.campuses[key] = await post(
            client,
            "/v1/campuses",
            world.staff(key),
            {"provider_id": world.providers[key]["id"], "name": campus, "postcode": postcode},
        )
    for key, spec in COURSES.items():
        provider, sector, title, qual, level, study, summary, description, intakes, status = spec
        body = {
            "title": title,
            "summary": summary,
            "description": description,
            "sector_id": world.sectors[sector]["id"],
            "level": level,
            "qualification": qual,
            "delivery_mode": "in_person",
            "study_mode": study,
            "duration_months": 24,
            "fee_pence": 650_000,
            "institute_id": world.institutes[PROVIDERS[provider][1]]["id"],
            "provider_id": world.providers[provider]["id"],
            "status": status,
        }
        world.courses[key] = await post(client, "/v1/courses", world.staff(provider), body)
        for start, before in intakes:
            await post(
                client,
                f"/v1/courses/{world.courses[key]['id']}/intakes",
                world.staff(provider),
                _intake(world.campuses[provider]["id"], start, before),
            )
    return world
