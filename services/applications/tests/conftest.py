"""Applications tests go through the real ASGI app on SQLite and PostgreSQL, migrated by Alembic.

The services it calls run for real, each as its own process on a free port with its own
database: the catalogue, and partnerships (``tests/partnerships.py``), which signs employers up
with the real identity service. Partnerships is reached through a fault proxy
(``tests/faults.py``) that tests can make slow or failing; the catalogue is also reachable
through one. Either service can be really stopped and started again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from applications.config import SERVICE_ROOT, Settings
from applications.main import build_app
from applications.models import metadata
from servicekit.migrations import upgrade
from servicekit.testing.databases import BACKENDS, delete_all_rows, temporary_database
from servicekit.testing.tokens import TokenFactory
from tests.catalogue_world import CatalogueWorld, make_world
from tests.faults import FaultProxy
from tests.partnerships import Partnerships
from tests.servers import ServiceProcess, ThreadServer

SERVICE_CLIENT = "svc-applications"


class ServiceTokens:
    """This service's own token for its calls, minted with the tests' key (the services under
    test verify it with the same key)."""

    def __init__(self, tokens: TokenFactory) -> None:
        self.tokens = tokens
        self._token: str | None = None

    async def token(self, session: aiohttp.ClientSession) -> str | None:
        if self._token is None:
            self._token = self.tokens.mint(
                sub=f"client:{SERVICE_CLIENT}", scope="internal", client_id=SERVICE_CLIENT
            )
        return self._token


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("db")
    with temporary_database(request.param, "applications", tmp) as url:
        upgrade(SERVICE_ROOT, url)
        yield url


@pytest.fixture(scope="session")
def catalogue(
    tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    """The real catalogue service, in its own process, verifying the tests' tokens."""
    db = tmp_path_factory.mktemp("catalogue") / "catalogue.db"
    service = ServiceProcess(
        "catalogue",
        {
            "CATALOGUE_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
            "CATALOGUE_JWT_PUBLIC_KEY_PEM": tokens.public_pem,
            "CATALOGUE_JWT_JWKS_URL": "",
            "CATALOGUE_ENVIRONMENT": "test",
        },
    )
    service.run("alembic", "upgrade", "head")
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def catalogue_proxy(catalogue: ServiceProcess) -> Iterator[tuple[FaultProxy, str]]:
    proxy = FaultProxy(catalogue.url)
    server = ThreadServer(proxy).start()
    yield proxy, server.url
    server.stop()


@pytest.fixture(scope="session")
def identity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """The real identity service, migrated and seeded (its demo service clients sign in)."""
    db = tmp_path_factory.mktemp("identity") / "identity.db"
    service = ServiceProcess(
        "identity",
        {"IDENTITY_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "IDENTITY_LOG_LEVEL": "WARNING"},
    )
    service.run("alembic", "upgrade", "head")
    service.run("identity", "seed")
    service.start()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def partnerships(
    tokens: TokenFactory, identity: ServiceProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Partnerships]:
    p = Partnerships(tokens, identity.url, tmp_path_factory.mktemp("partnerships"))
    p.setup()
    yield p
    p.teardown()


def settings_for(database_url: str, tokens: TokenFactory, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "jwt_public_key_pem": tokens.public_pem,
        "jwt_jwks_url": None,
        "environment": "test",
        "breaker_reset_seconds": 0.2,
        "recover_interval_seconds": 0,
        **overrides,
    }
    return Settings(**values)


@asynccontextmanager
async def running_app(settings: Settings, tokens: TokenFactory) -> AsyncIterator[AsyncClient]:
    """Another instance of the app (same database), e.g. pointed at a slow proxy."""
    application = build_app(settings, token_provider=ServiceTokens(tokens))
    async with LifespanManager(application):
        async with AsyncClient(
            transport=ASGITransport(app=application), base_url="http://test"
        ) as c:
            yield c


@pytest.fixture(scope="session")
async def app(
    database_url: str,
    tokens: TokenFactory,
    catalogue: ServiceProcess,
    partnerships: Partnerships,
) -> AsyncIterator[FastAPI]:
    settings = settings_for(
        database_url, tokens, catalogue_url=catalogue.url, partnerships_url=partnerships.url
    )
    application = build_app(settings, token_provider=ServiceTokens(tokens))
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(
    app: FastAPI, database_url: str, partnerships: Partnerships
) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c:
        yield c
    partnerships.proxy.clear()
    delete_all_rows(database_url, metadata)


@pytest.fixture
async def world(catalogue: ServiceProcess, tokens: TokenFactory) -> CatalogueWorld:
    return await make_world(catalogue.url, tokens)
