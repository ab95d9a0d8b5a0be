"""Query helpers every service's domains use: fetch-or-404, body references, uniqueness, PATCH."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.errors import Conflict, FieldError, NotFound, Unprocessable

M = TypeVar("M")


def not_found(what: str, obj_id: uuid.UUID) -> NotFound:
    """The answer for a missing object and for another tenant's object alike."""
    return NotFound(f"No {what} with id {obj_id}.")


async def get_or_404(session: AsyncSession, model: type[M], obj_id: uuid.UUID, what: str) -> M:
    obj = await session.get(model, obj_id)
    if obj is None:
        raise not_found(what, obj_id)
    return obj


async def get_referenced(
    session: AsyncSession, model: type[M], obj_id: uuid.UUID, field: str, what: str
) -> M:
    """A row a request body points at; a missing one is the body's fault (422 naming the field)."""
    obj = await session.get(model, obj_id)
    if obj is None:
        raise Unprocessable.for_field(f"body.{field}", f"No {what} with id {obj_id}.", "not_found")
    return obj


async def ensure_unique(
    session: AsyncSession,
    model: type[Any],
    field: str,
    value: Any,
    *,
    exclude_id: uuid.UUID | None = None,
) -> None:
    """409 naming the field when another row already holds ``value``."""
    column = getattr(model, field)
    stmt = select(model.id).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    if (await session.execute(stmt.limit(1))).first() is not None:
        message = f"{field} '{value}' is already taken."
        raise Conflict(
            message, errors=[FieldError(field=f"body.{field}", message=message, code="duplicate")]
        )


def apply_changes(obj: Any, changes: dict[str, Any], required: tuple[str, ...]) -> None:
    """Copy a PATCH body's set fields onto ``obj``; a required field cannot be set to null."""
    for key, value in changes.items():
        if value is None and key in required:
            raise Unprocessable.for_field(f"body.{key}", f"{key} cannot be null.", "required")
        setattr(obj, key, value)
