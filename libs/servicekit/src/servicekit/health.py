"""``/healthz`` (the process is up), ``/readyz`` (dependencies answer) and ``/metrics``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from servicekit.db import Database
from servicekit.migrations import current_revisions, head_revisions

ReadinessCheck = Callable[[], Awaitable[str | None]]
"""Returns ``None`` when ready, else a short reason."""


def database_check(database: Database, service_root: Path) -> ReadinessCheck:
    heads = head_revisions(service_root)

    async def check() -> str | None:
        try:
            current = await current_revisions(database.engine)
        except Exception as exc:
            return f"database not answering: {type(exc).__name__}"
        if current != heads:
            return f"migrations not at head (database {sorted(current)}, code {sorted(heads)})"
        return None

    return check


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Ready to serve: the database answers, migrations at head")
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, ReadinessCheck] = request.app.state.readiness_checks
        results = {name: await check() for name, check in checks.items()}
        ready = all(reason is None for reason in results.values())
        body = {
            "status": "ready" if ready else "not ready",
            "checks": {name: reason or "ok" for name, reason in results.items()},
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return router
