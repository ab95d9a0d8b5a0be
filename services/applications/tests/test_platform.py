"""The demo story across the real platform: identity, the catalogue and partnerships as their own
processes with their demo data, verifying identity's real tokens (JWKS); this service signing in
to them with client credentials. `applications seed` and `applications recover` run as the
commands they are.

The learner applies to a course and a bursary, provider staff make an offer and award the
bursary, and the sponsor's impact figures move by exactly that award. Then partnerships stops
between a reservation and its confirmation, and `applications recover` releases the hold.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from applications.config import SERVICE_ROOT, Settings
from applications.demo import DEMO_SCHEME, YORK_COLLEGE, YORKSHIRE_AND_HUMBER, demo_id
from applications.main import build_app
from servicekit.migrations import upgrade
from servicekit.testing.databases import BACKENDS, temporary_database
from tests.faults import FaultProxy
from tests.servers import BIN, ServiceProcess, ThreadServer, free_port

NORTHERN_BROADBAND = demo_id("employer", "northern-broadband")
LEARNER = ("learner@demo.example", "demo-learner-otter-2026")
PROVIDER_STAFF = ("provider@demo.example", "demo-provider-badger-2026")
EMPLOYER = ("employer@demo.example", "demo-employer-heron-2026")


class DemoPlatform:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.identity = ServiceProcess(
            "identity",
            {
                "IDENTITY_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'identity.db'}",
                "IDENTITY_LOG_LEVEL": "WARNING",
            },
        )
        jwks = f"{self.identity.url}/v1/jwks.json"
        self.catalogue = ServiceProcess(
            "catalogue",
            {
                "CATALOGUE_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'catalogue.db'}",
                "CATALOGUE_JWT_JWKS_URL": jwks,
                "CATALOGUE_LOG_LEVEL": "WARNING",
            },
        )
        self.partnerships = ServiceProcess(
            "partnerships",
            {
                "PARTNERSHIPS_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'partnerships.db'}",
                "PARTNERSHIPS_JWT_JWKS_URL": jwks,
                "PARTNERSHIPS_IDENTITY_URL": self.identity.url,
                "PARTNERSHIPS_LOG_LEVEL": "WARNING",
            },
        )
        self.proxy = FaultProxy(self.partnerships.url)
        self.proxy_server = ThreadServer(self.proxy)

    def start(self) -> None:
        for service in (self.identity, self.catalogue, self.partnerships):
            service.run("alembic", "upgrade", "head")
            service.run(service.name, "seed")
            service.start()
        self.proxy_server.start()

    def stop(self) -> None:
        self.proxy_server.stop()
        for service in (self.partnerships, self.catalogue, self.identity):
            service.stop()

    def env(self, database_url: str) -> dict[str, str]:
        return {
            **os.environ,
            "APPLICATIONS_DATABASE_URL": database_url,
            "APPLICATIONS_IDENTITY_URL": self.identity.url,
            "APPLICATIONS_CATALOGUE_URL": self.catalogue.url,
            "APPLICATIONS_PARTNERSHIPS_URL": self.partnerships.url,
            "APPLICATIONS_LOG_LEVEL": "WARNING",
        }

    def command(self, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "applications"), *args],
            cwd=SERVICE_ROOT,
            env=self.env(database_url),
            capture_output=True,
            text=True,
            timeout=180,
        )

    def sign_in(self, who: tuple[str, str]) -> dict[str, str]:
        response = httpx.post(
            f"{self.identity.url}/v1/token",
            data={"grant_type": "password", "username": who[0], "password": who[1]},
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def impact(self) -> dict[str, Any]:
        response = httpx.get(
            f"{self.partnerships.url}/v1/employers/{NORTHERN_BROADBAND}/impact",
            headers=self.sign_in(EMPLOYER),
        )
        assert response.status_code == 200, response.text
        return dict(response.json())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoPlatform]:
    platform = DemoPlatform(tmp_path_factory.mktemp("platform"))
    try:
        platform.start()
        yield platform
    finally:
        platform.stop()


@pytest.fixture(params=BACKENDS)
def demo_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with temporary_database(request.param, "applications_demo", tmp_path) as url:
        upgrade(SERVICE_ROOT, url)
        yield url


@pytest.fixture
async def service(demo: DemoPlatform, demo_database: str) -> AsyncIterator[AsyncClient]:
    """This service as deployed: identity's keys, client credentials, partnerships via a proxy."""
    settings = Settings(
        database_url=demo_database,
        jwt_jwks_url=f"{demo.identity.url}/v1/jwks.json",
        jwt_public_key_pem=None,
        identity_url=demo.identity.url,
        catalogue_url=demo.catalogue.url,
        partnerships_url=demo.proxy_server.url,
        recover_interval_seconds=0,
        breaker_reset_seconds=0.2,
    )
    app = build_app(settings)
    async with LifespanManager(app):
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
            yield client
    demo.proxy.clear()


def awarded(impact: dict[str, Any]) -> int:
    return int(impact["totals"]["awarded_pence"]) if impact["totals"] else 0


