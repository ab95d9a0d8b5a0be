"""The identity service's ASGI app: ``uvicorn identity.main:app --port 8004``."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import Counter

from identity.api import routers
from identity.bootstrap import startup
from identity.config import SERVICE_ROOT, Settings
from identity.limits import BodyLimit
from identity.security import Passwords
from identity.throttle import LoginThrottler
from servicekit.app import create_app


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_app(
        settings=settings,
        title="IoT platform: identity",
        description="Accounts, organisations and roles, OAuth2 tokens and API clients. "
        "`POST /v1/token` (form-encoded) issues RS256 access tokens (15 minutes) verifiable "
        "with the keys at `/v1/jwks.json`, and rotating refresh tokens. Errors are RFC 9457 "
        "`application/problem+json`; token errors also carry RFC 6749's `error`.",
        version="1.0.0",
        service_root=SERVICE_ROOT,
        routers=routers,
        on_startup=[startup],
    )
    verifications = Counter(
        "identity_password_verifications_total",
        "argon2id verifications (sign-ins verify once, also for unknown accounts)",
        registry=app.state.metrics.registry,
    )
    app.state.passwords = Passwords(
        memory_kib=settings.argon2_memory_kib,
        time_cost=settings.argon2_time_cost,
        parallelism=settings.argon2_parallelism,
        on_verify=verifications.inc,
    )
    app.state.throttler = LoginThrottler(settings)
    app.add_middleware(BodyLimit)
    return app


app = build_app()
