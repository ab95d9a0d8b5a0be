"""Rate limits with the `limits` package: in memory, or in Redis shared by every gateway replica.

Anonymous callers are limited per address, authenticated ones per user or API client, and the token
endpoint (where passwords and client secrets are tried) has a stricter limit per address. Answers
carry ``RateLimit-Policy`` and ``RateLimit`` (IETF draft, revision 08 onwards); a refusal is a 429
problem with ``Retry-After``.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage

from servicekit.errors import TooManyRequests

logger = logging.getLogger("gateway.ratelimit")


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    item: RateLimitItem

    @property
    def header(self) -> str:
        return f'"{self.name}";q={self.item.amount};w={self.item.get_expiry()}'


@dataclass(frozen=True, slots=True)
class Decision:
    policy: Policy
    allowed: bool
    remaining: int
    reset_seconds: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"ratelimit-policy", self.policy.header.encode()),
            (
                b"ratelimit",
                f'"{self.policy.name}";r={self.remaining};t={self.reset_seconds}'.encode(),
            ),
        ]

    def refusal(self) -> TooManyRequests:
        headers = {name.decode(): value.decode() for name, value in self.headers()}
        headers["Retry-After"] = str(self.reset_seconds)
        return TooManyRequests(
            f"Too many requests under the '{self.policy.name}' limit "
            f"({self.policy.item.amount} per {self.policy.item.get_expiry()} s). "
            f"Try again in {self.reset_seconds} s.",
            headers=headers,
        )


def make_storage(redis_url: str | None, key_prefix: str) -> Storage:
    if not redis_url:
        return MemoryStorage()
    uri = redis_url if redis_url.startswith("async+") else "async+" + redis_url
    return RedisStorage(uri, implementation="redispy", key_prefix=key_prefix)


class RateLimiter:
    """Fixed windows, counted with the storage's own ``incr`` (what limits' fixed-window strategy
    does), so one request costs two storage calls: the count and the window's reset time."""

    def __init__(
        self,
        storage: Storage,
        *,
        anonymous: str,
        authenticated: str,
        token: str,
    ) -> None:
        self.storage = storage
        self.anonymous = Policy("anonymous", parse(anonymous))
        self.authenticated = Policy("authenticated", parse(authenticated))
        self.token = Policy("token", parse(token))

    async def check(self, policy: Policy, key: str) -> Decision | None:
        """Counts one request against ``policy`` for ``key``; ``None`` if the storage failed.

        A storage failure lets the request through (the limit is a guard, not the service) and is
        logged; ``/readyz`` reports the storage as down meanwhile.
        """
        item = policy.item
        storage_key = item.key_for(policy.name, key)
        try:
            count = await self.storage.incr(storage_key, item.get_expiry())
            reset_at = await self.storage.get_expiry(storage_key)
        except Exception as exc:
            logger.warning("rate-limit storage failed, request let through: %r", exc)
            return None
        reset = max(1, math.ceil(reset_at - time.time()))
        return Decision(policy, count <= item.amount, max(0, item.amount - count), reset)

    async def ready(self) -> str | None:
        try:
            if await self.storage.check():
                return None
        except Exception as exc:
            return f"rate-limit storage not answering: {type(exc).__name__}"
        return "rate-limit storage not answering"