async def test_the_demo_story_with_the_real_platform(
    demo: DemoPlatform, demo_database: str, service: AsyncClient
):
    seeded = demo.command(demo_database, "seed")
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert "submitted" not in seeded.stderr
    again = demo.command(demo_database, "seed")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already there" in again.stdout

    learner = demo.sign_in(LEARNER)
    mine = (await service.get("/v1/applications", headers=learner)).json()
    [application] = mine["items"]
    assert (application["status"], application["provider_id"], application["institute_id"]) == (
        "submitted",
        str(YORK_COLLEGE),
        str(YORKSHIRE_AND_HUMBER),
    )
    [bursary] = (await service.get("/v1/bursary-applications", headers=learner)).json()["items"]
    assert (bursary["scheme_id"], bursary["status"]) == (str(DEMO_SCHEME), "eligible")

    # The learner applies to another course of the same college, and for its bursary too.
    courses = httpx.get(
        f"{demo.catalogue.url}/v1/courses",
        params={
            "provider": str(YORK_COLLEGE),
            "institute": str(YORKSHIRE_AND_HUMBER),
            "level": [4, 5],
        },
    ).json()["items"]
    intakes = [
        i
        for c in courses
        if c["id"] != application["course_id"]
        for i in httpx.get(f"{demo.catalogue.url}/v1/courses/{c['id']}/intakes").json()["items"]
        if i["is_open"]
    ]
    second = await service.post(
        "/v1/applications", json={"intake_id": intakes[0]["id"]}, headers=learner
    )
    assert second.status_code == 201, second.text
    second_bursary = await service.post(
        "/v1/bursary-applications",
        json={
            "application_id": second.json()["id"],
            "scheme_id": str(DEMO_SCHEME),
            "answers": {"household_income_pence": 1_900_000},
        },
        headers=learner,
    )
    assert second_bursary.status_code == 201, second_bursary.text
    assert second_bursary.json()["status"] == "eligible"

    # York College's staff make an offer and award the bursary.
    staff = demo.sign_in(PROVIDER_STAFF)
    url = f"/v1/applications/{application['id']}/transitions"
    assert (await service.post(url, json={"to": "under_review"}, headers=staff)).status_code == 200
    offer = await service.post(
        url, json={"to": "offer", "offer_type": "unconditional"}, headers=staff
    )
    assert offer.status_code == 200, offer.text
    before = awarded(demo.impact())
    made = await service.post(f"/v1/bursary-applications/{bursary['id']}/award", headers=staff)
    assert made.status_code == 200, made.text
    assert made.json()["awarded_pence"] == 150_000
    assert awarded(demo.impact()) == before + 150_000
    seen = await service.get(f"/v1/bursary-applications/{bursary['id']}", headers=learner)
    assert (seen.json()["status"], seen.json()["awarded_pence"]) == ("awarded", 150_000)

    # Partnerships stops between holding the second award and confirming it: staff get a 503.
    demo.proxy.after("POST", r"/reservations$", demo.partnerships.stop)
    try:
        failed = await service.post(
            f"/v1/bursary-applications/{second_bursary.json()['id']}/award", headers=staff
        )
        assert failed.status_code == 503
        assert failed.json()["dependency"] == "partnerships"
    finally:
        demo.partnerships.start()
    await asyncio.sleep(0.3)
    recovered = demo.command(demo_database, "recover", "--older-than", "0")
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    assert "completed 0, released 1, left 0" in recovered.stdout
    assert awarded(demo.impact()) == before + 150_000
    after = await service.get(
        f"/v1/bursary-applications/{second_bursary.json()['id']}", headers=learner
    )
    assert (after.json()["status"], after.json()["award_state"]) == ("eligible", "released")


def test_the_seed_starts_the_services_that_are_not_running(demo: DemoPlatform, tmp_path: Path):
    """Before `make run`, nothing answers: the seed starts identity and the catalogue itself
    (same installation, same settings), asks them, and stops them again."""
    database = f"sqlite+aiosqlite:///{tmp_path / 'applications.db'}"
    upgrade(SERVICE_ROOT, database)
    env = {
        **demo.env(database),
        "APPLICATIONS_IDENTITY_URL": f"http://127.0.0.1:{free_port()}",
        "APPLICATIONS_CATALOGUE_URL": f"http://127.0.0.1:{free_port()}",
        "IDENTITY_DATABASE_URL": demo.identity.env["IDENTITY_DATABASE_URL"],
        "CATALOGUE_DATABASE_URL": demo.catalogue.env["CATALOGUE_DATABASE_URL"],
        "CATALOGUE_JWT_JWKS_URL": f"{demo.identity.url}/v1/jwks.json",
    }
    seeded = subprocess.run(
        [str(BIN / "applications"), "seed"],
        cwd=SERVICE_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert "bursary application" in seeded.stdout
    assert "eligible (made)" in seeded.stdout


def test_the_seed_refuses_production(demo: DemoPlatform, tmp_path: Path):
    env = {
        **demo.env(f"sqlite+aiosqlite:///{tmp_path / 'applications.db'}"),
        "APPLICATIONS_ENVIRONMENT": "production",
        "APPLICATIONS_CLIENT_SECRET": "a-real-secret-from-identity",
    }
    refused = subprocess.run(
        [str(BIN / "applications"), "seed"],
        cwd=SERVICE_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2
    assert "never loaded in production" in refused.stdout
