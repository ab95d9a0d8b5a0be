from __future__ import annotations

from identity.config import SERVICE_ROOT, Settings
from identity.main import build_app
from servicekit.testing.openapi import check_committed


def test_committed_openapi_matches_the_code():
    app = build_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    check_committed(app, SERVICE_ROOT / "openapi.json")
    paths = app.openapi()["paths"]
    for path in ("/v1/token", "/v1/jwks.json", "/v1/users", "/v1/me", "/v1/organisations"):
        assert path in paths
    register = paths["/v1/users"]["post"]["responses"]
    assert "application/problem+json" in register["409"]["content"]
    assert "application/problem+json" in register["422"]["content"]
    token = paths["/v1/token"]["post"]
    assert "application/x-www-form-urlencoded" in token["requestBody"]["content"]
