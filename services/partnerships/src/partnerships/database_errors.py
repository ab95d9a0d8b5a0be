"""A database that is busy or unreachable answers 503 (with ``Retry-After``), never a 500.

With SQLite, a writer waits for the single write lock for ``busy_timeout`` (this service sets it
from ``PARTNERSHIPS_SQLITE_BUSY_TIMEOUT_SECONDS``) and then fails with "database is locked"; a
full connection pool times out; a PostgreSQL server that went away fails with an
``OperationalError``. In each case the request's transaction is rolled back, so nothing is
half-done, and trying again shortly is the right advice.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from partnerships.config import Settings
from servicekit.db import Database, is_sqlite
from servicekit.errors import problem_response

logger = logging.getLogger("partnerships.database")


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


async def set_sqlite_busy_timeout(app: FastAPI) -> None:
    """On startup: every new SQLite connection waits this service's busy timeout (it runs after
    the shared engine's own connect hook, so it wins)."""
    settings: Settings = app.state.settings
    database: Database = app.state.database
    if not is_sqlite(database.url):
        return
    milliseconds = int(settings.sqlite_busy_timeout_seconds * 1000)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={milliseconds}")
        cursor.close()

    event.listen(database.engine.sync_engine, "connect", on_connect)
