"""Which service a request is for, and the path it may ask that service for.

The raw path (as the client sent it, still percent-encoded) is checked before anything else, so
``..``, encoded slashes, backslashes, double slashes and control characters can never reach a
service or a path outside ``/api/<service>/``. A refused path answers 400; it is never "fixed".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from servicekit.errors import BadRequest, NotFound

API_PREFIX = b"/api/"
# Encoded "/" and "\" would become separators after the service decodes the path.
_ENCODED_SEPARATOR = re.compile(rb"%(2f|5c)", re.IGNORECASE)
_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")
_SERVICE_NAME = re.compile(rb"^[a-z][a-z0-9-]{0,40}$")


@dataclass(frozen=True, slots=True)
class Target:
    service: str
    path: str  # the path to ask the service for, still percent-encoded, starting with "/"


def refuse(reason: str) -> BadRequest:
    return BadRequest(f"The path is not accepted: {reason}.")


def check_rest(rest: bytes) -> None:
    """Refuses a service-relative path that could escape or confuse; ``rest`` starts with "/"."""
    if b"//" in rest:
        raise refuse("it contains an empty segment (//)")
    if b"\\" in rest or _ENCODED_SEPARATOR.search(rest):
        raise refuse("it contains an encoded slash or a backslash")
    decoded = unquote_to_bytes(rest)
    if _CONTROL.search(rest) or _CONTROL.search(decoded):
        raise refuse("it contains control characters")
    for segment in decoded.split(b"/"):
        if segment in (b".", b".."):
            raise refuse("it contains a '.' or '..' segment")


def resolve(raw_path: bytes, services: dict[str, str]) -> Target:
    """``/api/<service>/<rest>`` to the service and ``/<rest>``; 400 or 404 problems otherwise."""
    if not raw_path.startswith(API_PREFIX):
        raise NotFound("Only paths under /api/<service>/ are routed to services.")
    name, slash, rest = raw_path[len(API_PREFIX) :].partition(b"/")
    if not _SERVICE_NAME.match(name):
        raise NotFound("There is no service at this path.")
    service = name.decode("ascii")
    if service not in services:
        raise NotFound(f"There is no service named '{service}'.")
    rest = slash + rest if slash else b"/"
    check_rest(rest)
    return Target(service, rest.decode("latin-1"))
