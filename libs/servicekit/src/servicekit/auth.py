"""Bearer-token verification and the FastAPI dependencies built on it.

The JWT library (python-jose) is used in this module only, so it can be swapped in one file.

Access tokens are RS256 JWTs issued by the identity service. Claims the platform relies on:

- ``sub``: the user id (or ``client:<client_id>`` for an API client), ``iss``, ``aud``, ``exp``;
- ``roles``: a list of ``learner``, ``employer``, ``provider_staff``, ``institute_admin``,
  ``network_admin``;
- ``orgs``: organisation memberships, ``[{"type": "provider", "id": "<uuid>", "role": "admin"}]``;
- ``scope``: space-separated OAuth2 scopes (API clients and service tokens);
- ``client_id``: set for client-credentials tokens.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import httpx
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError, JWTError

from servicekit.errors import Forbidden, ServiceUnavailable, Unauthorized

Role = Literal["learner", "employer", "provider_staff", "institute_admin", "network_admin"]
ROLES: tuple[str, ...] = (
    "learner",
    "employer",
    "provider_staff",
    "institute_admin",
    "network_admin",
)
ALGORITHMS = ["RS256"]
MAX_TOKEN_BYTES = 8192


@dataclass(frozen=True)
class Membership:
    type: str  # employer, provider, institute, network
    id: uuid.UUID | None
    role: str  # owner, admin, member


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (with roles and memberships) or an API client (with scopes)."""

    subject: str
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    memberships: tuple[Membership, ...] = ()
    client_id: str | None = None
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def user_id(self) -> uuid.UUID | None:
        try:
            return uuid.UUID(self.subject)
        except ValueError:
            return None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def org_ids(self, org_type: str) -> set[uuid.UUID]:
        return {m.id for m in self.memberships if m.type == org_type and m.id is not None}

    @property
    def is_network_admin(self) -> bool:
        return "network_admin" in self.roles


class TokenError(Exception):
    """A token was refused; the message says why (safe to show the caller)."""


KeyLoader = Callable[[str | None], Awaitable[dict[str, Any] | str | None]]


class JwksCache:
    """Fetches identity's JWKS, caches it, and refetches at most once per ``min_refetch`` on an
    unknown ``kid`` (so a flood of forged kids cannot hammer identity)."""

    def __init__(self, url: str, *, ttl: float = 300.0, min_refetch: float = 1.0) -> None:
        self.url = url
        self.ttl = ttl
        self.min_refetch = min_refetch
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        async with httpx.AsyncClient(timeout=3.0) as client:
            response = await client.get(self.url)
            response.raise_for_status()
            keys = response.json().get("keys", [])
        self._keys = {k["kid"]: k for k in keys if isinstance(k, dict) and "kid" in k}
        self._fetched_at = time.monotonic()

    async def get(self, kid: str | None) -> dict[str, Any] | None:
        if kid is None:
            return None
        now = time.monotonic()
        if kid in self._keys and now - self._fetched_at < self.ttl:
            return self._keys[kid]
        async with self._lock:
            stale = time.monotonic() - self._fetched_at
            if kid not in self._keys or stale >= self.ttl:
                if stale >= self.min_refetch or not self._keys:
                    try:
                        await self._refresh()
                    except (httpx.HTTPError, ValueError) as exc:
                        if not self._keys:
                            raise ServiceUnavailable(
                                "The identity service's signing keys could not be fetched.",
                                extra={"dependency": "identity"},
                            ) from exc
        return self._keys.get(kid)


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        public_key_pem: str | None = None,
        jwks_url: str | None = None,
        leeway: int = 30,
    ) -> None:
        if not public_key_pem and not jwks_url:
            raise ValueError("a token verifier needs a JWKS URL or a PEM public key")
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self._pem = public_key_pem
        self._jwks = JwksCache(jwks_url) if jwks_url else None

    async def _key_for(self, kid: str | None) -> dict[str, Any] | str | None:
        if self._jwks is not None:
            return await self._jwks.get(kid)
        return self._pem

    async def verify(self, token: str) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_BYTES:
            raise TokenError("The token is too large.")
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise TokenError("The token is malformed.") from exc
        if header.get("alg") not in ALGORITHMS:
            raise TokenError("The token's algorithm is not accepted.")
        key = await self._key_for(header.get("kid"))
        if key is None:
            raise TokenError("The token was signed by an unknown key.")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require_exp": True,
                    "require_aud": True,
                    "require_iss": True,
                    "require_sub": True,
                    "require_iat": False,
                    "leeway": self.leeway,
                },
            )
        except ExpiredSignatureError as exc:
            raise TokenError("The token has expired.") from exc
        except JWTClaimsError as exc:
            raise TokenError(f"The token's claims are not accepted: {exc}") from exc
        except JWTError as exc:
            raise TokenError("The token's signature is not valid.") from exc
        return claims


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles") or []
    scope = claims.get("scope") or ""
    orgs = claims.get("orgs") or []
    if not isinstance(roles, list) or not isinstance(scope, str) or not isinstance(orgs, list):
        raise TokenError("The token's claims are malformed.")
    memberships = []
    for org in orgs:
        if not isinstance(org, dict):
            raise TokenError("The token's organisation claims are malformed.")
        try:
            org_id = uuid.UUID(str(org["id"])) if org.get("id") else None
            memberships.append(Membership(str(org["type"]), org_id, str(org.get("role", "member"))))
        except (KeyError, ValueError) as exc:
            raise TokenError("The token's organisation claims are malformed.") from exc
    return Principal(
        subject=str(claims["sub"]),
        roles=frozenset(str(r) for r in roles if str(r) in ROLES),
        scopes=frozenset(scope.split()),
        memberships=tuple(memberships),
        client_id=claims.get("client_id"),
        claims=claims,
    )


_bearer = HTTPBearer(auto_error=False, description="An access token from the identity service")


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller when a bearer token is sent (refusing a bad one with 401), else ``None``."""
    if credentials is None:
        if request.headers.get("authorization"):
            raise Unauthorized("The Authorization header must be 'Bearer <token>'.")
        return None
    verifier: TokenVerifier | None = request.app.state.token_verifier
    if verifier is None:
        raise Unauthorized("This service is not configured to verify tokens.")
    try:
        claims = await verifier.verify(credentials.credentials)
        return principal_from_claims(claims)
    except TokenError as exc:
        raise Unauthorized(str(exc)) from exc


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise Unauthorized("This needs a bearer token: sign in first.")
    return principal


def require(
    *, roles: Iterable[str] = (), scopes: Iterable[str] = ()
) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits callers with any of ``roles`` or any of ``scopes``."""
    wanted_roles = frozenset(roles)
    wanted_scopes = frozenset(scopes)

    async def dependency(
        principal: Annotated[Principal, Depends(current_principal)],
    ) -> Principal:
        if principal.roles & wanted_roles or principal.scopes & wanted_scopes:
            return principal
        needed = sorted(wanted_roles | wanted_scopes)
        raise Forbidden(f"This needs one of: {', '.join(needed)}.")

    return dependency


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
