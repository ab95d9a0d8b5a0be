"""The partnerships service's ASGI app: ``uvicorn partnerships.main:app``."""

from __future__ import annotations

from fastapi import FastAPI

from partnerships.api import routers
from partnerships.config import SERVICE_ROOT, Settings
from partnerships.database_errors import install_database_error_handlers, set_sqlite_busy_timeout
from partnerships.identity import close_clients, start_clients
from partnerships.sweeper import start_sweeper, stop_sweeper
from servicekit.app import create_app

TAGS = [
    {"name": "employers", "description": "Employer sign-up, verification and profiles"},
    {"name": "impact", "description": "What an employer's funding achieved (aggregates only)"},
    {"name": "partnerships", "description": "Partnerships between employers and institutes"},
    {"name": "funds", "description": "Sponsorship funds and their append-only ledger"},
    {"name": "bursary-schemes", "description": "Bursary schemes and eligibility rules"},
    {"name": "reservations", "description": "Bursary awards, for platform services only"},
    {"name": "outreach-events", "description": "Outreach events and school registrations"},
    {"name": "opportunities", "description": "Placements, work experience, vacancies, projects"},
]


def build_app(settings: Settings | None = None) -> FastAPI:
    app = create_app(
        settings=settings or Settings(),
        title="IoT platform: partnerships",
        description="Employers and their partnerships with Institutes of Technology: sponsorship "
        "funds (integer pence, an append-only ledger, never overspent), bursary schemes with "
        "eligibility rules and reservations, outreach events with school registrations, "
        "opportunities and impact. Lists page with `limit` (1-100, default 20) and `offset`, and "
        "answer `items`, `total`, `limit`, `offset`. Money movements and reservations accept an "
        "`Idempotency-Key`. Errors are RFC 9457 `application/problem+json`.",
        version="1.0.0",
        service_root=SERVICE_ROOT,
        routers=routers,
        on_startup=[set_sqlite_busy_timeout, start_clients, start_sweeper],
        on_shutdown=[stop_sweeper, close_clients],
        openapi_tags=TAGS,
    )
    install_database_error_handlers(app)
    return app


app = build_app()
