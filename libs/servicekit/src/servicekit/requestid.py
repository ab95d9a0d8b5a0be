"""The request id of the request being served, for logs, problems and outbound calls."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# A caller's id is accepted only when it is short and plain: it ends up in logs and headers.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def current_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> str:
    """Adopt the caller's id when it is acceptable, else make a new one; returns the id in force."""
    rid = value if value and _ACCEPTABLE.match(value) else uuid.uuid4().hex
    _request_id.set(rid)
    return rid
