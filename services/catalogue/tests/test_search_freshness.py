"""The index follows the database: this process's writes before their answers leave, other
processes' writes through the change log, deletions through tombstones, bulk loads by rebuilding.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.orm import Session
from sqlmodel import col

from catalogue.config import Settings
from catalogue.main import build_app
from catalogue.models import CatalogueChange, Course, Intake, Sector
from servicekit.db import sync_url, utcnow
from servicekit.testing.tokens import TokenFactory
from tests.factories import World, make_world


@pytest.fixture
async def world(client: AsyncClient, tokens: TokenFactory) -> World:
    return await make_world(client, tokens)


def settings_for(database_url: str, tokens: TokenFactory) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_public_key_pem=tokens.public_pem,
        jwt_jwks_url=None,
        environment="test",
        search_poll_seconds=60,  # tests step the follower themselves
    )


@asynccontextmanager
async def replica(database_url: str, tokens: TokenFactory) -> AsyncIterator[AsyncClient]:
    """Another catalogue process on the same database, with an index of its own."""
    other = build_app(settings_for(database_url, tokens))
    async with LifespanManager(other):
        await other.state.search.wait_ready()
        async with AsyncClient(transport=ASGITransport(app=other), base_url="http://r") as c:
            yield c


def found(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


class TestOwnWrites:
    async def test_a_course_published_through_the_api_is_found_by_the_next_search(
        self, client: AsyncClient, world: World
    ):
        draft = await world.course(client, title="HNC in Hydrogen Systems", status="draft")
        assert found(await client.get("/v1/courses", params={"q": "hydrogen"})) == []
        publish = await client.patch(
            f"/v1/courses/{draft['id']}", json={"status": "published"}, headers=world.staff
        )
        assert publish.status_code == 200
        assert found(await client.get("/v1/courses", params={"q": "hydrogen"})) == [
            "HNC in Hydrogen Systems"
        ]
        suggest = await client.get("/v1/courses/suggest", params={"q": "hydro"})
        assert [s["text"] for s in suggest.json()["items"]] == ["HNC in Hydrogen Systems"]
        await client.patch(
            f"/v1/courses/{draft['id']}", json={"status": "archived"}, headers=world.staff
        )
        assert found(await client.get("/v1/courses", params={"q": "hydrogen"})) == []
        suggest = await client.get("/v1/courses/suggest", params={"q": "hydro"})
        assert suggest.json()["items"] == []

    async def test_intake_changes_move_the_next_intake(self, client: AsyncClient, world: World):
        course = await world.course(client, title="Wind Turbine Maintenance")
        url = f"/v1/courses/{course['id']}/intakes"
        created = await client.post(url, json=world.intake_body(), headers=world.staff)
        assert created.status_code == 201
        hit = (await client.get("/v1/courses", params={"q": "turbine"})).json()["items"][0]
        assert hit["next_intake"]["id"] == created.json()["id"]
        gone = await client.delete(f"/v1/intakes/{created.json()['id']}", headers=world.staff)
        assert gone.status_code == 204
        hit = (await client.get("/v1/courses", params={"q": "turbine"})).json()["items"][0]
        assert hit["next_intake"] is None

    async def test_renaming_a_provider_reindexes_its_courses(
        self, client: AsyncClient, world: World
    ):
        await world.course(client, title="Welding Fundamentals")
        renamed = await client.patch(
            f"/v1/providers/{world.provider['id']}",
            json={"name": "Humber Shipyard Academy"},
            headers=world.staff,
        )
        assert renamed.status_code == 200
        assert found(await client.get("/v1/courses", params={"q": "shipyard"})) == [
            "Welding Fundamentals"
        ]

    async def test_moving_a_campus_changes_distances(self, client: AsyncClient, world: World):
        await world.course(client, title="Robotics Short Course")
        before = (await client.get("/v1/courses", params={"postcode": "LN6"})).json()
        moved = await client.patch(
            f"/v1/campuses/{world.campus['id']}", json={"postcode": "LN6 7TS"}, headers=world.staff
        )
        assert moved.status_code == 200
        after = (await client.get("/v1/courses", params={"postcode": "LN6"})).json()
        assert before["items"][0]["distance_km"] > 50
        assert after["items"][0]["distance_km"] == 0.0

    async def test_renaming_a_sector_relabels_facets_and_text(
        self, app: FastAPI, client: AsyncClient, world: World, database_url: str
    ):
        await world.course(client, title="Battery Cell Assembly")
        engine = create_engine(sync_url(database_url))
        with Session(engine) as session, session.begin():  # no sector PATCH in the API yet
            sector = session.get(Sector, uuid.UUID(world.sector["id"]))
            assert sector is not None
            sector.name = "Battery and electrification"
        engine.dispose()
        await app.state.search.catch_up()
        body = (await client.get("/v1/courses", params={"q": "electrification"})).json()
        assert [i["title"] for i in body["items"]] == ["Battery Cell Assembly"]
        assert body["facets"]["sector"][0]["label"] == "Battery and electrification"

    async def test_every_write_is_numbered_in_the_change_log(
        self, client: AsyncClient, world: World, database_url: str
    ):
        course = await world.course(client)
        engine = create_engine(sync_url(database_url))
        with engine.connect() as conn:
            rows = conn.execute(
                select(col(CatalogueChange.entity), col(CatalogueChange.entity_id)).order_by(
                    col(CatalogueChange.seq)
                )
            ).all()
        engine.dispose()
        assert ("course", uuid.UUID(course["id"])) in rows
        assert ("provider", uuid.UUID(world.provider["id"])) in rows  # its campus was added


class TestOtherProcesses:
    async def test_a_write_in_another_process_reaches_this_index(
        self,
        app: FastAPI,
        client: AsyncClient,
        world: World,
        database_url: str,
        tokens: TokenFactory,
    ):
        async with replica(database_url, tokens) as other:
            response = await other.post(
                "/v1/courses",
                json=world.course_body(title="Offshore Wind Operations"),
                headers=world.staff,
            )
            assert response.status_code == 201
            assert found(await other.get("/v1/courses", params={"q": "offshore"})) == [
                "Offshore Wind Operations"
            ]
        await app.state.search.catch_up()  # what the follower does every poll
        assert found(await client.get("/v1/courses", params={"q": "offshore"})) == [
            "Offshore Wind Operations"
        ]

    async def test_a_deletion_elsewhere_leaves_a_tombstone(
        self, app: FastAPI, client: AsyncClient, world: World, database_url: str
    ):
        course = await world.course(client, title="Smart Grid Engineering")
        engine = create_engine(sync_url(database_url))
        with Session(engine) as session, session.begin():
            doomed = session.get(Course, uuid.UUID(course["id"]))
            session.delete(doomed)
        engine.dispose()
        assert found(await client.get("/v1/courses", params={"q": "grid"})) == [
            "Smart Grid Engineering"
        ]
        await app.state.search.catch_up()
        assert found(await client.get("/v1/courses", params={"q": "grid"})) == []

    async def test_a_late_committed_lower_number_is_not_missed(
        self, app: FastAPI, client: AsyncClient, world: World, database_url: str
    ):
        """PostgreSQL hands out numbers at insert, so number N can commit after N+1."""
        first = await world.course(client, title="Alpha Course")
        second = await world.course(client, title="Beta Course")
        engine = create_engine(sync_url(database_url))
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                early, late = (
                    conn.execute(text("SELECT nextval('catalogue_change_seq_seq')")).scalar_one()
                    for _ in range(2)
                )
            else:
                top = conn.execute(select(func.max(col(CatalogueChange.seq)))).scalar_one()
                early, late = top + 1, top + 2

        def rename(conn: Any, course: dict[str, Any], title: str, seq: int) -> None:
            conn.execute(
                update(Course).where(col(Course.id) == uuid.UUID(course["id"])).values(title=title)
            )
            conn.execute(
                insert(CatalogueChange).values(
                    seq=seq, entity="course", entity_id=uuid.UUID(course["id"]), changed_at=utcnow()
                )
            )

        with engine.begin() as conn:
            rename(conn, second, "Beta Renamed", late)
        await app.state.search.catch_up()
        assert found(await client.get("/v1/courses", params={"q": "renamed"})) == ["Beta Renamed"]
        with engine.begin() as conn:  # the transaction that took number `early` commits now
            rename(conn, first, "Alpha Renamed", early)
        engine.dispose()
        await app.state.search.catch_up()
        assert sorted(found(await client.get("/v1/courses", params={"q": "renamed"}))) == [
            "Alpha Renamed",
            "Beta Renamed",
        ]

    async def test_a_bulk_load_marked_all_rebuilds_the_index(
        self, app: FastAPI, client: AsyncClient, world: World, database_url: str
    ):
        course = await world.course(client, title="Template Course")
        engine = create_engine(sync_url(database_url))
        with engine.begin() as conn:  # behind the ORM's back, as a bulk loader does
            row = conn.execute(select(Course).where(col(Course.id) == uuid.UUID(course["id"])))
            values = dict(row.one()._mapping)
            values.update(id=uuid.uuid4(), title="Bulk Loaded Plumbing", slug="bulk-plumbing")
            conn.execute(insert(Course).values(**values))
            start = date.today() + timedelta(days=50)
            conn.execute(
                insert(Intake).values(
                    id=uuid.uuid4(),
                    course_id=values["id"],
                    campus_id=uuid.UUID(world.campus["id"]),
                    start_date=start,
                    application_deadline=start - timedelta(days=5),
                    capacity=10,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
            conn.execute(insert(CatalogueChange).values(entity="all", changed_at=utcnow()))
        engine.dispose()
        await app.state.search.catch_up()
        hit = (await client.get("/v1/courses", params={"q": "plumbing"})).json()["items"]
        assert [h["title"] for h in hit] == ["Bulk Loaded Plumbing"]
        assert hit[0]["next_intake"]["start_date"] == start.isoformat()


class TestStartUp:
    async def test_the_index_is_built_from_the_database_and_readyz_waits(
        self, client: AsyncClient, world: World, database_url: str, tokens: TokenFactory
    ):
        await world.course(client, title="Existing Before Start")
        fresh = build_app(settings_for(database_url, tokens))
        assert await fresh.state.search.readiness() == "search index is being built"
        async with LifespanManager(fresh):
            async with AsyncClient(transport=ASGITransport(app=fresh), base_url="http://f") as c:
                await fresh.state.search.wait_ready()
                ready = await c.get("/readyz")
                assert ready.status_code == 200
                assert ready.json()["checks"]["search"] == "ok"
                assert found(await c.get("/v1/courses", params={"q": "existing"})) == [
                    "Existing Before Start"
                ]

    async def test_searches_before_the_index_is_built_answer_503(
        self, database_url: str, tokens: TokenFactory
    ):
        unstarted = build_app(settings_for(database_url, tokens))
        async with AsyncClient(transport=ASGITransport(app=unstarted), base_url="http://u") as c:
            response = await c.get("/v1/courses", params={"q": "x"})
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "5"

    async def test_tombstones_outlive_their_rows_but_old_ones_are_pruned(
        self, app: FastAPI, client: AsyncClient, world: World, database_url: str
    ):
        await world.course(client)
        engine = create_engine(sync_url(database_url))
        with engine.begin() as conn:
            old = utcnow() - timedelta(days=3)
            conn.execute(update(CatalogueChange).values(changed_at=old))
            before = conn.execute(select(func.count()).select_from(CatalogueChange)).scalar_one()
        await app.state.search._prune()
        with engine.connect() as conn:
            left = conn.execute(select(col(CatalogueChange.seq))).scalars().all()
            newest = conn.execute(select(func.max(col(CatalogueChange.seq)))).scalar_one()
        engine.dispose()
        assert before > 1
        assert left == [newest]  # the newest number stays, anchoring the sequence
