"""Identity tests go through the real ASGI app on SQLite and PostgreSQL, migrated by Alembic."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from identity.config import SERVICE_ROOT, Settings
from identity.main import build_app
from identity.models import metadata
from servicekit.migrations import upgrade
from servicekit.testing.databases import BACKENDS, delete_all_rows, temporary_database


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("db")
    with temporary_database(request.param, "identity", tmp) as url:
        upgrade(SERVICE_ROOT, url)
        yield url


def make_settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(**{"database_url": database_url, "environment": "test", **overrides})


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    application = build_app(make_settings(database_url))
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: FastAPI, database_url: str) -> AsyncIterator[AsyncClient]:
    await app.state.keyring.ensure_key()  # rows are emptied after every test
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c:
        yield c
    delete_all_rows(database_url, metadata)
