"""The gateway's tests run it under uvicorn in front of real upstream apps, each on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from gateway.config import Settings
from gateway.main import build_app
from servicekit.testing.tokens import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from tests.servers import Running, Seen, fake_identity, fake_service, serve


@dataclass
class Upstream:
    running: Running
    seen: Seen

    @property
    def url(self) -> str:
        return self.running.url


@dataclass
class Upstreams:
    catalogue: Upstream
    partnerships: Upstream
    identity: Upstream


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
async def upstreams(tokens: TokenFactory) -> AsyncIterator[Upstreams]:
    catalogue, catalogue_seen = fake_service("catalogue", {"id": str, "title": str, "level": int})
    partnerships, partnerships_seen = fake_service(
        "partnerships", {"id": str, "employer_id": str, "sponsored": bool}
    )
    identity, identity_seen = fake_identity(tokens)
    async with serve(catalogue) as c, serve(partnerships) as p, serve(identity) as i:
        yield Upstreams(
            Upstream(c, catalogue_seen), Upstream(p, partnerships_seen), Upstream(i, identity_seen)
        )


def gateway_settings(upstreams: Upstreams, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "catalogue_url": upstreams.catalogue.url,
        "partnerships_url": upstreams.partnerships.url,
        "applications_url": "",
        "identity_url": upstreams.identity.url,
        "jwt_jwks_url": upstreams.identity.url + "/v1/jwks.json",
        "jwt_issuer": TEST_ISSUER,
        "jwt_audience": TEST_AUDIENCE,
        "rate_limit_anonymous": "100000/minute",
        "rate_limit_authenticated": "100000/minute",
        "rate_limit_token": "100000/minute",
        "read_timeout_seconds": 5.0,
        "cors_origins": ["http://127.0.0.1:5173"],
        "environment": "test",
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Gateway:
    running: Running
    client: httpx.AsyncClient

    @property
    def port(self) -> int:
        return self.running.port

    @property
    def url(self) -> str:
        return self.running.url


GatewayFactory = Callable[..., AbstractAsyncContextManager[Gateway]]


@pytest.fixture
def start_gateway(upstreams: Upstreams) -> GatewayFactory:
    """Starts a gateway with settings overridden by keyword, under uvicorn on a free port."""

    @asynccontextmanager
    async def factory(**overrides: Any) -> AsyncIterator[Gateway]:
        app = build_app(gateway_settings(upstreams, **overrides))
        async with serve(app) as running:
            async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:
                yield Gateway(running, client)

    return factory


@pytest.fixture
async def gateway(start_gateway: GatewayFactory) -> AsyncIterator[Gateway]:
    async with start_gateway() as running:
        yield running
