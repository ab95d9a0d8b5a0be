"""The applications service's ASGI app: ``uvicorn applications.main:app``."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from applications.api import routers
from applications.bursary.award import Awarder
from applications.config import SERVICE_ROOT, Settings
from applications.database import install_database_error_handlers
from applications.dependencies import Dependencies
from servicekit.app import create_app
from servicekit.http import TokenProvider

logger = logging.getLogger("applications.main")


async def _recover_forever(app: FastAPI, settings: Settings) -> None:
    """Settle awards left in flight (see ``bursary/award.py``), every so often."""
    while True:
        await asyncio.sleep(settings.recover_interval_seconds)
        deps: Dependencies = app.state.dependencies
        try:
            await Awarder(app.state.database, deps.partnerships, settings).recover(
                settings.award_stale_seconds
            )
        except Exception:  # keep sweeping: the next round may find the database back
            logger.exception("award recovery failed")


def build_app(
    settings: Settings | None = None, token_provider: TokenProvider | None = None
) -> FastAPI:
    """The app; ``token_provider`` replaces identity's client credentials (tests)."""
    settings = settings or Settings()

    async def start(app: FastAPI) -> None:
        app.state.dependencies = Dependencies.create(settings, token_provider)
        app.state.recovery = (
            asyncio.create_task(_recover_forever(app, settings))
            if settings.recover_interval_seconds > 0
            else None
        )

    async def stop(app: FastAPI) -> None:
        task: asyncio.Task[None] | None = app.state.recovery
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await app.state.dependencies.close()

    app = create_app(
        settings=settings,
        title="IoT platform: applications",
        description="Learner profiles, course applications and their status history, bursary "
        "applications and awards, and a changes feed for integrators. Learners see only their "
        "own; provider staff only their providers'. Lists page with `limit` (1-100, default 20) "
        "and `offset`. Errors are RFC 9457 `application/problem+json`; a dependency that is down "
        "or slow answers 503 naming it.",
        version="1.0.0",
        service_root=SERVICE_ROOT,
        routers=routers,
        on_startup=[start],
        on_shutdown=[stop],
    )
    install_database_error_handlers(app)
    return app


app = build_app()
