"""Bearer tokens are checked at the edge against identity's JWKS (a real one, served here)."""

from __future__ import annotations

import uuid

import pytest

from servicekit.testing.tokens import TokenFactory
from tests.conftest import Gateway, GatewayFactory, Upstreams


def marker() -> str:
    return uuid.uuid4().hex


async def test_a_valid_token_passes_through_to_the_service(
    gateway: Gateway, upstreams: Upstreams, tokens: TokenFactory
) -> None:
    headers = tokens.bearer(roles=["learner"])
    response = await gateway.client.get(f"/api/catalogue/echo/{marker()}", headers=headers)
    assert response.status_code == 200
    # Services check tokens themselves too, so the token goes on unchanged.
    assert dict(response.json()["headers"])["authorization"] == headers["Authorization"]


@pytest.mark.parametrize(
    "case",
    ["another key", "expired", "wrong audience", "wrong issuer", "garbage", "empty", "alg none"],
)
async def test_an_invalid_token_is_refused_at_the_edge(
    case: str, gateway: Gateway, upstreams: Upstreams, tokens: TokenFactory
) -> None:
    if case == "another key":
        forger = TokenFactory()
        forger.kid = tokens.kid  # the kid identity publishes, signed with another key
        authorization = f"Bearer {forger.mint()}"
    elif case == "expired":
        authorization = f"Bearer {tokens.mint(ttl=-3600)}"
    elif case == "wrong audience":
        authorization = f"Bearer {tokens.sign(tokens.claims(aud='another-platform'))}"
    elif case == "wrong issuer":
        authorization = f"Bearer {tokens.sign(tokens.claims(iss='http://127.0.0.1:1'))}"
    elif case == "garbage":
        authorization = "Bearer not.a.token"
    elif case == "empty":
        authorization = "Bearer"
    else:
        authorization = "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0."
    m = marker()
    response = await gateway.client.get(
        f"/api/catalogue/echo/{m}", headers={"Authorization": authorization}
    )
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert not upstreams.catalogue.seen.find(m)


async def test_a_token_signed_by_an_unknown_key_is_refused(
    gateway: Gateway, upstreams: Upstreams
) -> None:
    stranger = TokenFactory()
    m = marker()
    response = await gateway.client.get(f"/api/catalogue/echo/{m}", headers=stranger.bearer())
    assert response.status_code == 401
    assert "unknown key" in response.json()["detail"]
    assert not upstreams.catalogue.seen.find(m)


async def test_other_schemes_pass_through_for_the_service_to_judge(
    gateway: Gateway, upstreams: Upstreams
) -> None:
    # OAuth2 client authentication at the token endpoint uses Basic.
    response = await gateway.client.post(
        "/api/identity/v1/token",
        content=b"grant_type=client_credentials",
        headers={
            "Authorization": "Basic Y2xpZW50OnNlY3JldA==",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 200
    last = upstreams.identity.seen.requests[-1]
    assert dict(last["headers"])["authorization"] == "Basic Y2xpZW50OnNlY3JldA=="


async def test_when_identity_cannot_be_reached_a_token_is_a_503_not_a_pass(
    start_gateway: GatewayFactory, upstreams: Upstreams, tokens: TokenFactory
) -> None:
    async with start_gateway(jwt_jwks_url="http://127.0.0.1:9/v1/jwks.json") as gateway:
        m = marker()
        response = await gateway.client.get(f"/api/catalogue/echo/{m}", headers=tokens.bearer())
        assert response.status_code == 503
        assert response.json()["dependency"] == "identity"
        assert not upstreams.catalogue.seen.find(m)
        # Anonymous requests still go through.
        assert (await gateway.client.get(f"/api/catalogue/echo/{m}")).status_code == 200
