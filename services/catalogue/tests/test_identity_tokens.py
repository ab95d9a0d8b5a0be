"""The catalogue verifies real tokens from the identity service.

Identity runs as a real process (migrated, seeded, under uvicorn on a free port); the catalogue
app verifies tokens against its JWKS over HTTP. Nothing of identity is imported here.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from catalogue.config import Settings
from catalogue.main import build_app

BIN = Path(sys.executable).parent
IDENTITY_ROOT = Path(__file__).resolve().parents[2] / "identity"
ADMIN = ("admin@demo.example", "demo-network-puffin-2026")  # identity's demo seed
PASSWORD = "a long walk along the humber"
IDENTITY_ENV: dict[str, dict[str, str]] = {}  # the running identity's environment, by its URL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def identity_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("identity") / "identity.db"
    env = {**os.environ, "IDENTITY_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    for command in ([str(BIN / "alembic"), "upgrade", "head"], [str(BIN / "identity"), "seed"]):
        subprocess.run(command, cwd=IDENTITY_ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "uvicorn"), "identity.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=IDENTITY_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    IDENTITY_ENV[url] = env
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the identity service did not start")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
async def catalogue(
    database_url: str, identity_url: str, client: AsyncClient
) -> AsyncIterator[AsyncClient]:
    """The catalogue verifying against identity's JWKS (``client`` empties the tables after)."""
    settings = Settings(
        database_url=database_url,
        jwt_jwks_url=f"{identity_url}/v1/jwks.json",
        jwt_public_key_pem=None,
        environment="test",
    )
    app: FastAPI = build_app(settings)
    async with LifespanManager(app):
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c:
            yield c


async def identity_token(identity_url: str, email: str, password: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=identity_url) as c:
        response = await c.post(
            "/v1/token", data={"grant_type": "password", "username": email, "password": password}
        )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def created(c: AsyncClient, url: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    response = await c.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def provider_world(c: AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    n = uuid.uuid4().hex[:6]
    region = await created(
        c,
        "/v1/regions",
        admin,
        {"code": f"R{n[:4].upper()}", "name": f"Region {n}", "slug": f"r-{n}"},
    )
    sector = await created(
        c, "/v1/sectors", admin, {"slug": f"digital-{n}", "name": f"Digital {n}"}
    )
    institute = await created(
        c,
        "/v1/institutes",
        admin,
        {"name": f"IoT {n}", "slug": f"iot-{n}", "region_id": region["id"]},
    )
    providers = [
        await created(
            c,
            "/v1/providers",
            admin,
            {
                "name": f"College {n} {i}",
                "ukprn": f"1{uuid.uuid4().int % 10_000_000:07d}",
                "type": "fe_college",
                "institute_ids": [institute["id"]],
            },
        )
        for i in range(2)
    ]
    return {"sector": sector, "institute": institute, "providers": providers}


def course(world: dict[str, Any], provider: dict[str, Any], title: str) -> dict[str, Any]:
    return {
        "title": title,
        "sector_id": world["sector"]["id"],
        "level": 4,
        "qualification": "hnc",
        "delivery_mode": "in_person",
        "study_mode": "part_time",
        "duration_months": 24,
        "fee_pence": 650000,
        "institute_id": world["institute"]["id"],
        "provider_id": provider["id"],
        "status": "published",
    }


async def staff_of(identity_url: str, admin: dict[str, str], provider: dict[str, Any]) -> dict:
    email = f"staff-{uuid.uuid4().hex[:8]}@example.org"
    async with httpx.AsyncClient(base_url=identity_url) as c:
        response = await c.post(
            "/v1/accounts",
            json={
                "email": email,
                "display_name": "Provider staff",
                "password": PASSWORD,
                "organisation": {
                    "id": provider["id"],
                    "type": "provider",
                    "name": provider["name"],
                },
                "role": "member",
            },
            headers=admin,
        )
    assert response.status_code == 201, response.text
    return await identity_token(identity_url, email, PASSWORD)


async def learner_of(identity_url: str) -> dict[str, str]:
    email = f"learner-{uuid.uuid4().hex[:8]}@example.org"
    async with httpx.AsyncClient(base_url=identity_url) as c:
        response = await c.post(
            "/v1/users", json={"email": email, "display_name": "Learner", "password": PASSWORD}
        )
    assert response.status_code == 201, response.text
    return await identity_token(identity_url, email, PASSWORD)


async def test_learner_token_reads_but_cannot_write(catalogue: AsyncClient, identity_url: str):
    admin = await identity_token(identity_url, *ADMIN)
    world = await provider_world(catalogue, admin)
    staff = await staff_of(identity_url, admin, world["providers"][0])
    published = await created(
        catalogue, "/v1/courses", staff, course(world, world["providers"][0], "HNC Cyber Security")
    )
    learner = await learner_of(identity_url)
    listed = await catalogue.get("/v1/courses", headers=learner)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["items"]] == [published["id"]]
    assert (
        await catalogue.get(f"/v1/courses/{published['id']}", headers=learner)
    ).status_code == 200
    write = await catalogue.post(
        "/v1/courses", json=course(world, world["providers"][0], "Learner course"), headers=learner
    )
    assert write.status_code == 403
    edit = await catalogue.patch(
        f"/v1/courses/{published['id']}", json={"title": "Hijacked"}, headers=learner
    )
    assert edit.status_code == 403
    assert (await catalogue.get("/v1/courses")).json()["total"] == 1


async def test_provider_staff_token_writes_its_own_providers_courses_only(
    catalogue: AsyncClient, identity_url: str
):
    admin = await identity_token(identity_url, *ADMIN)
    world = await provider_world(catalogue, admin)
    own, other = world["providers"]
    staff = await staff_of(identity_url, admin, own)
    mine = await created(catalogue, "/v1/courses", staff, course(world, own, "HND Engineering"))
    renamed = await catalogue.patch(
        f"/v1/courses/{mine['id']}", json={"title": "HND General Engineering"}, headers=staff
    )
    assert renamed.status_code == 200
    elsewhere = await catalogue.post(
        "/v1/courses", json=course(world, other, "Not my college's course"), headers=staff
    )
    assert elsewhere.status_code == 403
    others_staff = await staff_of(identity_url, admin, other)
    theirs = await created(
        catalogue, "/v1/courses", others_staff, course(world, other, "Their course")
    )
    hijack = await catalogue.patch(
        f"/v1/courses/{theirs['id']}", json={"title": "Hijacked"}, headers=staff
    )
    assert hijack.status_code == 403
    assert (await catalogue.get(f"/v1/courses/{theirs['id']}")).json()["title"] == "Their course"


async def test_tokens_from_a_rotated_key_are_accepted(catalogue: AsyncClient, identity_url: str):
    """After `identity rotate-keys`, tokens of the old key keep working (it stays published)
    and tokens of the new key are accepted once the catalogue refetches the JWKS on their
    unknown kid (at most once per 10 seconds)."""
    admin = await identity_token(identity_url, *ADMIN)
    world = await provider_world(catalogue, admin)
    old_staff = await staff_of(identity_url, admin, world["providers"][0])
    subprocess.run(
        [str(BIN / "identity"), "rotate-keys"],
        env=IDENTITY_ENV[identity_url],
        check=True,
        capture_output=True,
    )
    new_admin = await identity_token(identity_url, *ADMIN)
    await created(
        catalogue, "/v1/courses", old_staff, course(world, world["providers"][0], "Old key course")
    )
    deadline = time.monotonic() + 30
    while True:
        response = await catalogue.get("/v1/courses", headers=new_admin)
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    assert response.status_code == 200, response.text
