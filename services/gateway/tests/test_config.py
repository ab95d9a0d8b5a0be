"""The gateway's settings: which services it routes, and where it finds identity's keys."""

from __future__ import annotations

import pytest

from gateway.config import Settings


def test_every_service_is_routed_by_default_on_the_platform_ports() -> None:
    assert Settings().services == {
        "catalogue": "http://127.0.0.1:8001",
        "partnerships": "http://127.0.0.1:8002",
        "applications": "http://127.0.0.1:8003",
        "identity": "http://127.0.0.1:8004",
    }


def test_an_empty_url_switches_a_service_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_PARTNERSHIPS_URL", "")
    monkeypatch.setenv("GATEWAY_CATALOGUE_URL", "http://catalogue:8001/")
    services = Settings().services
    assert "partnerships" not in services
    assert services["catalogue"] == "http://catalogue:8001"


def test_the_jwks_is_identitys_wherever_identity_is(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().jwt_jwks_url == "http://127.0.0.1:8004/v1/jwks.json"
    monkeypatch.setenv("GATEWAY_IDENTITY_URL", "http://identity:8004")
    assert Settings().jwt_jwks_url == "http://identity:8004/v1/jwks.json"
    monkeypatch.setenv("GATEWAY_JWT_JWKS_URL", "https://idp.example/jwks")
    assert Settings().jwt_jwks_url == "https://idp.example/jwks"
