"""A busy or unreachable database answers 503 with Retry-After (never a 500), changing nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from partnerships.main import build_app
from servicekit.db import Database
from servicekit.testing.servers import free_port
from servicekit.testing.tokens import TokenFactory
from tests.conftest import settings_for
from tests.factories import sign_up
from tests.identity_double import IdentityContractDouble


async def test_a_write_lock_held_too_long_answers_503_and_changes_nothing(
    app: FastAPI,
    client: AsyncClient,
    database_url: str,
    tokens: TokenFactory,
    identity: tuple[IdentityContractDouble, str],
):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL waits on the row lock instead of timing out")
    database: Database = app.state.database
    async with database.engine.connect() as conn:
        waits = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar_one()
    assert waits == 10_000  # the service's own setting, over the shared engine's 5 s

    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    url = f"/v1/funds/{fund['id']}/allocations"
    body = {"purpose": "bursaries", "amount_pence": 1_000}
    settings = settings_for(database_url, tokens, identity[1])
    settings.sqlite_busy_timeout_seconds = 0.5
    impatient = build_app(settings)
    blocker = sqlite3.connect(database_url.split("///", 1)[1], timeout=1)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds SQLite's one write lock
    try:
        async with (
            LifespanManager(impatient),
            AsyncClient(transport=ASGITransport(app=impatient), base_url="http://test") as c,
        ):
            busy = await c.post(url, json=body, headers=sponsor.owner)
    finally:
        blocker.rollback()
        blocker.close()
    assert busy.status_code == 503
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.json()["code"] == "database-busy"
    assert busy.headers["Retry-After"] == "2"
    assert (await client.post(url, json=body, headers=sponsor.owner)).status_code == 201
    ledger = await client.get(f"/v1/funds/{fund['id']}/ledger", headers=sponsor.owner)
    assert [e["kind"] for e in ledger.json()["items"]] == ["pledge", "allocate"]


async def test_an_unreachable_database_answers_503(
    database_url: str,
    tokens: TokenFactory,
    identity: tuple[IdentityContractDouble, str],
    tmp_path: Path,
):
    if database_url.startswith("sqlite"):
        gone = f"sqlite+aiosqlite:///{tmp_path}/no/such/folder/partnerships.db"
    else:
        gone = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/partnerships"
    app = build_app(settings_for(gone, tokens, identity[1]))
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c,
    ):
        response = await c.get("/v1/bursary-schemes")
        ready = await c.get("/readyz")
    assert response.status_code == 503
    assert response.json()["code"] == "database-busy"
    assert ready.status_code == 503
