"""Mint access tokens in tests with a key generated for the test run (never a committed key)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

TEST_ISSUER = "http://127.0.0.1:8004"
TEST_AUDIENCE = "iot-platform"


class TokenFactory:
    def __init__(self, issuer: str = TEST_ISSUER, audience: str = TEST_AUDIENCE) -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = uuid.uuid4().hex
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.public_pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def claims(
        self,
        *,
        sub: str | None = None,
        roles: list[str] | None = None,
        orgs: list[dict[str, str]] | None = None,
        scope: str | None = None,
        ttl: int = 900,
        **extra: Any,
    ) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": sub or str(uuid.uuid4()),
            "iat": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
            "roles": roles or [],
            "orgs": orgs or [],
        }
        if scope is not None:
            claims["scope"] = scope
        claims.update(extra)
        return claims

    def sign(self, claims: dict[str, Any], *, headers: dict[str, Any] | None = None) -> str:
        return str(
            jwt.encode(
                claims,
                self.private_pem,
                algorithm="RS256",
                headers={"kid": self.kid, **(headers or {})},
            )
        )

    def mint(self, **kwargs: Any) -> str:
        return self.sign(self.claims(**kwargs))

    def bearer(self, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.mint(**kwargs)}"}
