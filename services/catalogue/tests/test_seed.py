"""The demo data: idempotent, and it tells the platform's real story."""

from __future__ import annotations

from datetime import date

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from catalogue.models import Course, Institute, Intake, metadata
from catalogue.seed import seed
from servicekit.db import sync_url


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(sync_url(url))
    with Session(engine) as session:
        counts = {
            t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
            if t.name != "catalogue_change"  # the search index's change log grows on every write
        }
    engine.dispose()
    return counts


async def test_seed_is_idempotent_and_tells_the_story(
    client: AsyncClient, database_url: str, app: FastAPI
):
    first = seed(database_url, today=date(2026, 11, 29))
    counts = _counts(database_url)
    second = seed(database_url, today=date(2026, 11, 29))
    assert _counts(database_url) == counts
    assert first == second
    assert counts["institute"] == 21
    assert 140 <= counts["course"] <= 160

    engine = create_engine(sync_url(database_url))
    with Session(engine) as session:
        licences = set(session.execute(select(Institute.licence_expires_on)).scalars())
        assert licences == {date(2028, 7, 31)}
        assert (
            session.execute(
                select(func.count())
                .select_from(Intake)
                .where(Intake.application_deadline >= Intake.start_date)  # type: ignore[arg-type]
            ).scalar_one()
            == 0
        )
        statuses = set(session.execute(select(Course.status)).scalars())
        assert statuses == {"published"}
    engine.dispose()

    # The seed ran as another process would: the search index follows the change log.
    await app.state.search.catch_up()
    # Through the API: Yorkshire and Humber IoT offers green-energy courses around Hull and York.
    yh = (
        await client.get(
            "/v1/institutes", params={"slug": "yorkshire-and-humber-institute-of-technology"}
        )
    ).json()["items"][0]
    courses = (await client.get("/v1/courses", params={"institute": yh["id"], "limit": 50})).json()
    assert courses["total"] == 7
    sectors = (await client.get("/v1/sectors")).json()["items"]
    green = next(s for s in sectors if s["slug"] == "green-energy")
    assert any(c["sector_id"] == green["id"] for c in courses["items"])
    campuses = (await client.get("/v1/campuses", params={"limit": 100})).json()["items"]
    assert any(c["postcode"].startswith("HU6") and c["town"] == "Hull" for c in campuses)
