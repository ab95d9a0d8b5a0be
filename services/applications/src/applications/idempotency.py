"""The ``Idempotency-Key`` header of writes that create or change things."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

REPLAYED_HEADER = "Idempotent-Replayed"

IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9._:\-]+$",
        description="Repeating the request with the same key answers as the first time and "
        "changes nothing more (a double click, a retry after a timeout).",
    ),
]


def mark_replayed(response: Response, replayed: bool) -> None:
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
