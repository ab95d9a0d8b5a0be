"""Token verification refuses everything but a well-formed RS256 token from our issuer."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from jose import jwk

from servicekit.auth import TokenError, TokenVerifier, principal_from_claims
from servicekit.errors import ServiceUnavailable
from servicekit.testing.servers import free_port, serve
from servicekit.testing.tokens import TEST_AUDIENCE, TEST_ISSUER, TokenFactory


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
def verifier(tokens: TokenFactory) -> TokenVerifier:
    return TokenVerifier(
        issuer=TEST_ISSUER, audience=TEST_AUDIENCE, public_key_pem=tokens.public_pem
    )


class TestVerifier:
    async def test_accepts_a_good_token(self, verifier: TokenVerifier, tokens: TokenFactory):
        claims = await verifier.verify(tokens.mint(sub="u1", roles=["learner"]))
        assert claims["sub"] == "u1"

    async def test_refuses_alg_none(self, verifier: TokenVerifier, tokens: TokenFactory):
        token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(tokens.claims())}."
        with pytest.raises(TokenError, match="algorithm"):
            await verifier.verify(token)

    async def test_refuses_hs256_signed_with_the_public_key(
        self, verifier: TokenVerifier, tokens: TokenFactory
    ):
        # The classic confusion attack: the verifier's public key used as an HMAC secret.
        header = _b64({"alg": "HS256", "typ": "JWT", "kid": tokens.kid})
        payload = _b64(tokens.claims(roles=["network_admin"]))
        import hashlib
        import hmac

        sig = hmac.new(
            tokens.public_pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256
        ).digest()
        token = f"{header}.{payload}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"
        with pytest.raises(TokenError):
            await verifier.verify(token)

    async def test_refuses_oversized(self, verifier: TokenVerifier, tokens: TokenFactory):
        with pytest.raises(TokenError, match="too large"):
            await verifier.verify(tokens.mint(padding="x" * 10_000))

    async def test_refuses_tampered_payload(self, verifier: TokenVerifier, tokens: TokenFactory):
        header, _, sig = tokens.mint(roles=["learner"]).split(".")
        forged = _b64(tokens.claims(roles=["network_admin"]))
        with pytest.raises(TokenError, match="signature"):
            await verifier.verify(f"{header}.{forged}.{sig}")

    async def test_refuses_expired(self, verifier: TokenVerifier, tokens: TokenFactory):
        with pytest.raises(TokenError, match="expired"):
            await verifier.verify(tokens.mint(ttl=-3600))

    @pytest.mark.parametrize("claim", ["exp", "aud", "iss", "sub"])
    async def test_refuses_a_token_missing_a_required_claim(
        self, verifier: TokenVerifier, tokens: TokenFactory, claim: str
    ):
        claims = tokens.claims()
        del claims[claim]
        with pytest.raises(TokenError):
            await verifier.verify(tokens.sign(claims))

    @pytest.mark.parametrize(("field", "value"), [("iss", "https://evil"), ("aud", "other-app")])
    async def test_refuses_other_issuer_or_audience(
        self, verifier: TokenVerifier, tokens: TokenFactory, field: str, value: str
    ):
        claims = tokens.claims()
        claims[field] = value
        with pytest.raises(TokenError):
            await verifier.verify(tokens.sign(claims))

    async def test_refuses_other_key(self, verifier: TokenVerifier):
        with pytest.raises(TokenError, match="signature"):
            await verifier.verify(TokenFactory().mint())

    def test_malformed_org_claims(self, tokens: TokenFactory):
        with pytest.raises(TokenError):
            principal_from_claims(tokens.claims(orgs=[{"type": "provider", "id": "not-a-uuid"}]))
        principal = principal_from_claims(
            tokens.claims(roles=["learner", "pirate"], scope="catalogue:read internal")
        )
        assert principal.roles == {"learner"}
        assert principal.scopes == {"catalogue:read", "internal"}


class TestDependencies:
    async def test_missing_token_401(self, client: AsyncClient):
        response = await client.get("/v1/me")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_non_bearer_scheme_401(self, client: AsyncClient):
        response = await client.get("/v1/me", headers={"Authorization": "Basic Zm9vOmJhcg=="})
        assert response.status_code == 401

    async def test_role_or_scope_required(self, client: AsyncClient, tokens: TokenFactory):
        learner = await client.get("/v1/admin-only", headers=tokens.bearer(roles=["learner"]))
        assert learner.status_code == 403
        admin = await client.get("/v1/admin-only", headers=tokens.bearer(roles=["network_admin"]))
        assert admin.status_code == 200
        service = await client.get("/v1/admin-only", headers=tokens.bearer(scope="internal"))
        assert service.status_code == 200


# --- JWKS: a real HTTP server publishing keys ------------------------------------------------


class JwksServer:
    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.hits = 0
        self.app = FastAPI()

        @self.app.get("/jwks.json")
        async def jwks() -> dict[str, Any]:
            self.hits += 1
            return {"keys": self.keys}

        self.url = ""

    def publish(self, factory: TokenFactory) -> None:
        key = jwk.construct(factory.public_pem, "RS256").to_dict()
        key.update({"kid": factory.kid, "use": "sig", "alg": "RS256"})
        self.keys.append({k: (v.decode() if isinstance(v, bytes) else v) for k, v in key.items()})


@pytest.fixture(scope="module")
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer()
    with serve(server.app) as base:
        server.url = base + "/jwks.json"
        yield server


class TestJwks:
    async def test_fetches_caches_and_refetches_on_unknown_kid(self, jwks_server: JwksServer):
        first, second = TokenFactory(), TokenFactory()
        jwks_server.keys.clear()
        jwks_server.publish(first)
        verifier = TokenVerifier(
            issuer=TEST_ISSUER, audience=TEST_AUDIENCE, jwks_url=jwks_server.url
        )
        verifier._jwks.min_refetch = 0  # type: ignore[union-attr]
        hits = jwks_server.hits
        await verifier.verify(first.mint())
        await verifier.verify(first.mint())
        assert jwks_server.hits == hits + 1  # cached
        jwks_server.publish(second)  # a rotated key appears
        await verifier.verify(second.mint())
        assert jwks_server.hits == hits + 2  # refetched once for the new kid

    async def test_unknown_kid_refused_and_refetch_is_rate_limited(self, jwks_server: JwksServer):
        known = TokenFactory()
        jwks_server.keys.clear()
        jwks_server.publish(known)
        verifier = TokenVerifier(
            issuer=TEST_ISSUER, audience=TEST_AUDIENCE, jwks_url=jwks_server.url
        )
        verifier._jwks.min_refetch = 60  # type: ignore[union-attr]
        await verifier.verify(known.mint())
        hits = jwks_server.hits
        forger = TokenFactory()
        for n in range(20):
            forged = forger.sign(forger.claims(), headers={"kid": f"forged-{n}"})
            with pytest.raises(TokenError, match="unknown key"):
                await verifier.verify(forged)
        assert jwks_server.hits <= hits + 1

    async def test_unreachable_jwks_is_503(self):
        verifier = TokenVerifier(
            issuer=TEST_ISSUER,
            audience=TEST_AUDIENCE,
            jwks_url=f"http://127.0.0.1:{free_port()}/jwks.json",
        )
        with pytest.raises(ServiceUnavailable):
            await asyncio.wait_for(verifier.verify(TokenFactory().mint()), timeout=10)
