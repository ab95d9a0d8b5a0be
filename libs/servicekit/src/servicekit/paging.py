"""The one paging scheme of every list endpoint: ``limit``/``offset`` with a ``total``.

``?limit=20&offset=40`` returns ``{"items": [...], "total": 312, "limit": 20, "offset": 40}``.
``limit`` is 1 to 100 (default 20); an offset past the end returns an empty ``items``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-100)")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="How many items match, over all pages")
    limit: int
    offset: int


async def paginate(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    params: PageParams,
    *,
    scalars: bool = True,
) -> tuple[Sequence[Any], int]:
    """Run ``statement`` for one page and count every match; returns ``(rows, total)``.

    With ``scalars=False`` each row is a tuple (for statements selecting several entities).
    """
    count_stmt = select(func.count()).select_from(statement.order_by(None).subquery())
    total = (await session.execute(count_stmt)).scalar_one()
    result = await session.execute(statement.limit(params.limit).offset(params.offset))
    rows = result.scalars().all() if scalars else result.all()
    return rows, int(total)


async def fetch_page(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    params: PageParams,
    read: Callable[[Any], T],
) -> Page[T]:
    """One page of ``statement``'s rows, each turned into its API shape by ``read``."""
    rows, total = await paginate(session, statement, params)
    return Page(
        items=[read(r) for r in rows], total=total, limit=params.limit, offset=params.offset
    )
