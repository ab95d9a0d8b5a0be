"""Employer sign-up when identity is down, refusing, or back: a 503 problem naming identity,
nothing half-done, and the same request succeeding once identity answers again."""

from __future__ import annotations

import uuid

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from partnerships.main import build_app
from servicekit.testing.servers import free_port, serve
from servicekit.testing.tokens import TokenFactory
from tests.conftest import settings_for
from tests.factories import employer_body, network_admin, user
from tests.identity_double import IdentityContractDouble


async def _employers(client: AsyncClient, tokens: TokenFactory) -> int:
    listed = await client.get("/v1/employers", headers=network_admin(tokens))
    return int(listed.json()["total"])


async def test_identity_down_answers_503_stores_nothing_and_recovers(
    client: AsyncClient, database_url: str, tokens: TokenFactory
):
    port = free_port()  # nothing listens here until the double is started on it below
    double = IdentityContractDouble()
    app = build_app(settings_for(database_url, tokens, f"http://127.0.0.1:{port}"))
    sub = str(uuid.uuid4())
    headers = {**user(tokens, sub), "Idempotency-Key": "signup-while-down"}
    body = employer_body(name="Northern Broadband Ltd")
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c,
    ):
        down = await c.post("/v1/employers", json=body, headers=headers)
        assert down.status_code == 503
        assert down.headers["content-type"] == "application/problem+json"
        assert down.json()["dependency"] == "identity"
        assert down.json()["code"] == "dependency-unavailable"
        assert "Retry-After" in down.headers
        assert await _employers(client, tokens) == 0

        with serve(double.app, port=port):
            up = await c.post("/v1/employers", json=body, headers=headers)
            assert up.status_code == 201, up.text
            employer_id = uuid.UUID(up.json()["id"])
            assert double.owner_of(employer_id) == [uuid.UUID(sub)]

        # Down again, with this service's token already cached: the membership call itself fails.
        again = await c.post(
            "/v1/employers", json=employer_body(), headers=user(tokens, str(uuid.uuid4()))
        )
        assert again.status_code == 503
        assert again.json()["dependency"] == "identity"
    assert await _employers(client, tokens) == 1


async def test_identity_refusing_the_membership_rolls_the_sign_up_back(
    client: AsyncClient, tokens: TokenFactory, identity: tuple[IdentityContractDouble, str]
):
    double, _ = identity
    double.refuse_memberships_with = 403
    try:
        refused = await client.post("/v1/employers", json=employer_body(), headers=user(tokens))
    finally:
        double.refuse_memberships_with = None
    assert refused.status_code == 503
    assert refused.json()["dependency"] == "identity"
    assert await _employers(client, tokens) == 0


async def test_wrong_service_credentials_answer_503_and_store_nothing(
    client: AsyncClient,
    database_url: str,
    tokens: TokenFactory,
    identity: tuple[IdentityContractDouble, str],
):
    settings = settings_for(database_url, tokens, identity[1])
    settings.client_secret = "not-the-secret"
    app = build_app(settings)
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c,
    ):
        response = await c.post("/v1/employers", json=employer_body(), headers=user(tokens))
    assert response.status_code == 503
    assert response.json()["dependency"] == "identity"
    assert await _employers(client, tokens) == 0


async def test_a_service_token_identity_no_longer_accepts_is_renewed(
    client: AsyncClient, tokens: TokenFactory, identity: tuple[IdentityContractDouble, str]
):
    double, _ = identity
    assert (
        await client.post("/v1/employers", json=employer_body(), headers=user(tokens))
    ).is_success
    issued = double.token_requests
    double.forget_tokens()
    sub = str(uuid.uuid4())
    response = await client.post("/v1/employers", json=employer_body(), headers=user(tokens, sub))
    assert response.status_code == 201, response.text
    assert double.token_requests == issued + 1
    assert double.owner_of(uuid.UUID(response.json()["id"])) == [uuid.UUID(sub)]
