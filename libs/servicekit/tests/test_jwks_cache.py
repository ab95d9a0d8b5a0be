"""The JWKS cache: fetched once and reused, refetched on an unknown kid, and never more than
once per ``min_refetch`` however many forged kids arrive. A real JWKS server (uvicorn on a free
port) counts the fetches."""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from servicekit.auth import JwksCache, TokenError, TokenVerifier
from servicekit.errors import ServiceUnavailable
from servicekit.testing.tokens import TokenFactory
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwk(factory: TokenFactory) -> dict[str, str]:
    key = serialization.load_pem_public_key(factory.public_pem.encode())
    numbers = key.public_numbers()  # type: ignore[union-attr]
    return {
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "kid": factory.kid,
        "n": _b64(numbers.n),
        "e": _b64(numbers.e),
    }


@dataclass
class JwksServer:
    url: str
    keys: list[dict[str, str]] = field(default_factory=list)
    fetches: int = 0


@pytest.fixture
async def jwks_server() -> AsyncIterator[JwksServer]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    state = JwksServer(url=f"http://127.0.0.1:{port}/jwks.json")

    async def jwks(_request: Request) -> JSONResponse:
        state.fetches += 1
        return JSONResponse({"keys": list(state.keys)})

    app = Starlette(routes=[Route("/jwks.json", jwks)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    yield state
    server.should_exit = True
    await task


async def test_keys_are_fetched_once_and_reused(jwks_server: JwksServer):
    issuer = TokenFactory()
    jwks_server.keys.append(jwk(issuer))
    verifier = TokenVerifier(
        issuer=issuer.issuer, audience=issuer.audience, jwks_url=jwks_server.url
    )
    for _ in range(3):
        claims = await verifier.verify(issuer.mint(roles=["learner"]))
        assert claims["roles"] == ["learner"]
    assert jwks_server.fetches == 1


async def test_an_unknown_kid_refetches_once_then_the_new_key_verifies(jwks_server: JwksServer):
    old, new = TokenFactory(), TokenFactory()
    jwks_server.keys.append(jwk(old))
    cache = JwksCache(jwks_server.url, min_refetch=0)
    assert await cache.get(old.kid) is not None
    jwks_server.keys.append(jwk(new))  # the issuer rotated its key
    assert (await cache.get(new.kid)) == jwk(new)
    assert jwks_server.fetches == 2
    assert await cache.get(new.kid) is not None
    assert jwks_server.fetches == 2


async def test_forged_kids_do_not_hammer_the_issuer(jwks_server: JwksServer):
    issuer = TokenFactory()
    jwks_server.keys.append(jwk(issuer))
    verifier = TokenVerifier(
        issuer=issuer.issuer, audience=issuer.audience, jwks_url=jwks_server.url
    )
    await verifier.verify(issuer.mint())
    for n in range(20):
        token = issuer.sign(issuer.claims(), headers={"kid": f"forged-{n}"})
        with pytest.raises(TokenError, match="unknown key"):
            await verifier.verify(token)
    assert jwks_server.fetches == 1  # within min_refetch (10 s) nothing is refetched


async def test_an_unreachable_jwks_is_a_503_not_a_500():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    cache = JwksCache(f"http://127.0.0.1:{port}/jwks.json")
    with pytest.raises(ServiceUnavailable):
        await cache.get("any")
