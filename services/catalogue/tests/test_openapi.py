from __future__ import annotations

from catalogue.config import SERVICE_ROOT, Settings
from catalogue.main import build_app
from servicekit.testing.openapi import check_committed


def test_committed_openapi_matches_the_code():
    app = build_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    check_committed(app, SERVICE_ROOT / "openapi.json")
    paths = app.openapi()["paths"]
    assert "/v1/courses" in paths
    assert "application/problem+json" in paths["/v1/courses"]["post"]["responses"]["422"]["content"]
