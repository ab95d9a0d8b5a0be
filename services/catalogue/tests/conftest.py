"""Catalogue tests go through the real ASGI app on SQLite and PostgreSQL, migrated by Alembic."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from catalogue.config import SERVICE_ROOT, Settings
from catalogue.main import build_app
from catalogue.models import metadata
from servicekit.migrations import upgrade
from servicekit.testing.databases import BACKENDS, delete_all_rows, temporary_database
from servicekit.testing.tokens import TokenFactory
from tests.search_world import SearchWorld, build_search_world


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("db")
    with temporary_database(request.param, "catalogue", tmp) as url:
        upgrade(SERVICE_ROOT, url)
        yield url


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
async def app(database_url: str, tokens: TokenFactory) -> AsyncIterator[FastAPI]:
    settings = Settings(
        database_url=database_url,
        jwt_public_key_pem=tokens.public_pem,
        jwt_jwks_url=None,
        environment="test",
    )
    application = build_app(settings)
    async with LifespanManager(application):
        await application.state.search.wait_ready()
        yield application


@pytest.fixture
async def client(app: FastAPI, database_url: str) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c:
        yield c
    delete_all_rows(database_url, metadata)
    await app.state.search.rebuild()  # the rows went behind the change log's back


@pytest.fixture(scope="module")
async def search_world(
    app: FastAPI, database_url: str, tokens: TokenFactory
) -> AsyncIterator[SearchWorld]:
    """A small realistic catalogue shared by a module's read-only tests."""
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c:
        built = await build_search_world(c, tokens)
    yield built
    delete_all_rows(database_url, metadata)
    await app.state.search.rebuild()


@pytest.fixture
async def api(app: FastAPI, search_world: SearchWorld) -> AsyncIterator[AsyncClient]:
    """A client for read-only tests on ``search_world`` (nothing is wiped afterwards)."""
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c:
        yield c
