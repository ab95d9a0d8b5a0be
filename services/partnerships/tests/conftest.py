"""Partnerships tests go through the real ASGI app on SQLite and PostgreSQL, migrated by Alembic;
identity is a test double of its contract served over real HTTP (tests/identity_double.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from partnerships.config import SERVICE_ROOT, Settings
from partnerships.main import build_app
from partnerships.models import metadata
from servicekit.migrations import upgrade
from servicekit.testing.databases import BACKENDS, delete_all_rows, temporary_database
from servicekit.testing.servers import serve
from servicekit.testing.tokens import TokenFactory
from tests.identity_double import CLIENT_ID, CLIENT_SECRET, IdentityContractDouble


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("db")
    with temporary_database(request.param, "partnerships", tmp) as url:
        upgrade(SERVICE_ROOT, url)
        yield url


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
def identity() -> Iterator[tuple[IdentityContractDouble, str]]:
    double = IdentityContractDouble()
    with serve(double.app) as url:
        yield double, url


def settings_for(database_url: str, tokens: TokenFactory, identity_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_public_key_pem=tokens.public_pem,
        jwt_jwks_url=None,
        environment="test",
        identity_url=identity_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        sweep_interval_seconds=0,
    )


@pytest.fixture(scope="session")
async def app(
    database_url: str, tokens: TokenFactory, identity: tuple[IdentityContractDouble, str]
) -> AsyncIterator[FastAPI]:
    application = build_app(settings_for(database_url, tokens, identity[1]))
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: FastAPI, database_url: str) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c:
        yield c
    delete_all_rows(database_url, metadata)
