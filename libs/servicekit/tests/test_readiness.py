"""``/readyz`` answers 503 until the database is migrated to head."""

from __future__ import annotations

from pathlib import Path

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from servicekit.migrations import downgrade, upgrade
from tests.sample.app import ROOT, Settings, build


async def test_not_ready_until_migrated(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
    app = build(Settings(database_url=url, jwt_jwks_url=None))
    async with LifespanManager(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://t") as client:
            before = await client.get("/readyz")
            assert before.status_code == 503
            assert "migrations not at head" in before.json()["checks"]["database"]
            upgrade(ROOT, url)
            assert (await client.get("/readyz")).status_code == 200
            downgrade(ROOT, url)
            assert (await client.get("/readyz")).status_code == 503
