"""Rate limits, in memory and in Redis (shared by two gateways, as replicas would share it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from servicekit.testing.tokens import TokenFactory
from tests.conftest import Gateway, GatewayFactory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    client = aioredis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        reason = f"Redis not reachable at {REDIS_URL}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true requires Redis. " + reason)
        pytest.skip(reason)
    finally:
        await client.aclose()
    return REDIS_URL


def ratelimit(response_headers: object) -> dict[str, str]:
    headers = dict(response_headers)  # type: ignore[call-overload]
    return {k: v for k, v in headers.items() if k in ("ratelimit", "ratelimit-policy")}


async def test_anonymous_callers_are_limited_per_address(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(rate_limit_anonymous="3/minute") as gateway:
        seen = []
        for _ in range(3):
            response = await gateway.client.get("/api/catalogue/echo/limited")
            assert response.status_code == 200
            seen.append(response.headers["ratelimit"])
        assert [s.split(";")[:2] for s in seen] == [
            ['"anonymous"', "r=2"],
            ['"anonymous"', "r=1"],
            ['"anonymous"', "r=0"],
        ]

        refused = await gateway.client.get("/api/catalogue/echo/limited")
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        retry_after = int(refused.headers["retry-after"])
        assert 1 <= retry_after <= 60
        assert refused.headers["ratelimit-policy"] == '"anonymous";q=3;w=60'
        assert refused.headers["ratelimit"] == f'"anonymous";r=0;t={retry_after}'
        assert refused.json()["code"] == "rate-limited"

        # Another address has its own allowance (the address as uvicorn's trusted proxy said).
        other = await gateway.client.get(
            "/api/catalogue/echo/limited", headers={"X-Forwarded-For": "192.0.2.7"}
        )
        assert other.status_code == 200


async def test_authenticated_callers_are_limited_per_user_or_client(
    start_gateway: GatewayFactory, tokens: TokenFactory
) -> None:
    async with start_gateway(
        rate_limit_anonymous="1/minute", rate_limit_authenticated="2/minute"
    ) as gateway:
        alice = tokens.bearer(sub=str(uuid.uuid4()))
        bob = tokens.bearer(sub=str(uuid.uuid4()))
        client = tokens.bearer(sub="client:sis", client_id="sis", scope="catalogue:read")
        # The address's anonymous allowance is used up...
        assert (await gateway.client.get("/api/catalogue/echo/a")).status_code == 200
        assert (await gateway.client.get("/api/catalogue/echo/a")).status_code == 429
        # ...and each signed-in caller from that address still has its own.
        for who in (alice, bob, client):
            for _ in range(2):
                response = await gateway.client.get("/api/catalogue/echo/a", headers=who)
                assert response.status_code == 200
                assert response.headers["ratelimit-policy"] == '"authenticated";q=2;w=60'
            assert (
                await gateway.client.get("/api/catalogue/echo/a", headers=who)
            ).status_code == 429


async def test_the_same_user_with_a_fresh_token_is_still_limited(
    start_gateway: GatewayFactory, tokens: TokenFactory
) -> None:
    async with start_gateway(rate_limit_authenticated="2/minute") as gateway:
        user = str(uuid.uuid4())
        for _ in range(2):
            headers = tokens.bearer(sub=user)  # a new token each time
            assert (
                await gateway.client.get("/api/catalogue/echo/u", headers=headers)
            ).status_code == 200
        headers = tokens.bearer(sub=user)
        assert (
            await gateway.client.get("/api/catalogue/echo/u", headers=headers)
        ).status_code == 429


async def test_the_token_endpoint_has_a_stricter_limit(start_gateway: GatewayFactory) -> None:
    async with start_gateway(
        rate_limit_token="2/minute", rate_limit_anonymous="50/minute"
    ) as gateway:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for _ in range(2):
            response = await gateway.client.post(
                "/api/identity/v1/token", content=b"grant_type=password", headers=form
            )
            assert response.status_code == 200
            assert response.headers["ratelimit-policy"] == '"token";q=2;w=60'
        refused = await gateway.client.post(
            "/api/identity/v1/token", content=b"grant_type=password", headers=form
        )
        assert refused.status_code == 429
        assert "token" in refused.json()["detail"]
        # Everything else is still open to that address.
        assert (await gateway.client.get("/api/identity/echo/other")).status_code == 200


async def test_without_redis_two_gateways_count_apart(start_gateway: GatewayFactory) -> None:
    async with (
        start_gateway(rate_limit_anonymous="2/minute") as a,
        start_gateway(rate_limit_anonymous="2/minute") as b,
    ):
        for gateway in (a, a):
            assert (await gateway.client.get("/api/catalogue/echo/m")).status_code == 200
        assert (await a.client.get("/api/catalogue/echo/m")).status_code == 429
        assert (await b.client.get("/api/catalogue/echo/m")).status_code == 200


async def test_with_redis_two_gateways_share_the_limit(
    start_gateway: GatewayFactory, redis_url: str
) -> None:
    prefix = f"gateway-test-{uuid.uuid4().hex}"
    settings = {
        "redis_url": redis_url,
        "rate_limit_key_prefix": prefix,
        "rate_limit_anonymous": "3/minute",
    }
    async with start_gateway(**settings) as a, start_gateway(**settings) as b:
        assert (await a.client.get("/api/catalogue/echo/r")).status_code == 200
        assert (await b.client.get("/api/catalogue/echo/r")).status_code == 200
        third = await a.client.get("/api/catalogue/echo/r")
        assert third.status_code == 200
        assert third.headers["ratelimit"].startswith('"anonymous";r=0;')
        refused = await b.client.get("/api/catalogue/echo/r")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        ready = await b.client.get("/readyz")
        assert ready.json()["checks"] == {"rate_limits": "ok"}
    client = aioredis.from_url(redis_url)
    try:
        keys = await client.keys(f"{prefix}*")
        assert keys, "the counts were kept in Redis"
        await client.delete(*keys)
    finally:
        await client.aclose()


async def test_with_redis_down_requests_still_go_through_and_readyz_says_so(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(
        redis_url="redis://127.0.0.1:9/0", rate_limit_anonymous="1/minute"
    ) as gateway:
        for _ in range(3):
            response = await gateway.client.get("/api/catalogue/echo/no-redis")
            assert response.status_code == 200
            assert "ratelimit" not in response.headers
        ready = await gateway.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["rate_limits"] != "ok"


async def test_limits_can_be_switched_off(start_gateway: GatewayFactory) -> None:
    async with start_gateway(rate_limit_enabled=False) as gateway:
        response = await gateway.client.get("/api/catalogue/echo/off")
        assert response.status_code == 200
        assert "ratelimit" not in response.headers


async def test_the_limit_headers_are_readable_by_browsers(gateway: Gateway) -> None:
    response = await gateway.client.get(
        "/api/catalogue/echo/cors", headers={"Origin": "http://127.0.0.1:5173"}
    )
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "ratelimit" in exposed
    assert "retry-after" in exposed


async def test_the_token_endpoint_counts_per_address_whoever_asks(
    start_gateway: GatewayFactory, tokens: TokenFactory
) -> None:
    async with start_gateway(rate_limit_token="2/minute") as gateway:
        for sub in (str(uuid.uuid4()), str(uuid.uuid4())):
            response = await gateway.client.post(
                "/api/identity/v1/token",
                content=b"grant_type=refresh_token",
                headers=tokens.bearer(sub=sub),
            )
            assert response.status_code == 200
        third = await gateway.client.post(
            "/api/identity/v1/token",
            content=b"grant_type=refresh_token",
            headers=tokens.bearer(sub=str(uuid.uuid4())),
        )
        assert third.status_code == 429


async def test_a_flood_of_bad_tokens_is_limited_like_anonymous_requests(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(rate_limit_anonymous="3/minute") as gateway:
        bad = {"Authorization": "Bearer not.a.token"}
        statuses = [
            (await gateway.client.get("/api/catalogue/echo/bad", headers=bad)).status_code
            for _ in range(5)
        ]
        assert statuses == [401, 401, 401, 429, 429]
        # They used up the address's allowance, as anonymous requests would have.
        assert (await gateway.client.get("/api/catalogue/echo/bad")).status_code == 429
