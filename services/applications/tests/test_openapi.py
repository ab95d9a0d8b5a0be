from __future__ import annotations

from applications.config import SERVICE_ROOT, Settings
from applications.main import build_app
from servicekit.testing.openapi import check_committed


def test_committed_openapi_matches_the_code():
    app = build_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    check_committed(app, SERVICE_ROOT / "openapi.json")
    paths = app.openapi()["paths"]
    assert "/v1/applications/changes" in paths
    transitions = paths["/v1/applications/{application_id}/transitions"]["post"]["responses"]
    assert "application/problem+json" in transitions["409"]["content"]
    assert "503" in paths["/v1/applications"]["post"]["responses"]
