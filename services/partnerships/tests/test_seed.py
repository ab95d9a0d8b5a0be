"""The demo data: idempotent, and it tells the platform's real story."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from partnerships.demo import (
    GREATER_BIRMINGHAM,
    LINCOLNSHIRE,
    NORTH_EAST,
    NORTHEAST_BATTERY_WORKS,
    NORTHERN_BROADBAND,
    OLYMPUS_AUTOMATION,
    YORKSHIRE_AND_HUMBER,
    demo_id,
)
from partnerships.models import metadata
from partnerships.seed import seed
from servicekit.db import sync_url
from servicekit.testing.tokens import TokenFactory
from tests.factories import member, service


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(sync_url(url))
    with Session(engine) as session:
        counts = {
            t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }
    engine.dispose()
    return counts


def test_demo_ids_are_the_catalogues():
    # The catalogue's formula: uuid5(6f1d3c8e-..., "<kind>:<key>"); these values are what
    # catalogue.demo.demo_id gives for the same keys.
    assert str(YORKSHIRE_AND_HUMBER) == "e305a2e7-26a8-55d1-a9d1-163000f58742"
    assert str(NORTHERN_BROADBAND) == "2c052036-b8f8-5282-afaa-6aebff6e8d33"
    assert demo_id("employer", "olympus-automation") == OLYMPUS_AUTOMATION


async def test_seed_is_idempotent_and_tells_the_story(
    client: AsyncClient, database_url: str, tokens: TokenFactory
):
    first = seed(database_url, today=date(2026, 11, 29))
    counts = _counts(database_url)
    second = seed(database_url, today=date(2026, 11, 29))
    assert _counts(database_url) == counts
    assert first == second
    assert counts["employer"] == 3
    assert counts["partnership"] == 5

    employers = (await client.get("/v1/employers")).json()["items"]
    assert {e["name"] for e in employers} == {
        "Northern Broadband Ltd",
        "Olympus Automation",
        "North East Battery Works Ltd",
    }
    owner = member(tokens, str(NORTHERN_BROADBAND))
    [fund] = (await client.get("/v1/funds", headers=owner)).json()["items"]
    assert fund["balances"]["pledged_pence"] == 53_000_000
    assert fund["balances"]["unallocated_pence"] == 0
    assert sorted(fund["institute_ids"]) == sorted([str(YORKSHIRE_AND_HUMBER), str(LINCOLNSHIRE)])
    assert (fund["starts_on"], fund["ends_on"]) == ("2026-09-01", "2029-08-31")

    schemes = (await client.get("/v1/bursary-schemes")).json()["items"]
    assert len(schemes) == 2
    assert all(s["status"] == "open" for s in schemes)
    lincs = (
        await client.get(
            "/v1/bursary-schemes",
            params={"institute": str(LINCOLNSHIRE), "sector": "digital", "level": 4},
        )
    ).json()["items"]
    assert [s["name"] for s in lincs] == [
        "Northern Broadband Digital Futures Bursary (Lincolnshire)"
    ]
    eligible = await client.post(
        f"/v1/bursary-schemes/{lincs[0]['id']}/eligibility",
        json={
            "answers": {
                "household_income_pence": 1_800_000,
                "age": 18,
                "home_postcode_area": "LN",
                "first_in_family": True,
            }
        },
    )
    assert eligible.json()["eligible"] is True
    # The demo scheme takes reservations from the applications service.
    held = await client.post(
        f"/v1/bursary-schemes/{lincs[0]['id']}/reservations",
        json={"key": "demo-application"},
        headers=service(tokens),
    )
    assert held.status_code == 201

    events = await client.get("/v1/outreach-events", params={"from": "2026-11-29T00:00:00Z"})
    steam = events.json()["items"]
    assert {e["title"] for e in steam} == {"STE(A)M Challenge 2027"}
    assert {e["year_groups"][0] for e in steam} == {9}
    impact = (await client.get(f"/v1/employers/{NORTHERN_BROADBAND}/impact", headers=owner)).json()
    assert impact["outreach"]["pupils_reached"] == 54
    assert impact["funds"][0]["spent_pence"] == 3_500_000

    battery = (
        await client.get("/v1/partnerships", headers=member(tokens, str(NORTHEAST_BATTERY_WORKS)))
    ).json()["items"]
    assert {(p["institute_id"], p["kind"]) for p in battery} == {
        (str(NORTH_EAST), "co_development"),
        (str(GREATER_BIRMINGHAM), "co_development"),
    }
    olympus = (
        await client.get("/v1/partnerships", headers=member(tokens, str(OLYMPUS_AUTOMATION)))
    ).json()["items"]
    assert [(p["institute_id"], p["kind"]) for p in olympus] == [(str(LINCOLNSHIRE), "equipment")]
    opportunities = (await client.get("/v1/opportunities", params={"place": "HU"})).json()
    assert [o["title"] for o in opportunities["items"]] == ["Network engineering summer placement"]
