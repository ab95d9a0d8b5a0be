"""Every change to an application takes the next change number (``applications.database``).

The changes feed lists applications whose ``change_seq`` is above the caller's cursor, in number
order. Numbers are taken under one lock held until commit, so they become visible in order: a
poller that saw number n has seen every change numbered below n (a skipped number belonged to a
transaction that rolled back). An application changed again gets a new, higher number, so it
shows again, once, with its new state: the feed never misses and never double-counts a change.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from applications.database import next_change_seq
from applications.models import Application
from servicekit.db import utcnow


async def change_application(
    session: AsyncSession,
    application_id: uuid.UUID,
    *,
    expected_status: str | None = None,
    now: datetime | None = None,
    **values: Any,
) -> bool:
    """Change one application and give it the next change number. With ``expected_status`` the
    change happens only if the application is still in it (someone may have moved it meanwhile);
    returns whether it happened."""
    seq = await next_change_seq(session)
    statement = (
        update(Application)
        .where(col(Application.id) == application_id)
        .values(change_seq=seq, updated_at=now or utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if expected_status is not None:
        statement = statement.where(col(Application.status) == expected_status)
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]
