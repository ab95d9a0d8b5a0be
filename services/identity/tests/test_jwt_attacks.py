"""Forged and altered access tokens are refused (401) by identity, and change nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from jose import jwt
from sqlalchemy import select

from identity.keys import active_key
from identity.models import User
from identity.organisation.service import NETWORK_ORG_ID
from servicekit.testing.tokens import TokenFactory
from tests.helpers import bearer, count, learner, unique_email


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


async def real_key(app: FastAPI) -> tuple[str, Any, str]:
    """The active signing key: its kid, a signer and its public PEM (as an attacker would see)."""
    async with app.state.database.sessionmaker() as session:
        loaded = await app.state.keyring.signing_key(session)
        public_pem = (await active_key(session)).public_pem  # type: ignore[union-attr]
    return loaded.kid, loaded.signer, public_pem


def admin_claims(app: FastAPI, sub: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": app.state.settings.jwt_issuer,
        "aud": app.state.settings.jwt_audience,
        "sub": sub,
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "roles": ["learner", "network_admin"],
        "orgs": [{"type": "network", "id": str(NETWORK_ORG_ID), "role": "admin"}],
    }
    for key, value in changes.items():
        if value is None:
            claims.pop(key, None)
        else:
            claims[key] = value
    return claims


ATTACKS = [
    "alg_none",
    "hs256_with_public_key",
    "other_issuer",
    "other_audience",
    "expired",
    "no_expiry",
    "no_audience",
    "unknown_kid",
    "no_kid",
    "other_key_same_kid",
    "tampered_payload",
    "tampered_signature",
    "oversized",
]


async def forge(app: FastAPI, client: AsyncClient, attack: str) -> str:
    user, tokens = await learner(client)
    kid, signer, public_pem = await real_key(app)
    claims = admin_claims(app, user["id"])

    def sign(c: dict[str, Any], h: dict[str, Any] | None = None) -> str:
        return str(jwt.encode(c, signer, algorithm="RS256", headers=h or {"kid": kid}))

    if attack == "alg_none":
        return unsigned({"alg": "none", "kid": kid, "typ": "JWT"}, claims) + "."
    if attack == "hs256_with_public_key":
        signing_input = unsigned({"alg": "HS256", "kid": kid, "typ": "JWT"}, claims)
        mac = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64(mac)}"
    if attack == "other_issuer":
        return sign(admin_claims(app, user["id"], iss="https://evil.example"))
    if attack == "other_audience":
        return sign(admin_claims(app, user["id"], aud="another-platform"))
    if attack == "expired":
        now = int(time.time())
        return sign(admin_claims(app, user["id"], iat=now - 3600, exp=now - 600))
    if attack == "no_expiry":
        return sign(admin_claims(app, user["id"], exp=None))
    if attack == "no_audience":
        return sign(admin_claims(app, user["id"], aud=None))
    if attack == "unknown_kid":
        return sign(claims, {"kid": uuid.uuid4().hex})
    if attack == "no_kid":
        return str(jwt.encode(claims, signer, algorithm="RS256"))
    if attack == "other_key_same_kid":
        return TokenFactory(issuer=claims["iss"]).sign(claims, headers={"kid": kid})
    if attack == "tampered_payload":
        real_header, _payload, signature = tokens["access_token"].split(".")
        return f"{real_header}.{b64(json.dumps(claims).encode())}.{signature}"
    if attack == "tampered_signature":
        head, payload, signature = sign(claims).split(".")
        flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
        return f"{head}.{payload}.{flipped}"
    if attack == "oversized":
        return sign(admin_claims(app, user["id"], padding="x" * 9000))
    raise AssertionError(attack)


@pytest.mark.parametrize("attack", ATTACKS)
async def test_forged_token_is_401_and_creates_nothing(
    client: AsyncClient, app: FastAPI, attack: str
):
    forged = await forge(app, client, attack)
    me = await client.get("/v1/me", headers=bearer(forged))
    assert me.status_code == 401, f"{attack}: {me.text}"
    assert me.headers["content-type"] == "application/problem+json"
    users = await count(app, User)
    response = await client.post(
        "/v1/accounts",
        json={
            "email": unique_email("planted"),
            "display_name": "Planted admin",
            "password": "a planted admin password",
            "organisation": {"id": str(NETWORK_ORG_ID), "type": "network", "name": "Network"},
            "role": "admin",
        },
        headers=bearer(forged),
    )
    assert response.status_code == 401, f"{attack}: {response.text}"
    assert await count(app, User) == users


async def test_the_same_claims_properly_signed_are_accepted(client: AsyncClient, app: FastAPI):
    """The control for the attacks above: the forgery machinery makes tokens that would work."""
    user, _ = await learner(client)
    kid, signer, _ = await real_key(app)
    token = str(
        jwt.encode(
            admin_claims(app, user["id"], roles=["learner"], orgs=[]),
            signer,
            algorithm="RS256",
            headers={"kid": kid},
        )
    )
    me = await client.get("/v1/me", headers=bearer(token))
    assert me.status_code == 200
    # and identity trusts its database, not the token, for what the caller may do
    elevated = str(
        jwt.encode(admin_claims(app, user["id"]), signer, algorithm="RS256", headers={"kid": kid})
    )
    response = await client.get("/v1/users", headers=bearer(elevated))
    assert response.status_code == 403
    async with app.state.database.sessionmaker() as session:
        emails = (await session.execute(select(User.email))).scalars().all()
    assert emails == [user["email"]]
