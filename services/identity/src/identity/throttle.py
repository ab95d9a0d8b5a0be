"""Sign-in throttling per account and per address, stored in the database (shared by every
process). A number of failures are free; each further failure locks the key for a time that
doubles (1 s, 2 s, 4 s ... up to the cap), and an attempt during a lock answers 429 with
``Retry-After`` without checking the password. Failures are forgotten after a quiet window."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity.config import Settings
from identity.models import LoginThrottle
from servicekit.db import utcnow


@dataclass(frozen=True)
class ThrottleKey:
    key: str
    free_failures: int


def client_address(request: Request, settings: Settings) -> str:
    if settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1][:45]
    return (request.client.host if request.client else "unknown")[:45]


class LoginThrottler:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def keys(self, email_key: str, address: str) -> list[ThrottleKey]:
        account = hashlib.sha256(email_key.encode("utf-8")).hexdigest()
        return [
            ThrottleKey(f"account:{account}", self.settings.login_account_free_failures),
            ThrottleKey(f"address:{address}", self.settings.login_address_free_failures),
        ]

    async def retry_after(self, session: AsyncSession, keys: list[ThrottleKey]) -> int | None:
        """Seconds until the caller may try again, or ``None`` when no key is locked."""
        now = utcnow()
        stmt = select(col(LoginThrottle.locked_until)).where(
            col(LoginThrottle.key).in_([k.key for k in keys]),
            col(LoginThrottle.locked_until) > now,
        )
        locks = [t for t in (await session.execute(stmt)).scalars().all() if t is not None]
        if not locks:
            return None
        return max(1, math.ceil((max(locks) - now).total_seconds()))

    def _lock_seconds(self, failures: int, free: int) -> int | None:
        over = failures - free
        if over < 0:
            return None
        base = self.settings.login_lock_base_seconds
        return int(min(self.settings.login_lock_max_seconds, base * 2 ** min(over, 30)))

    async def record_failure(self, session: AsyncSession, keys: list[ThrottleKey]) -> None:
        now = utcnow()
        window_start = now - timedelta(seconds=self.settings.login_failure_window_seconds)
        for k in keys:
            failures = await self._increment(session, k.key, now, window_start)
            lock = self._lock_seconds(failures, k.free_failures)
            if lock is not None:
                await session.execute(
                    update(LoginThrottle)
                    .where(col(LoginThrottle.key) == k.key)
                    .values(locked_until=now + timedelta(seconds=lock))
                )

    async def _increment(
        self, session: AsyncSession, key: str, now: datetime, window_start: datetime
    ) -> int:
        stmt = (
            update(LoginThrottle)
            .where(col(LoginThrottle.key) == key)
            .values(
                failures=case(
                    (col(LoginThrottle.last_failure_at) < window_start, 1),
                    else_=col(LoginThrottle.failures) + 1,
                ),
                last_failure_at=now,
            )
            .returning(col(LoginThrottle.failures))
        )
        for _ in range(3):
            failures = (await session.execute(stmt)).scalar_one_or_none()
            if failures is not None:
                return int(failures)
            try:
                async with session.begin_nested():
                    session.add(LoginThrottle(key=key, failures=1, last_failure_at=now))
                return 1
            except IntegrityError:
                continue  # inserted meanwhile by a concurrent request: update it instead
        return 1

    async def clear(self, session: AsyncSession, key: ThrottleKey) -> None:
        await session.execute(delete(LoginThrottle).where(col(LoginThrottle.key) == key.key))
