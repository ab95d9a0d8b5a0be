"""``create_app`` options for services without a database or with health endpoints of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar

import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI
from httpx import ASGITransport, AsyncClient

from servicekit.app import create_app
from servicekit.settings import ServiceSettings, service_config


class NoDatabaseSettings(ServiceSettings):
    service_name: ClassVar[str] = "nodb"
    model_config = service_config("NODB_")


def build(tmp_path: Path, **options: object) -> FastAPI:
    # A URL nobody can open: the app must never try to.
    settings = NoDatabaseSettings(
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", data_dir=tmp_path
    )
    return create_app(
        settings=settings,
        title="no database",
        description="a service without a database",
        version="1.0.0",
        service_root=tmp_path,
        routers=[],
        **options,  # type: ignore[arg-type]
    )


async def serve(app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with LifespanManager(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.fixture
async def ready_without_database(tmp_path: Path) -> AsyncIterator[AsyncClient]:
    async def upstream_ok() -> str | None:
        return None

    app = build(tmp_path, database=False, extra_readiness={"upstream": upstream_ok})
    async for client in serve(app):
        assert app.state.database is None
        yield client


async def test_without_database_readyz_runs_only_the_extra_checks(
    ready_without_database: AsyncClient,
) -> None:
    response = await ready_without_database.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"upstream": "ok"}}


async def test_without_database_a_failing_extra_check_is_not_ready(tmp_path: Path) -> None:
    async def upstream_down() -> str | None:
        return "upstream refused the connection"

    app = build(tmp_path, database=False, extra_readiness={"upstream": upstream_down})
    async for client in serve(app):
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"] == {"upstream": "upstream refused the connection"}


async def test_the_default_still_checks_the_database(tmp_path: Path) -> None:
    (tmp_path / "migrations" / "versions").mkdir(parents=True)  # an empty migration history
    app = build(tmp_path)
    async for client in serve(app):
        assert app.state.database is not None
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["database"].startswith("database not answering")


async def test_health_false_leaves_the_health_endpoints_to_the_caller(tmp_path: Path) -> None:
    router = APIRouter()

    @router.get("/healthz")
    async def own_healthz() -> dict[str, str]:
        return {"status": "mine"}

    settings = NoDatabaseSettings(database_url="sqlite+aiosqlite:///unused.db", data_dir=tmp_path)
    app = create_app(
        settings=settings,
        title="own health",
        description="health endpoints of its own",
        version="1.0.0",
        service_root=tmp_path,
        routers=[router],
        database=False,
        health=False,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    async for client in serve(app):
        assert (await client.get("/healthz")).json() == {"status": "mine"}
        assert (await client.get("/readyz")).status_code == 404
        assert (await client.get("/metrics")).status_code == 404
        # FastAPI's own schema and docs routes are gone, so the caller may serve others there.
        missing = await client.get("/openapi.json")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert (await client.get("/docs")).status_code == 404
