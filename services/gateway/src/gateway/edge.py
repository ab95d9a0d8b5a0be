"""Bearer tokens checked at the edge, with the shared library's verifier against identity's JWKS.

An invalid token answers 401 here and never reaches a service (services still check tokens
themselves). Other schemes (``Basic`` for OAuth2 client authentication at the token endpoint) pass
through untouched. Verified tokens are remembered for a minute at most (and never past their
expiry), so a client sending the same token again costs a dictionary look-up, not an RSA check.
"""

from __future__ import annotations

import time
from typing import Any

from servicekit.auth import TokenError, TokenVerifier
from servicekit.errors import Unauthorized

CACHE_SECONDS = 60.0
CACHE_ENTRIES = 10_000


def caller_key(claims: dict[str, Any]) -> str:
    """Who the rate limit counts for a verified token: the API client, else the user."""
    client_id = claims.get("client_id")
    if client_id:
        return f"client:{client_id}"
    return f"sub:{claims.get('sub')}"


class EdgeVerifier:
    def __init__(self, verifier: TokenVerifier | None) -> None:
        self.verifier = verifier
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}

    async def claims(self, authorization: bytes) -> dict[str, Any] | None:
        """The token's claims for a ``Bearer`` header; ``None`` for another scheme."""
        scheme, _, token = authorization.decode("latin-1").strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = token.strip()
        if not token:
            raise Unauthorized("The Authorization header must be 'Bearer <token>'.")
        now = time.monotonic()
        cached = self._cache.get(token)
        if cached is not None and cached[0] > now:
            return cached[1]
        if self.verifier is None:
            raise Unauthorized("The gateway is not configured to verify tokens.")
        try:
            claims = await self.verifier.verify(token)
        except TokenError as exc:
            raise Unauthorized(str(exc)) from exc
        self._remember(token, claims, now)
        return claims

    def _remember(self, token: str, claims: dict[str, Any], now: float) -> None:
        exp = claims.get("exp")
        lifetime = CACHE_SECONDS
        if isinstance(exp, int | float):
            lifetime = min(lifetime, float(exp) - time.time())
        if lifetime <= 0:
            return
        if len(self._cache) >= CACHE_ENTRIES:
            self._cache.clear()
        self._cache[token] = (now + lifetime, claims)
