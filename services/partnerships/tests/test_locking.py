"""The row-lock interface (``partnerships.locking``), the same tests on SQLite and PostgreSQL:
read-check-write under the lock never loses an update, and a second locker sees the first's
committed writes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select

from partnerships.locking import PostgresRowLocker, SQLiteRowLocker, lock, locker_for
from partnerships.models import Employer, Fund, LedgerEntry
from servicekit.db import Database


async def _fund(database: Database) -> uuid.UUID:
    async with database.sessionmaker() as session, session.begin():
        employer = Employer(
            name="Lock Test Ltd",
            companies_house_number=f"{uuid.uuid4().int % 10**8:08d}",
            sector="digital",
            size_band="small",
            region="london",
            status="verified",
        )
        session.add(employer)
        await session.flush()
        fund = Fund(
            employer_id=employer.id,
            name="Lock test",
            starts_on=date(2026, 9, 1),
            ends_on=date(2029, 8, 31),
            status="active",
        )
        session.add(fund)
        await session.flush()
        return fund.id


async def _count(session: object, fund_id: uuid.UUID) -> int:
    result = await session.scalar(  # type: ignore[attr-defined]
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.fund_id == fund_id)  # type: ignore[arg-type]
    )
    return int(result)


async def test_the_dialect_picks_its_locker(app: FastAPI, client: AsyncClient, database_url: str):
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        expected = SQLiteRowLocker if database_url.startswith("sqlite") else PostgresRowLocker
        assert isinstance(locker_for(session), expected)
        assert await lock(session, Fund, uuid.uuid4()) is None


async def test_read_check_write_under_the_lock_never_loses_an_update(
    app: FastAPI, client: AsyncClient
):
    database: Database = app.state.database
    fund_id = await _fund(database)

    async def append_next() -> None:
        async with database.sessionmaker() as session, session.begin():
            await lock(session, Fund, fund_id)
            n = await _count(session, fund_id)
            session.add(
                LedgerEntry(
                    fund_id=fund_id, kind="pledge", amount_pence=1, actor="test", note=str(n + 1)
                )
            )

    await asyncio.gather(*(append_next() for _ in range(20)))
    async with database.sessionmaker() as session:
        notes = (
            await session.execute(
                select(LedgerEntry.note).where(LedgerEntry.fund_id == fund_id)  # type: ignore[arg-type]
            )
        ).scalars()
        assert sorted(int(n) for n in notes) == list(range(1, 21))


async def test_a_second_locker_waits_and_then_sees_the_first_ones_writes(
    app: FastAPI, client: AsyncClient
):
    database: Database = app.state.database
    fund_id = await _fund(database)
    seen: list[int] = []

    async def second() -> None:
        async with database.sessionmaker() as session, session.begin():
            fund = await lock(session, Fund, fund_id)
            assert fund is not None
            seen.append(await _count(session, fund_id))

    async with database.sessionmaker() as first, first.begin():
        await lock(first, Fund, fund_id)
        first.add(LedgerEntry(fund_id=fund_id, kind="pledge", amount_pence=5, actor="first"))
        await first.flush()
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.2)  # give the second locker every chance to (wrongly) go ahead
        assert seen == []
    await waiting
    assert seen == [1]
