"""The app factory: each service's ``main.py`` is a few lines because of it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import IntegrityError

from servicekit.auth import TokenVerifier
from servicekit.db import Database
from servicekit.errors import PROBLEM_JSON, Problem, install_problem_handlers, problem_response
from servicekit.health import ReadinessCheck, database_check, health_router
from servicekit.logs import configure_logging
from servicekit.observability import Metrics, ObservabilityMiddleware
from servicekit.settings import ServiceSettings

logger = logging.getLogger("servicekit.app")

Hook = Callable[[FastAPI], Awaitable[None]]


def operation_id(route: APIRoute) -> str:
    """``<tag>-<function>``, so generated clients read ``courses-list_courses``."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def token_verifier_for(settings: ServiceSettings) -> TokenVerifier | None:
    if not settings.jwt_jwks_url and not settings.jwt_public_key_pem:
        return None
    return TokenVerifier(
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        public_key_pem=settings.jwt_public_key_pem,
        jwks_url=settings.jwt_jwks_url,
        leeway=settings.jwt_leeway_seconds,
    )


async def _integrity_conflict(request: Request, exc: Exception) -> JSONResponse:
    # Services check uniqueness themselves and name the field; this is the race-condition backstop.
    logger.warning("integrity error turned into 409: %s", exc)
    return problem_response(
        request,
        status=409,
        code="conflict",
        title="Conflict",
        detail="The change conflicts with data stored meanwhile (a duplicate or a missing "
        "reference). Reload and try again.",
    )


def _document_problems(app: FastAPI) -> None:
    """Every error is ``application/problem+json``: put ``Problem`` in the components and use it for
    validation errors too, instead of FastAPI's default ``HTTPValidationError`` shape."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                response = operation.get("responses", {}).get("422")
                if response and "application/json" in response.get("content", {}):
                    response["content"] = {
                        PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(
    *,
    settings: ServiceSettings,
    title: str,
    description: str,
    version: str,
    service_root: Path,
    routers: Sequence[APIRouter],
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    extra_readiness: dict[str, ReadinessCheck] | None = None,
    openapi_tags: list[dict[str, str]] | None = None,
    database: bool = True,
    health: bool = True,
    **fastapi_options: Any,
) -> FastAPI:
    """The service's FastAPI app with the platform's plumbing.

    ``database=False`` is for a service without a database of its own (the gateway): no engine is
    made and ``/readyz`` runs only ``extra_readiness``. ``health=False`` leaves out ``/healthz``,
    ``/readyz`` and ``/metrics`` so the caller can mount its own (``servicekit.health`` has the
    parts). ``fastapi_options`` go to ``FastAPI(...)``, e.g. ``openapi_url=None``.
    """
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url) if database else None
        app.state.database = db
        checks: dict[str, ReadinessCheck] = {}
        if db is not None:
            checks["database"] = database_check(db, service_root)
        app.state.readiness_checks = {**checks, **(extra_readiness or {})}
        for hook in on_startup:
            await hook(app)
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook(app)
            if db is not None:
                await db.dispose()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        openapi_tags=openapi_tags,
        **fastapi_options,
    )
    _document_problems(app)
    app.state.settings = settings
    app.state.token_verifier = token_verifier_for(settings)
    app.state.metrics = Metrics(settings.service_name)
    install_problem_handlers(app)
    app.add_exception_handler(IntegrityError, _integrity_conflict)
    if health:
        app.include_router(health_router())
    for router in routers:
        app.include_router(router)
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)
    return app
