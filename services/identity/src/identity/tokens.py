"""Access tokens: RS256 JWTs signed with the active key (python-jose), and their verification
inside identity itself against the keys in its database."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

from jose import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from identity.config import Settings
from identity.keys import ALGORITHM, KeyRing
from identity.models import ApiClient, Membership, Organisation, User
from identity.roles import derive_roles, org_claims
from servicekit.auth import TokenVerifier


def user_claims(
    user: User,
    memberships: Sequence[tuple[Membership, Organisation]],
    settings: Settings,
) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user.id),
        "iat": now,
        "nbf": now,
        "exp": now + settings.access_token_ttl_seconds,
        "jti": uuid.uuid4().hex,
        "roles": derive_roles(user, memberships),
        "orgs": org_claims(memberships),
    }


def client_claims(
    client: ApiClient, organisation: Organisation | None, scopes: list[str], settings: Settings
) -> dict[str, Any]:
    now = int(time.time())
    orgs = (
        [{"type": organisation.type, "id": str(organisation.id), "role": "member"}]
        if organisation is not None
        else []
    )
    return {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": f"client:{client.client_id}",
        "iat": now,
        "nbf": now,
        "exp": now + settings.client_token_ttl_seconds,
        "jti": uuid.uuid4().hex,
        "roles": [],
        "orgs": orgs,
        "scope": " ".join(scopes),
        "client_id": client.client_id,
    }


async def sign(keyring: KeyRing, session: AsyncSession, claims: dict[str, Any]) -> str:
    key = await keyring.signing_key(session)
    return str(
        jwt.encode(
            claims, key.signer, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "at+jwt"}
        )
    )


class KeyRingVerifier(TokenVerifier):
    """servicekit's verifier with identity's own key source: the published keys in its database
    (identity never fetches its own JWKS over HTTP)."""

    def __init__(self, keyring: KeyRing, settings: Settings) -> None:
        # Not calling the parent's __init__: it wants a JWKS URL or a PEM, and here the key
        # source is the keyring. The attributes ``verify`` reads are set here instead.
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.leeway = settings.jwt_leeway_seconds
        self._keyring = keyring

    async def _key_for(self, kid: str | None) -> dict[str, Any] | str | None:
        return await self._keyring.public_key(kid)
