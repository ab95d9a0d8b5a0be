"""One pure-ASGI middleware for every request: request id, metrics and a last-resort 500 problem.

It sits outermost, so the ``X-Request-ID`` header is echoed even on a crash and the crash still
answers ``application/problem+json`` without a stack trace (the trace goes to the log).
"""

from __future__ import annotations

import json
import logging
import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.errors import PROBLEM_JSON, TYPE_BASE
from servicekit.requestid import REQUEST_ID_HEADER, set_request_id

logger = logging.getLogger("servicekit.requests")

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Prometheus counters for one app, in a registry of its own (so tests can build many apps)."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests served, by route template, method and status",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to serve a request, by route template and method",
            ["service", "method", "route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.service = service

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))


def _route_template(scope: Scope) -> str:
    """The matched route's path template (``/v1/courses/{course_id}``), not the raw path, so
    metric labels stay bounded; ``unmatched`` for 404s."""
    route = scope.get("route")
    return str(getattr(route, "path_format", None) or getattr(route, "path", None) or "unmatched")


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        rid = set_request_id(incoming)
        rid_header = (REQUEST_ID_HEADER.lower().encode(), rid.encode())
        status = 500
        started = False
        begin = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", []), rid_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                body = json.dumps(
                    {
                        "type": TYPE_BASE + "internal-error",
                        "title": "Internal server error",
                        "status": 500,
                        "detail": "Something went wrong on our side. "
                        "Quote the request id when reporting it.",
                        "instance": scope.get("path"),
                        "code": "internal-error",
                        "request_id": rid,
                    }
                ).encode()
                await send_with_id(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", PROBLEM_JSON.encode()),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
        finally:
            route = _route_template(scope)
            method = scope.get("method", "")
            elapsed = time.perf_counter() - begin
            self.metrics.requests.labels(self.metrics.service, method, route, str(status)).inc()
            self.metrics.latency.labels(self.metrics.service, method, route).observe(elapsed)
