from __future__ import annotations

from partnerships.config import SERVICE_ROOT, Settings
from partnerships.main import build_app
from servicekit.testing.openapi import check_committed


def test_committed_openapi_matches_the_code():
    app = build_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    check_committed(app, SERVICE_ROOT / "openapi.json")
    paths = app.openapi()["paths"]
    for path in (
        "/v1/employers",
        "/v1/partnerships",
        "/v1/funds",
        "/v1/bursary-schemes",
        "/v1/outreach-events",
        "/v1/opportunities",
    ):
        assert path in paths
    reserve = paths["/v1/bursary-schemes/{scheme_id}/reservations"]["post"]
    assert "application/problem+json" in reserve["responses"]["409"]["content"]
    assert "application/problem+json" in reserve["responses"]["422"]["content"]
    header = [p for p in reserve["parameters"] if p["in"] == "header"]
    assert header[0]["name"] == "Idempotency-Key"
