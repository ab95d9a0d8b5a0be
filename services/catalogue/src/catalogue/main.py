"""The catalogue service's ASGI app: ``uvicorn catalogue.main:app``."""

from __future__ import annotations

from fastapi import FastAPI

from catalogue.api import routers
from catalogue.config import SERVICE_ROOT, Settings
from servicekit.app import create_app


def build_app(settings: Settings | None = None) -> FastAPI:
    return create_app(
        settings=settings or Settings(),
        title="IoT platform: catalogue",
        description="Institutes of Technology, their providers, campuses, courses and intakes. "
        "Reads of published data are public; writes need a staff token. Lists page with "
        "`limit` (1-100, default 20) and `offset`, and answer `items`, `total`, `limit`, `offset`. "
        "Errors are RFC 9457 `application/problem+json`.",
        version="1.0.0",
        service_root=SERVICE_ROOT,
        routers=routers,
    )


app = build_app()
