"""The inter-service client against real HTTP servers: retries, timeouts, breaker, propagation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Form, Request, Response

from servicekit.http import (
    CircuitBreaker,
    ClientCredentials,
    DependencyUnavailable,
    ServiceClients,
)
from servicekit.requestid import set_request_id
from servicekit.testing.servers import free_port, serve


class Upstream:
    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.fail_next = 0
        self.token_requests = 0
        app = FastAPI()

        @app.api_route("/echo", methods=["GET", "POST"])
        async def echo(request: Request) -> dict[str, Any]:
            self._hit("echo")
            return {
                "request_id": request.headers.get("x-request-id"),
                "authorization": request.headers.get("authorization"),
                "idempotency_key": request.headers.get("idempotency-key"),
            }

        @app.api_route("/flaky", methods=["GET", "POST"])
        async def flaky() -> Response:
            self._hit("flaky")
            if self.fail_next > 0:
                self.fail_next -= 1
                return Response(status_code=503)
            return Response(b'{"ok": true}', media_type="application/json")

        @app.get("/slow")
        async def slow() -> dict[str, bool]:
            self._hit("slow")
            await asyncio.sleep(3)
            return {"ok": True}

        @app.get("/missing")
        async def missing() -> Response:
            return Response(b'{"status": 404}', status_code=404, media_type="application/json")

        @app.post("/token")
        async def token(grant_type: str = Form(), client_id: str = Form()) -> dict[str, Any]:
            self.token_requests += 1
            assert grant_type == "client_credentials"
            return {"access_token": f"svc-{client_id}", "token_type": "Bearer", "expires_in": 900}

        self.app = app

    def _hit(self, name: str) -> None:
        self.hits[name] = self.hits.get(name, 0) + 1


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[Upstream, str]]:
    up = Upstream()
    with serve(up.app) as url:
        yield up, url


@pytest.fixture
async def clients(upstream: tuple[Upstream, str]) -> AsyncIterator[ServiceClients]:
    up, url = upstream
    c = ServiceClients(token_provider=ClientCredentials(url + "/token", "partnerships", "s3cret"))
    yield c
    await c.close()


async def test_passes_request_id_and_service_token(
    upstream: tuple[Upstream, str], clients: ServiceClients
):
    up, url = upstream
    set_request_id("req-42")
    client = clients.for_service("up", url)
    body = await client.get_json("/echo")
    assert body["request_id"] == "req-42"
    assert body["authorization"] == "Bearer svc-partnerships"
    await client.get_json("/echo")
    assert up.token_requests == 1  # cached


async def test_4xx_is_returned_not_retried(upstream: tuple[Upstream, str], clients: ServiceClients):
    _, url = upstream
    response = await clients.for_service("up", url).request("GET", "/missing")
    assert response.status == 404


async def test_safe_call_retried_through_a_blip(
    upstream: tuple[Upstream, str], clients: ServiceClients
):
    up, url = upstream
    up.fail_next = 1
    before = up.hits.get("flaky", 0)
    response = await clients.for_service("up", url).request("GET", "/flaky")
    assert response.ok
    assert up.hits["flaky"] == before + 2


async def test_unkeyed_post_is_not_repeated(
    upstream: tuple[Upstream, str], clients: ServiceClients
):
    up, url = upstream
    up.fail_next = 1
    before = up.hits.get("flaky", 0)
    with pytest.raises(DependencyUnavailable):
        await clients.for_service("up", url).request("POST", "/flaky", json_body={})
    assert up.hits["flaky"] == before + 1
    up.fail_next = 1
    keyed = await clients.for_service("up", url).request(
        "POST", "/flaky", json_body={}, idempotency_key="award-1"
    )
    assert keyed.ok


async def test_refused_connection_fails_fast_naming_the_dependency(clients: ServiceClients):
    client = clients.for_service("catalogue", f"http://127.0.0.1:{free_port()}", timeout=2.0)
    with pytest.raises(DependencyUnavailable) as caught:
        await client.request("GET", "/v1/intakes/x", authenticate=False)
    assert caught.value.dependency == "catalogue"
    assert caught.value.status == 503
    assert "catalogue" in caught.value.detail


async def test_slow_dependency_cut_at_the_deadline(
    upstream: tuple[Upstream, str], clients: ServiceClients
):
    _, url = upstream
    client = clients.for_service("slowpoke", url, timeout=0.5, retries=2)
    started = time.monotonic()
    with pytest.raises(DependencyUnavailable, match="no answer"):
        await client.request("GET", "/slow", authenticate=False)
    assert time.monotonic() - started < 2.0  # the whole deadline, retries included


async def test_breaker_opens_then_recovers(upstream: tuple[Upstream, str], clients: ServiceClients):
    up, url = upstream
    breaker = CircuitBreaker(threshold=2, reset_after=0.3)
    client = clients.for_service("breaky", url, retries=0, breaker=breaker)
    up.fail_next = 2
    for _ in range(2):
        with pytest.raises(DependencyUnavailable):
            await client.request("GET", "/flaky", authenticate=False)
    hits = up.hits["flaky"]
    with pytest.raises(DependencyUnavailable, match="circuit open"):
        await client.request("GET", "/flaky", authenticate=False)
    assert up.hits["flaky"] == hits  # failed fast, upstream untouched
    await asyncio.sleep(0.35)
    assert (await client.request("GET", "/flaky", authenticate=False)).ok
    assert breaker.state == "closed"
