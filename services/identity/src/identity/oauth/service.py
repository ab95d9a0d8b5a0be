"""The OAuth2 grants (password, client credentials, refresh token) and refresh-token families.

Some refusals must still change stored state: a failed sign-in counts towards throttling and a
replayed refresh token revokes its family. Those paths commit before raising, because the
request's session rolls back on any error.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity.config import Settings
from identity.deps import memberships_of
from identity.keys import KeyRing
from identity.models import ApiClient, Organisation, RefreshToken, User
from identity.oauth.errors import (
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    SignInThrottled,
)
from identity.security import (
    MAX_PASSWORD_LENGTH,
    Passwords,
    digest,
    digests_match,
    new_secret,
    split_token,
)
from identity.throttle import LoginThrottler
from identity.tokens import client_claims, sign, user_claims
from identity.vocab import email_key
from servicekit.db import utcnow

_DUMMY_DIGEST = digest("no such client")
WRONG_CREDENTIALS = "The email address or password is not right."


@dataclass
class Context:
    session: AsyncSession
    settings: Settings
    keyring: KeyRing
    passwords: Passwords
    throttler: LoginThrottler
    address: str


async def _user_tokens(ctx: Context, user: User, refresh: str) -> dict[str, Any]:
    memberships = await memberships_of(ctx.session, user.id)
    claims = user_claims(user, memberships, ctx.settings)
    access = await sign(ctx.keyring, ctx.session, claims)
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ctx.settings.access_token_ttl_seconds,
        "refresh_token": refresh,
    }


async def new_refresh_token(
    session: AsyncSession,
    settings: Settings,
    user_id: uuid.UUID,
    *,
    family_id: uuid.UUID | None = None,
    family_expires_at: datetime | None = None,
) -> str:
    now = utcnow()
    family_expires = family_expires_at or now + timedelta(
        seconds=settings.refresh_family_max_seconds
    )
    secret = new_secret()
    row = RefreshToken(
        family_id=family_id or uuid.uuid4(),
        user_id=user_id,
        secret_hash=digest(secret),
        created_at=now,
        expires_at=min(family_expires, now + timedelta(seconds=settings.refresh_token_ttl_seconds)),
        family_expires_at=family_expires,
    )
    session.add(row)
    await session.flush()
    return f"{row.id.hex}.{secret}"


async def revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


async def revoke_user_tokens(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


async def find_refresh_token(session: AsyncSession, token: str) -> RefreshToken | None:
    """The stored token ``token`` names, when its secret matches (compared in constant time)."""
    parts = split_token(token)
    if parts is None:
        return None
    row = await session.get(RefreshToken, uuid.UUID(hex=parts[0]))
    stored = row.secret_hash if row is not None else _DUMMY_DIGEST
    if not digests_match(stored, parts[1]) or row is None:
        return None
    return row


async def password_grant(ctx: Context, form: dict[str, str]) -> dict[str, Any]:
    username = form.get("username", "")
    password = form.get("password", "")
    if not username or not password:
        raise InvalidRequest("The password grant needs username and password.")
    if len(username) > 254 or len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidRequest("The username or password is too long.")
    key = email_key(username)
    keys = ctx.throttler.keys(key, ctx.address)
    wait = await ctx.throttler.retry_after(ctx.session, keys)
    if wait is not None:
        raise SignInThrottled(wait)

    user = (
        await ctx.session.execute(select(User).where(col(User.email_key) == key))
    ).scalar_one_or_none()
    # Unknown accounts verify a dummy hash: same answer, about the same time.
    ok = await ctx.passwords.verify(user.password_hash if user else None, password)
    if not ok or user is None:
        await ctx.throttler.record_failure(ctx.session, keys)
        await ctx.session.commit()
        raise InvalidGrant(WRONG_CREDENTIALS)
    if user.status != "active":
        raise InvalidGrant("This account is disabled.")

    await ctx.throttler.clear(ctx.session, keys[0])
    now = utcnow()
    user.last_login_at = now
    if ctx.passwords.needs_rehash(user.password_hash):
        user.password_hash = await ctx.passwords.hash(password)
    refresh = await new_refresh_token(ctx.session, ctx.settings, user.id)
    return await _user_tokens(ctx, user, refresh)


async def refresh_grant(ctx: Context, form: dict[str, str]) -> dict[str, Any]:
    token = form.get("refresh_token", "")
    if not token:
        raise InvalidRequest("The refresh_token grant needs refresh_token.")
    row = await find_refresh_token(ctx.session, token)
    if row is None:
        raise InvalidGrant("The refresh token is not valid.")
    now = utcnow()
    if row.revoked_at is not None:
        raise InvalidGrant("The refresh token has been revoked.")
    if row.used_at is not None:
        # A replay: whoever holds this family (thief or owner) must sign in again.
        await revoke_family(ctx.session, row.family_id)
        await ctx.session.commit()
        raise InvalidGrant(
            "The refresh token was already used; every token of this sign-in is now revoked."
        )
    if row.expires_at <= now:
        raise InvalidGrant("The refresh token has expired.")
    claimed = await ctx.session.execute(
        update(RefreshToken)
        .where(
            col(RefreshToken.id) == row.id,
            col(RefreshToken.used_at).is_(None),
            col(RefreshToken.revoked_at).is_(None),
        )
        .values(used_at=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        # Used concurrently by someone else: the same replay.
        await revoke_family(ctx.session, row.family_id)
        await ctx.session.commit()
        raise InvalidGrant("The refresh token was already used.")
    user = await ctx.session.get(User, row.user_id)
    if user is None or user.status != "active":
        await revoke_family(ctx.session, row.family_id)
        await ctx.session.commit()
        raise InvalidGrant("This account is disabled.")
    refresh = await new_refresh_token(
        ctx.session,
        ctx.settings,
        user.id,
        family_id=row.family_id,
        family_expires_at=row.family_expires_at,
    )
    return await _user_tokens(ctx, user, refresh)


async def authenticate_client(session: AsyncSession, client_id: str, secret: str) -> ApiClient:
    client = None
    if 0 < len(client_id) <= 64:
        client = (
            await session.execute(select(ApiClient).where(col(ApiClient.client_id) == client_id))
        ).scalar_one_or_none()
    stored = client.secret_hash if client is not None else _DUMMY_DIGEST
    if not digests_match(stored, secret[:200]) or client is None or client.status != "active":
        raise InvalidClient("The client is unknown, disabled or its secret is wrong.")
    return client


async def client_credentials_grant(
    ctx: Context, form: dict[str, str], credentials: tuple[str, str] | None
) -> dict[str, Any]:
    if credentials is None:
        raise InvalidClient("client_credentials needs client_id and client_secret.")
    client = await authenticate_client(ctx.session, *credentials)
    allowed = client.scopes.split()
    requested = form.get("scope", "").split()
    if len(form.get("scope", "")) > 500:
        raise InvalidScope("The scope is too long.")
    if requested:
        unknown = sorted(set(requested) - set(allowed))
        if unknown:
            raise InvalidScope(f"This client may not ask for: {', '.join(unknown)}.")
        scopes = [s for s in allowed if s in requested]
    else:
        scopes = allowed
    organisation = (
        await ctx.session.get(Organisation, client.organisation_id)
        if client.organisation_id
        else None
    )
    client.last_used_at = utcnow()
    access = await sign(
        ctx.keyring, ctx.session, client_claims(client, organisation, scopes, ctx.settings)
    )
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ctx.settings.client_token_ttl_seconds,
        "scope": " ".join(scopes),
    }
