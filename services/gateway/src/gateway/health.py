"""``GET /healthz``: the gateway's own status and each service's ``/readyz``; 503 if any is down.

``/readyz`` (the gateway can serve: its rate-limit storage answers) and ``/metrics`` come from the
shared library. A service being down makes ``/healthz`` 503 but leaves the gateway ready: it still
answers every other service.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse


async def service_status(
    session: aiohttp.ClientSession, base_url: str, timeout: float
) -> dict[str, Any]:
    try:
        async with session.get(
            f"{base_url}/readyz", timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            body = await response.read()
            status = response.status
    except aiohttp.ClientConnectorError:
        return {"status": "down", "detail": "connection refused"}
    except (TimeoutError, aiohttp.ClientError) as exc:
        reason = f"no answer within {timeout:g} s ({type(exc).__name__})"
        return {"status": "down", "detail": reason}
    result: dict[str, Any] = {"status": "ready" if status == 200 else "not ready"}
    try:
        checks = json.loads(body).get("checks")
    except (ValueError, AttributeError):
        checks = None
    if isinstance(checks, dict):
        result["checks"] = checks
    if status != 200:
        result["detail"] = f"/readyz answered {status}"
    return result


def health_router(services: dict[str, str], timeout: float) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The gateway and every service behind it")
    async def healthz(request: Request) -> JSONResponse:
        session: aiohttp.ClientSession = request.app.state.upstream
        names = list(services)
        results = await asyncio.gather(
            *(service_status(session, services[name], timeout) for name in names)
        )
        statuses = dict(zip(names, results, strict=True))
        healthy = all(s["status"] == "ready" for s in statuses.values())
        body = {
            "status": "ok" if healthy else "degraded",
            "gateway": "ok",
            "services": statuses,
        }
        return JSONResponse(body, status_code=200 if healthy else 503)

    return router
