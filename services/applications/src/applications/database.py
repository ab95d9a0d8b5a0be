"""Where SQLite and PostgreSQL differ, both ways sit here behind one small interface.

- ``lock_intake``: the intake row offers and acceptances check capacity under. PostgreSQL locks
  the row (``SELECT ... FOR UPDATE``); SQLite has one writer at a time for the whole file, and a
  write to the row takes that lock (the driver starts its transaction at the first write, so the
  reads that follow see everything committed before). Either way the row comes back fresh and
  stays locked until the transaction ends.
- ``upsert_intake`` and ``next_change_seq``: ``INSERT ... ON CONFLICT DO UPDATE`` through each
  dialect's own construct (both databases support it, with ``RETURNING``).

A database that is busy or unreachable answers 503 (``install_database_error_handlers``), never
a 500: the request's transaction was rolled back, so nothing is half-done.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from applications.models import ChangeCounter, Intake
from servicekit.errors import problem_response

logger = logging.getLogger("applications.database")


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _insert(session: AsyncSession, table: Any) -> Any:
    if _dialect(session) == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def lock_intake(session: AsyncSession, intake_id: uuid.UUID) -> Intake | None:
    """Lock the intake's row until the transaction ends; returns it freshly read."""
    fresh = (
        select(Intake).where(col(Intake.id) == intake_id).execution_options(populate_existing=True)
    )
    if _dialect(session) == "postgresql":
        result = await session.execute(fresh.with_for_update())
    else:
        await session.execute(
            update(Intake)
            .where(col(Intake.id) == intake_id)
            .values(lock_version=col(Intake.lock_version) + 1)
            .execution_options(synchronize_session=False)
        )
        result = await session.execute(fresh)
    return result.scalar_one_or_none()


async def upsert_intake(session: AsyncSession, values: dict[str, Any]) -> None:
    """Store the catalogue's view of an intake (insert it, or refresh the stored one)."""
    changing = {k: v for k, v in values.items() if k != "id"}
    statement = (
        _insert(session, Intake)
        .values(**values)
        .on_conflict_do_update(index_elements=["id"], set_=changing)
    )
    await session.execute(statement)


async def next_change_seq(session: AsyncSession) -> int:
    """The next change number. Its row stays locked until this transaction ends, so a number is
    never visible before a smaller one that was taken earlier: a reader that has seen number n
    has seen every change numbered below n."""
    table = ChangeCounter.__table__  # type: ignore[attr-defined]
    statement = (
        _insert(session, ChangeCounter)
        .values(id=1, value=1)
        .on_conflict_do_update(index_elements=["id"], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    return int((await session.execute(statement)).scalar_one())


async def _database_busy(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("database busy or unavailable: %s", type(exc).__name__, exc_info=exc)
    return problem_response(
        request,
        status=503,
        code="database-busy",
        title="The database is busy",
        detail="The service's database did not answer in time. Nothing was changed; try again "
        "shortly.",
        headers={"Retry-After": "2"},
    )


def install_database_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OperationalError, _database_busy)
    app.add_exception_handler(PoolTimeoutError, _database_busy)
