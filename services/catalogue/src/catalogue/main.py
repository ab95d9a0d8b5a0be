"""The catalogue service's ASGI app: ``uvicorn catalogue.main:app``."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from catalogue.api import routers
from catalogue.config import SERVICE_ROOT, Settings
from catalogue.search.service import CatchUpAfterWrites, SearchService
from servicekit.app import create_app


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    search = SearchService(
        poll_seconds=settings.search_poll_seconds,
        retention=timedelta(hours=settings.search_change_retention_hours),
    )
    app = create_app(
        settings=settings,
        title="IoT platform: catalogue",
        description="Institutes of Technology, their providers, campuses, courses and intakes. "
        "Reads of published data are public; writes need a staff token. Lists page with "
        "`limit` (1-100, default 20) and `offset`, and answer `items`, `total`, `limit`, `offset`. "
        "Errors are RFC 9457 `application/problem+json`.",
        version="1.0.0",
        service_root=SERVICE_ROOT,
        routers=routers,
        on_startup=[search.start],
        on_shutdown=[search.stop],
        extra_readiness={"search": search.readiness},
    )
    app.state.search = search
    app.add_middleware(CatchUpAfterWrites, search=search)
    return app


app = build_app()
