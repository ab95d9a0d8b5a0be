"""The background sweep that releases expired bursary reservations (they also expire lazily,
whenever their scheme is reserved against or the reservation is read)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from partnerships.config import Settings
from partnerships.reservation.service import sweep_expired
from servicekit.db import Database

logger = logging.getLogger("partnerships.sweeper")


async def sweep_once(database: Database) -> int:
    async with database.sessionmaker() as session, session.begin():
        return await sweep_expired(session)


async def _loop(database: Database, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            released = await sweep_once(database)
            if released:
                logger.info("released expired reservations", extra={"released": released})
        except Exception:  # the next round tries again; one bad round must not stop the loop
            logger.exception("sweeping expired reservations failed")


async def start_sweeper(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    app.state.sweeper = None
    if settings.sweep_interval_seconds > 0:
        app.state.sweeper = asyncio.create_task(
            _loop(app.state.database, settings.sweep_interval_seconds)
        )


async def stop_sweeper(app: FastAPI) -> None:
    task: asyncio.Task[None] | None = app.state.sweeper
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
