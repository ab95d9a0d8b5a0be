"""RFC 9457 problem details: one exception family and one renderer for every failure.

Every error a service answers is ``application/problem+json`` with ``type``, ``title``, ``status``,
``detail``, ``instance`` and, where useful, ``code`` and field-level ``errors``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from servicekit.requestid import current_request_id

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://iot-platform.example/problems/"


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `body.capacity`")
    message: str
    code: str = Field(description="Stable machine-readable reason, e.g. `too_long`")


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(examples=[TYPE_BASE + "not-found"])
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Base for every expected failure. Subclasses set ``status``, ``code`` and ``title``."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = list(errors) if errors else None
        self.headers = headers or {}
        self.extra = extra or {}

    @classmethod
    def schema_response(cls, description: str | None = None) -> dict[int | str, dict[str, Any]]:
        """For an endpoint's ``responses=``: documents this error's problem body."""
        return {
            cls.status: {
                "description": description or cls.title,
                "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
        }


class BadRequest(ProblemError):
    status = 400
    code = "bad-request"
    title = "Bad request"


class Unauthorized(ProblemError):
    status = 401
    code = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers.setdefault("WWW-Authenticate", 'Bearer error="invalid_token"')


class Forbidden(ProblemError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(ProblemError):
    status = 404
    code = "not-found"
    title = "Not found"


class Conflict(ProblemError):
    status = 409
    code = "conflict"
    title = "Conflict"


class Gone(ProblemError):
    status = 410
    code = "gone"
    title = "Gone"


class PayloadTooLarge(ProblemError):
    status = 413
    code = "payload-too-large"
    title = "Request body too large"


class Unprocessable(ProblemError):
    status = 422
    code = "validation-failed"
    title = "The request is not valid"

    @classmethod
    def for_field(cls, field: str, message: str, code: str = "invalid") -> Unprocessable:
        return cls(message, errors=[FieldError(field=field, message=message, code=code)])


class TooManyRequests(ProblemError):
    status = 429
    code = "rate-limited"
    title = "Too many requests"


class ServiceUnavailable(ProblemError):
    status = 503
    code = "service-unavailable"
    title = "Service unavailable"


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None,
    errors: Sequence[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body = Problem(
        type=TYPE_BASE + code,
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        code=code,
        request_id=current_request_id(),
        errors=list(errors) if errors else None,
    ).model_dump(exclude_none=True)
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_STATUS_CODES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-failed", "The request is not valid"),
    429: ("rate-limited", "Too many requests"),
}


def _field_path(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def validation_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for err in exc.errors():
        message = str(err.get("msg", "Invalid value"))
        if err.get("type") == "json_invalid":
            message = "The body is not valid JSON: " + str(err.get("ctx", {}).get("error", ""))
        errors.append(
            FieldError(
                field=_field_path(err.get("loc", ())),
                message=message,
                code=str(err.get("type", "invalid")),
            )
        )
    return errors


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc)
    fields = ", ".join(e.field for e in errors[:10])
    return problem_response(
        request,
        status=422,
        code="validation-failed",
        title="The request is not valid",
        detail=f"{len(errors)} field(s) failed validation: {fields}",
        errors=errors,
    )


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _STATUS_CODES.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    return problem_response(
        request,
        status=exc.status_code,
        code=code,
        title=title,
        detail=detail,
        headers=dict(exc.headers or {}),
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _handle_problem)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
