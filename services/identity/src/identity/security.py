"""Password hashing, the password policy and high-entropy secrets.

- Passwords: argon2id (OWASP parameters, from settings), verified off the event loop.
  An unknown account is answered after verifying a dummy hash, so it costs the same time.
- Refresh tokens, invitation tokens and client secrets are 256-bit random values. They are
  ``<selector>.<secret>``: the selector finds the row, the secret's SHA-256 digest is compared
  with ``hmac.compare_digest``. High-entropy secrets need no slow hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
_COMMON_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
_EDGE = string.digits + string.punctuation + string.whitespace
_UNLEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)


class Passwords:
    """argon2id hashing with one set of parameters, and a dummy hash for unknown accounts."""

    def __init__(
        self,
        *,
        memory_kib: int,
        time_cost: int,
        parallelism: int,
        on_verify: Callable[[], None] | None = None,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self._dummy = self._hasher.hash(secrets.token_urlsafe(24))
        self._on_verify = on_verify  # counts verifications: every sign-in verifies exactly once

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; with no stored hash, verifies the dummy and fails."""
        if self._on_verify is not None:
            self._on_verify()
        target = stored_hash or self._dummy
        try:
            ok = await asyncio.to_thread(self._hasher.verify, target, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return bool(ok) and stored_hash is not None

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    words = set()
    for line in _COMMON_FILE.read_text(encoding="utf-8").splitlines():
        word = line.strip().lower()
        if word and not word.startswith("#"):
            words.add(word)
    return frozenset(words)


_SEQUENCES = (
    "0123456789",
    "9876543210",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
)


def _is_repetition(value: str) -> bool:
    """``aaaa…``, ``abab…``, ``passwordpassword``: a short unit repeated."""
    n = len(value)
    for size in range(1, n // 2 + 1):
        if n % size == 0 and value[:size] * (n // size) == value:
            return True
    return False


def _is_sequence(value: str) -> bool:
    return any(value in seq * 2 or value in seq[::-1] * 2 for seq in _SEQUENCES)


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """Why ``password`` is refused, or ``None``. Length and common passwords only (NCSC, NIST):
    no composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"The password must have at most {MAX_PASSWORD_LENGTH} characters."
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        return "The password must not contain control characters."
    lowered = password.lower()
    common = common_passwords()
    stems: set[str] = set()
    for form in (lowered, lowered.translate(_UNLEET), "".join(lowered.split())):
        stems |= {form, form.rstrip(_EDGE), form.lstrip(_EDGE), form.strip(_EDGE)}
    stems.discard("")
    if stems & common or any(_is_repetition(s) or _is_sequence(s) for s in stems):
        return "This password is too common or too easy to guess; choose another."
    if email:
        local = email.lower().split("@", 1)[0]
        if lowered == email.lower() or (len(local) >= 4 and local in stems):
            return "The password must not be your email address."
    return None


def digest(secret: str) -> str:
    """SHA-256 hex digest of a high-entropy secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def digests_match(stored: str, secret: str) -> bool:
    return hmac.compare_digest(stored.encode("ascii"), digest(secret).encode("ascii"))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


_SPLIT_TOKEN = re.compile(r"^([0-9a-f]{32})\.([A-Za-z0-9_-]{20,100})$")


def split_token(token: str) -> tuple[str, str] | None:
    """``<32 hex selector>.<secret>`` into its parts, or ``None`` when it has another shape."""
    match = _SPLIT_TOKEN.match(token)
    return (match.group(1), match.group(2)) if match else None
