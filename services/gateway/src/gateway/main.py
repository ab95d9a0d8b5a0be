"""The gateway's ASGI app: ``uvicorn gateway.main:app``.

Two stacks behind one dispatcher, so the hot path carries nothing it does not need:

- ``/api/<service>/...`` (the proxy): request id and metrics (the shared library's middleware),
  security headers, CORS, problem answers, the proxy. No framework routing on the way.
- everything else, a FastAPI app from the shared factory with the same middleware: ``/healthz``,
  ``/readyz``, ``/metrics``, ``/openapi.json``, ``/docs`` and the SPA. It also runs the lifespan,
  which opens the one upstream pool of the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.browser import ProblemCORSMiddleware, SecurityHeadersMiddleware
from gateway.config import SERVICE_ROOT, Settings
from gateway.docs import docs_assets, docs_router
from gateway.edge import EdgeVerifier
from gateway.health import health_router
from gateway.openapi import MergedOpenAPI
from gateway.proxy import Proxy, new_session
from gateway.ratelimit import RateLimiter, make_storage
from gateway.spa import SinglePageApp
from servicekit.app import create_app, token_verifier_for
from servicekit.errors import ProblemError, problem_response
from servicekit.health import ReadinessCheck
from servicekit.health import health_router as shared_health_router
from servicekit.observability import ObservabilityMiddleware


class ProblemBoundary:
    """Renders a problem raised before the answer started (what FastAPI does for the web stack)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except ProblemError as exc:
            response = problem_response(
                Request(scope),
                status=exc.status,
                code=exc.code,
                title=exc.title,
                detail=exc.detail,
                errors=exc.errors,
                headers=exc.headers,
                extra=exc.extra,
            )
            await response(scope, receive, send)


@dataclass(frozen=True)
class RouteLabel:
    """What metrics call a proxied request: ``/api/<service>``, never its raw path.

    The shared middleware reads the route from ``scope["route"]`` (as Starlette's router sets
    it); the gateway sets a label there for each proxied request.
    """

    path: str

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path: str = scope["path"]
        hit = path == self.path or path.startswith(self.path + "/")
        return (Match.FULL if hit else Match.NONE), {}


class Gateway:
    """The process's ASGI app: ``/api/`` to the proxy stack, everything else to the web app."""

    def __init__(self, web: FastAPI, api: ASGIApp, labels: dict[str, RouteLabel]) -> None:
        self.web = web
        self.api = api
        self.labels = labels
        self.unknown = RouteLabel("/api")

    @property
    def state(self) -> Any:
        return self.web.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"] if scope["type"] == "http" else ""
        if path.startswith("/api/"):
            service = path[5:].partition("/")[0]
            scope["route"] = self.labels.get(service, self.unknown)
            await self.api(scope, receive, send)
        else:
            await self.web(scope, receive, send)


def build_app(settings: Settings | None = None) -> Gateway:
    settings = settings or Settings()
    limiter = None
    if settings.rate_limit_enabled:
        limiter = RateLimiter(
            make_storage(settings.redis_url, settings.rate_limit_key_prefix),
            anonymous=settings.rate_limit_anonymous,
            authenticated=settings.rate_limit_authenticated,
            token=settings.rate_limit_token,
        )
    proxy = Proxy(settings, limiter, EdgeVerifier(token_verifier_for(settings)))
    merged = MergedOpenAPI(
        settings.services,
        ttl=settings.openapi_cache_seconds,
        timeout=settings.health_timeout_seconds,
    )

    async def open_pool(app: FastAPI) -> None:
        # One pool per process, made inside the server's event loop.
        app.state.upstream = proxy.session = new_session(settings)

    async def close_pool(app: FastAPI) -> None:
        await app.state.upstream.close()
        proxy.session = None

    readiness: dict[str, ReadinessCheck] = {}
    if limiter is not None:
        readiness["rate_limits"] = limiter.ready

    app = create_app(
        settings=settings,
        title="IoT platform: gateway",
        description="The platform's one front door. The API of every service is at "
        "`/openapi.json` and `/docs`.",
        version="1.0.0",
        service_root=SERVICE_ROOT,
        # The gateway's /healthz comes first, so it answers rather than the shared one.
        routers=[
            health_router(settings.services, settings.health_timeout_seconds),
            shared_health_router(),
            docs_router(merged),
        ],
        on_startup=[open_pool],
        on_shutdown=[close_pool],
        extra_readiness=readiness,
        database=False,
        health=False,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.mount("/docs/assets", docs_assets())
    app.mount("/", SinglePageApp(settings.spa_dir))
    # Inside the shared request-id/metrics middleware, so these answers carry the request id too.
    app.user_middleware.append(Middleware(SecurityHeadersMiddleware, settings=settings))
    app.user_middleware.append(Middleware(ProblemCORSMiddleware, origins=settings.cors_origins))

    labels = {name: RouteLabel(f"/api/{name}") for name in settings.services}
    api: ASGIApp = ProblemBoundary(proxy)
    api = ProblemCORSMiddleware(api, origins=settings.cors_origins)
    api = SecurityHeadersMiddleware(api, settings=settings)
    api = ObservabilityMiddleware(api, metrics=app.state.metrics)
    return Gateway(app, api, labels)


app = build_app()
