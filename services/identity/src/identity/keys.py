"""Signing keys: created, rotated and published from the database.

The newest key that is not retired signs. Rotation makes a new key and retires the others; a
retired key stays in the JWKS until ``publish_until`` (when every token it signed has expired,
plus the verifiers' clock leeway), then the next rotation deletes it.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity.config import Settings
from identity.models import SigningKey
from servicekit.db import Database, utcnow

KEY_SIZE = 2048
ALGORITHM = "RS256"
# Past a token's expiry, how long its key stays published: the verifiers' leeway and a margin.
PUBLISH_MARGIN = timedelta(seconds=120)


class SigningKeyError(Exception):
    """The signing keys cannot be used (none, or encrypted with another passphrase)."""


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(kid: str, public_pem: str) -> dict[str, str]:
    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise SigningKeyError(f"key {kid} is not an RSA key")
    numbers = key.public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": _b64(numbers.n),
        "e": _b64(numbers.e),
    }


def new_key_pair(passphrase: str | None) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return SigningKey(
        kid=uuid.uuid4().hex,
        private_pem=private_pem,
        public_pem=public_pem,
        encrypted=bool(passphrase),
    )


def published_filter(now: datetime) -> Any:
    return or_(col(SigningKey.publish_until).is_(None), col(SigningKey.publish_until) > now)


async def active_key(session: AsyncSession) -> SigningKey | None:
    stmt = (
        select(SigningKey)
        .where(col(SigningKey.retired_at).is_(None))
        .order_by(col(SigningKey.created_at).desc(), col(SigningKey.kid))
        .limit(1)
    )
    return (await session.execute(stmt)).scalars().first()


async def published_keys(session: AsyncSession) -> list[SigningKey]:
    stmt = (
        select(SigningKey)
        .where(published_filter(utcnow()))
        .order_by(col(SigningKey.created_at).desc())
    )
    return list((await session.execute(stmt)).scalars().all())


async def rotate(session: AsyncSession, settings: Settings) -> tuple[SigningKey, list[str]]:
    """Make a new signing key, retire the others and delete keys no longer published.

    Returns the new key and the kids deleted."""
    now = utcnow()
    longest = max(settings.access_token_ttl_seconds, settings.client_token_ttl_seconds)
    publish_until = now + timedelta(seconds=longest) + PUBLISH_MARGIN
    expired = (
        (
            await session.execute(
                select(col(SigningKey.kid)).where(
                    col(SigningKey.publish_until).is_not(None),
                    col(SigningKey.publish_until) <= now,
                )
            )
        )
        .scalars()
        .all()
    )
    if expired:
        await session.execute(delete(SigningKey).where(col(SigningKey.kid).in_(expired)))
    await session.execute(
        update(SigningKey)
        .where(col(SigningKey.retired_at).is_(None))
        .values(retired_at=now, publish_until=publish_until)
    )
    passphrase = settings.key_passphrase.get_secret_value() if settings.key_passphrase else None
    key = new_key_pair(passphrase)
    key.created_at = now
    session.add(key)
    await session.flush()
    return key, list(expired)


@dataclass(frozen=True)
class LoadedKey:
    kid: str
    signer: Any  # a python-jose RSA key, parsed once per process


class KeyRing:
    """This process's view of the keys: parsed private keys and public JWKs, cached by kid."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self._private: dict[str, LoadedKey] = {}
        self._public: dict[str, dict[str, str]] = {}

    def _passphrase(self) -> bytes | None:
        secret = self.settings.key_passphrase
        return secret.get_secret_value().encode() if secret else None

    def _load(self, key: SigningKey) -> LoadedKey:
        cached = self._private.get(key.kid)
        if cached is not None:
            return cached
        password = self._passphrase() if key.encrypted else None
        if key.encrypted and password is None:
            raise SigningKeyError(
                f"signing key {key.kid} is encrypted: set IDENTITY_KEY_PASSPHRASE to use it"
            )
        try:
            private = serialization.load_pem_private_key(key.private_pem.encode(), password)
        except (ValueError, TypeError) as exc:
            raise SigningKeyError(f"signing key {key.kid} cannot be decrypted: {exc}") from exc
        loaded = LoadedKey(key.kid, jwk.construct(cast(Any, private), ALGORITHM))
        self._private[key.kid] = loaded
        return loaded

    async def ensure_key(self) -> str:
        """The embedded default: make a key on first start. Returns the active kid."""
        async with self.database.sessionmaker() as session, session.begin():
            key = await active_key(session)
            if key is None:
                passphrase = self._passphrase()
                key = new_key_pair(passphrase.decode() if passphrase else None)
                session.add(key)
            self._load(key)
            return key.kid

    async def signing_key(self, session: AsyncSession) -> LoadedKey:
        key = await active_key(session)
        if key is None:
            raise SigningKeyError("no signing key: run `identity rotate-keys`")
        return self._load(key)

    async def public_key(self, kid: str | None) -> dict[str, str] | None:
        """The JWK for ``kid`` while it is published, else ``None``."""
        if not kid or len(kid) > 64:
            return None
        async with self.database.sessionmaker() as session:
            key = (
                await session.execute(
                    select(SigningKey).where(col(SigningKey.kid) == kid, published_filter(utcnow()))
                )
            ).scalar_one_or_none()
        if key is None:
            return None
        jwk = self._public.get(kid)
        if jwk is None:
            jwk = public_jwk(kid, key.public_pem)
            self._public[kid] = jwk
        return jwk
