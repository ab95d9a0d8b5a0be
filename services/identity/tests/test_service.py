"""The service's plumbing: health, readiness, the OpenAPI document and the migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import create_engine, inspect

from identity.config import SERVICE_ROOT
from identity.models import metadata
from servicekit.db import sync_url
from servicekit.migrations import downgrade, upgrade
from servicekit.testing.databases import BACKENDS, temporary_database


async def test_health_and_readiness(client: AsyncClient):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"


async def test_openapi_documents_the_form_encoded_token_endpoint(client: AsyncClient):
    spec = (await client.get("/openapi.json")).json()
    token = spec["paths"]["/v1/token"]["post"]
    assert "application/x-www-form-urlencoded" in token["requestBody"]["content"]
    assert {"400", "401", "429"} <= set(token["responses"])
    for path in ("/v1/users", "/v1/me", "/v1/jwks.json", "/v1/logout", "/v1/internal/memberships"):
        assert path in spec["paths"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_upgrade_downgrade_and_match_the_models(backend: str, tmp_path: Path):
    with temporary_database(backend, "identity_mig", tmp_path) as url:
        upgrade(SERVICE_ROOT, url)
        engine = create_engine(sync_url(url))
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        engine.dispose()
        downgrade(SERVICE_ROOT, url)
        engine = create_engine(sync_url(url))
        assert set(metadata.tables).isdisjoint(inspect(engine).get_table_names())
        engine.dispose()
        upgrade(SERVICE_ROOT, url)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "ada@example.org\x00"),
        ("username", "ada@example.org\r\nX-Injected: 1"),
        ("password", "a long password\x00with a nul"),
        ("refresh_token", "abc\x00def"),
        ("client_id", "svc\x07"),
        ("scope", "catalogue:read\x00internal"),
    ],
)
async def test_control_characters_in_token_form_fields_are_invalid_request(
    client: AsyncClient, field: str, value: str
):
    grant = {
        "username": "password",
        "password": "password",
        "refresh_token": "refresh_token",
        "client_id": "client_credentials",
        "scope": "client_credentials",
    }[field]
    form = {"grant_type": grant, "username": "ada@example.org", "password": "x" * 12, field: value}
    response = await client.post("/v1/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_control_characters_in_a_new_password_are_refused(client: AsyncClient):
    response = await client.post(
        "/v1/users",
        json={"email": "ada@example.org", "display_name": "Ada", "password": "a long\tpassword!"},
    )
    assert response.status_code == 422
    assert "control characters" in response.text
