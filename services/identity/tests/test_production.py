"""The commands (seed, rotate-keys, create-admin) run as real processes, and what a
production start refuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from jose import jwt
from sqlalchemy import select

from identity.bootstrap import StartupRefused
from identity.demo import DEMO_ACCOUNTS, DEMO_SERVICE_CLIENTS
from identity.main import build_app
from identity.models import ApiClient, SigningKey, User
from tests.conftest import make_settings
from tests.helpers import count, sign_in, token

IDENTITY = str(Path(sys.executable).parent / "identity")
PASSPHRASE = "production key passphrase for tests"


def run(database_url: str, *args: str, stdin: str | None = None, **env: str):
    return subprocess.run(
        [IDENTITY, *args],
        env={**os.environ, "IDENTITY_DATABASE_URL": database_url, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_seed_is_idempotent_and_every_demo_account_signs_in(
    client: AsyncClient, app: FastAPI, database_url: str
):
    first = run(database_url, "seed")
    assert first.returncode == 0, first.stderr
    for account in DEMO_ACCOUNTS:
        assert account.email in first.stdout
        assert account.password in first.stdout
    second = run(database_url, "seed")
    assert second.returncode == 0, second.stderr
    assert await count(app, User) == len(DEMO_ACCOUNTS)
    assert await count(app, ApiClient) == len(DEMO_SERVICE_CLIENTS)
    roles = set()
    for account in DEMO_ACCOUNTS:
        tokens = await sign_in(client, account.email, account.password)
        claims = jwt.get_unverified_claims(tokens["access_token"])
        roles.update(claims["roles"])
        if account.org_id:
            assert claims["orgs"][0]["id"] == str(account.org_id)
    assert roles == {"learner", "employer", "provider_staff", "institute_admin", "network_admin"}
    svc = DEMO_SERVICE_CLIENTS[1]
    response = await token(
        client, grant_type="client_credentials", client_id=svc.client_id, client_secret=svc.secret
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "internal"


async def test_seed_refuses_in_production(client: AsyncClient, app: FastAPI, database_url: str):
    result = run(database_url, "seed", IDENTITY_ENVIRONMENT="production")
    assert result.returncode == 2
    assert "never" in result.stderr
    assert await count(app, User) == 0


async def test_rotate_keys_command(client: AsyncClient, app: FastAPI, database_url: str):
    async with app.state.database.sessionmaker() as session:
        before = set((await session.execute(select(SigningKey.kid))).scalars().all())
    result = run(database_url, "rotate-keys")
    assert result.returncode == 0, result.stderr
    new_kid = result.stdout.split()[3]
    jwks = (await client.get("/v1/jwks.json")).json()
    assert {k["kid"] for k in jwks["keys"]} == before | {new_kid}
    listed = run(database_url, "keys")
    assert f"{new_kid}  created" in listed.stdout
    assert "signing" in listed.stdout


async def test_production_start_refuses_demo_credentials(client: AsyncClient, database_url: str):
    assert run(database_url, "seed").returncode == 0
    production = build_app(
        make_settings(database_url, environment="production", key_passphrase=PASSPHRASE)
    )
    with pytest.raises(StartupRefused, match="demo credentials"):
        async with LifespanManager(production):
            pass


async def test_production_start_needs_a_key_passphrase(client: AsyncClient, database_url: str):
    production = build_app(make_settings(database_url, environment="production"))
    with pytest.raises(StartupRefused, match="IDENTITY_KEY_PASSPHRASE"):
        async with LifespanManager(production):
            pass


async def test_production_start_needs_a_first_admin(client: AsyncClient, database_url: str):
    production = build_app(
        make_settings(database_url, environment="production", key_passphrase=PASSPHRASE)
    )
    with pytest.raises(StartupRefused, match="no network admin"):
        async with LifespanManager(production):
            pass


async def test_production_takes_the_first_admin_from_the_environment(
    client: AsyncClient, app: FastAPI, database_url: str
):
    settings = make_settings(
        database_url,
        environment="production",
        key_passphrase=PASSPHRASE,
        bootstrap_admin_email="ops@iot-network.example.org",
        bootstrap_admin_password="a strong first admin passphrase",
    )
    production = build_app(settings)
    async with LifespanManager(production):
        async with AsyncClient(transport=ASGITransport(app=production), base_url="http://t") as c:
            tokens = await sign_in(
                c, "ops@iot-network.example.org", "a strong first admin passphrase"
            )
            me = await c.get(
                "/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
            )
            assert me.json()["user"]["roles"] == ["network_admin"]
    demo_password = build_app(
        make_settings(
            database_url,
            environment="production",
            key_passphrase=PASSPHRASE,
            bootstrap_admin_email="ops2@iot-network.example.org",
            bootstrap_admin_password=DEMO_ACCOUNTS[-1].password,
        )
    )
    with pytest.raises(StartupRefused, match="demo password"):
        async with LifespanManager(demo_password):
            pass


async def test_create_admin_command(client: AsyncClient, app: FastAPI, database_url: str):
    result = run(
        database_url,
        "create-admin",
        "--email",
        "Chief@Network.example.org",
        "--password-stdin",
        stdin="the chief admin passphrase\n",
    )
    assert result.returncode == 0, result.stderr
    tokens = await sign_in(client, "chief@network.example.org", "the chief admin passphrase")
    users = await client.get(
        "/v1/users", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert users.status_code == 200
    weak = run(
        database_url,
        "create-admin",
        "--email",
        "weak@x.org",
        "--password-stdin",
        stdin="password\n",
    )
    assert weak.returncode == 2
    assert "12 characters" in weak.stderr


async def test_create_service_client_command(client: AsyncClient, database_url: str):
    result = run(database_url, "create-service-client", "partnerships")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(maxsplit=1) for line in result.stdout.splitlines()[:2])
    response = await token(
        client,
        grant_type="client_credentials",
        client_id=lines["client_id"],
        client_secret=lines["client_secret"],
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "internal"
