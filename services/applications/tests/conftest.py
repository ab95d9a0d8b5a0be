"""Applications tests go through the real ASGI app on SQLite and PostgreSQL, migrated by Alembic.

The services it calls run for real, over HTTP on free ports: the catalogue as its own process
(migrated, with its own database), and partnerships as the contract double in
``tests/partnerships_double.py`` (a real ASGI app under uvicorn) until the partnerships service is
on main. Partnerships is reached through a fault proxy (``tests/faults.py``) that tests can make
slow or failing; either can be really stopped and started again.
"""

from __future__ import annotations

import uuid
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
from tests.partnerships_double import PartnershipsContractDouble
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


class Partnerships:
    """Partnerships as the tests see it: reached through a fault proxy; stoppable."""

    def __init__(self, tokens: TokenFactory) -> None:
        self.double = PartnershipsContractDouble(tokens.public_pem)
        self.server = ThreadServer(self.double.app)
        self.direct_url = self.server.url
        self.proxy = FaultProxy(self.direct_url)
        self.proxy_server = ThreadServer(self.proxy)
        self.url = self.proxy_server.url

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()

    async def scheme(
        self,
        institute_id: str,
        *,
        course_ids: tuple[str, ...] = (),
        award_pence: int = 150_000,
        max_awards: int = 10,
        rule: dict[str, Any] | None = None,
        status: str = "open",
    ) -> dict[str, Any]:
        scheme = self.double.add_scheme(
            name=f"Digital Futures Bursary {uuid.uuid4().hex[:6]}",
            institute_ids=[uuid.UUID(institute_id)],
            course_ids=[uuid.UUID(c) for c in course_ids],
            award_pence=award_pence,
            max_awards=max_awards,
            eligibility=rule,
            status=status,
        )
        return {"id": str(scheme.id), "name": scheme.name, "award_pence": award_pence}

    async def reservations(self, scheme_id: str) -> list[dict[str, Any]]:
        return [
            {"id": str(r.id), "key": r.key, "status": r.status, "amount_pence": r.amount_pence}
            for r in self.double.reservations_of(uuid.UUID(scheme_id))
        ]

    async def awards_made(self, scheme_id: str) -> int:
        """Award movements in the scheme's ledger."""
        ids = {r.id for r in self.double.reservations_of(uuid.UUID(scheme_id))}
        return sum(kind == "award" and rid in ids for kind, _, rid in self.double.ledger)

    async def awarded_pence(self, scheme_id: str) -> int:
        return sum(
            r["amount_pence"]
            for r in await self.reservations(scheme_id)
            if r["status"] == "awarded"
        )


@pytest.fixture(scope="session")
def partnerships(tokens: TokenFactory) -> Iterator[Partnerships]:
    p = Partnerships(tokens)
    p.start()
    p.proxy_server.start()
    yield p
    p.proxy_server.stop()
    p.stop()


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
