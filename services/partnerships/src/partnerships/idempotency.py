"""The ``Idempotency-Key`` header (or an ``idempotency_key`` in the body) of money movements."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from servicekit.errors import Unprocessable

REPLAYED_HEADER = "Idempotent-Replayed"

IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9._:\-]+$",
        description="Repeating the request with the same key returns the first answer and "
        "changes nothing more (the body may carry `idempotency_key` instead).",
    ),
]


def choose_key(header: str | None, body_key: str | None) -> str | None:
    if header is not None and body_key is not None and header != body_key:
        raise Unprocessable.for_field(
            "body.idempotency_key",
            "The Idempotency-Key header and body.idempotency_key differ; send one of them.",
            "mismatch",
        )
    return header if header is not None else body_key


def mark_replayed(response: Response, replayed: bool) -> None:
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
