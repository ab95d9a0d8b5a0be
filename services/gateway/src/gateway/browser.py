"""Browser safety on every answer: security headers, and CORS from an allow-list.

API answers get a Content-Security-Policy that allows nothing (they are data, never pages); every
other answer (the SPA, the docs) gets the SPA's policy. ``Strict-Transport-Security`` is sent only
over https (as the ASGI server saw it: behind a TLS-terminating proxy, run uvicorn with
``--proxy-headers`` and ``--forwarded-allow-ips`` so the scheme is the client's).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.config import Settings
from servicekit.errors import PROBLEM_JSON, TYPE_BASE
from servicekit.requestid import current_request_id


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        self.api_headers = [
            *common,
            (b"content-security-policy", settings.api_content_security_policy.encode()),
        ]
        self.page_headers = [
            *common,
            (b"content-security-policy", settings.content_security_policy.encode()),
        ]
        self.hsts = (
            b"strict-transport-security",
            f"max-age={settings.hsts_seconds}; includeSubDomains".encode(),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        extra = self.api_headers if path.startswith("/api/") else self.page_headers
        if scope.get("scheme") == "https":
            extra = [*extra, self.hsts]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in extra if h[0] not in present)
                message["headers"] = _vary_on_origin(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _vary_on_origin(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Answers differ by ``Origin`` (CORS), so caches must keep them apart."""
    for i, (name, value) in enumerate(headers):
        if name.lower() == b"vary":
            if b"origin" not in value.lower() and value.strip() != b"*":
                headers[i] = (name, value + b", Origin")
            return headers
    headers.append((b"vary", b"Origin"))
    return headers


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS for the allowed ``origins``; a refused preflight is a 403 problem."""

    def __init__(self, app: ASGIApp, *, origins: Sequence[str]) -> None:
        super().__init__(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "RateLimit", "RateLimit-Policy", "Retry-After"],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not any(n == b"origin" for n, _ in scope["headers"]):
            # Not a cross-origin request: nothing to add (Vary comes with the security headers).
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        reason = bytes(response.body).decode(errors="replace")
        body = {
            "type": TYPE_BASE + "cors-refused",
            "title": "Cross-origin request refused",
            "status": 403,
            "detail": f"{reason}. Allowed origins are configured in GATEWAY_CORS_ORIGINS.",
            "code": "cors-refused",
            "request_id": current_request_id(),
        }
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        headers.pop("content-type", None)
        return Response(json.dumps(body), status_code=403, media_type=PROBLEM_JSON, headers=headers)
