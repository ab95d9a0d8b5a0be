"""Write locks on a fund, a bursary scheme or an outreach event: the one place where the two
databases differ.

Every rule of the form "read the balance, check it, append a movement" runs as::

    await lock(session, BursaryScheme, scheme_id)   # first, before reading anything it checks
    ... read sums from the ledger, check, insert ...
    # the request's session commits (or rolls back) once, which releases the lock

- PostgreSQL: ``SELECT ... FOR NO KEY UPDATE`` on the row(s), in id order so that two
  transactions locking the same rows cannot deadlock, reading the rows in the same round trip.
  Transactions on *other* rows go on in parallel, and so do inserts that merely reference a
  locked row (a reservation's foreign key to its fund): ``NO KEY`` leaves its key-share lock
  free. Under READ COMMITTED each later statement takes a fresh snapshot, so the reads after the
  lock see everything the previous holder committed.
- SQLite: one writer at a time for the whole database. A write to the row takes that write lock
  (waiting up to ``busy_timeout``), which is what ``BEGIN IMMEDIATE`` does: the Python driver
  starts its transaction at the first write, so the write lock and the read snapshot begin
  together and no later write in the transaction can fail with ``SQLITE_BUSY``. Reads made
  before the lock are not relied on; callers re-read after it. A lock not obtained within the
  busy timeout answers 503 (``partnerships.database_errors``), having changed nothing.

Both ways return the same thing: the rows, freshly loaded, locked until the transaction ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

M = TypeVar("M")


class RowLocker(Protocol):
    async def acquire(
        self, session: AsyncSession, model: type[Any], ids: Sequence[uuid.UUID]
    ) -> list[Any]:
        """Lock the rows until the transaction ends and return them, freshly loaded."""
        ...


def _fresh(model: type[Any], ids: Sequence[uuid.UUID]) -> Any:
    return (
        select(model)
        .where(model.id.in_(ids))
        .order_by(model.id)
        .execution_options(populate_existing=True)
    )


class PostgresRowLocker:
    async def acquire(
        self, session: AsyncSession, model: type[Any], ids: Sequence[uuid.UUID]
    ) -> list[Any]:
        # One round trip: lock and read. NO KEY: rows that merely reference these still insert.
        result = await session.execute(_fresh(model, ids).with_for_update(key_share=True))
        return list(result.scalars().all())


class SQLiteRowLocker:
    async def acquire(
        self, session: AsyncSession, model: type[Any], ids: Sequence[uuid.UUID]
    ) -> list[Any]:
        await session.execute(
            update(model)
            .where(model.id.in_(ids))
            .values(lock_version=model.lock_version + 1)
            .execution_options(synchronize_session=False)
        )
        result = await session.execute(_fresh(model, ids))
        return list(result.scalars().all())


_LOCKERS: dict[str, RowLocker] = {
    "postgresql": PostgresRowLocker(),
    "sqlite": SQLiteRowLocker(),
}


def locker_for(session: AsyncSession) -> RowLocker:
    dialect = session.get_bind().dialect.name
    try:
        return _LOCKERS[dialect]
    except KeyError:  # pragma: no cover - only the two supported databases are configured
        raise RuntimeError(f"no row locks for the {dialect} dialect") from None


async def lock_many(session: AsyncSession, model: type[M], ids: Sequence[uuid.UUID]) -> list[M]:
    """Lock ``ids`` of ``model`` until the transaction ends; returns the rows found, fresh."""
    unique = sorted(set(ids))
    if not unique:
        return []
    return await locker_for(session).acquire(session, model, unique)


async def lock(session: AsyncSession, model: type[M], obj_id: uuid.UUID) -> M | None:
    """Lock one row until the transaction ends; returns it, fresh, or ``None`` if it is missing."""
    rows = await lock_many(session, model, [obj_id])
    return rows[0] if rows else None
