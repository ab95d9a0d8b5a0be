"""``applications seed``: the demo learner's profile, a submitted application to a Yorkshire and
Humber Institute of Technology course at York College, and a bursary application to Northern
Broadband's bursary for it.

The learner's id is identity's (looked up by signing in as the demo learner), the intake is the
catalogue's and the bursary's verdict is partnerships': the seed asks each service over HTTP, as
the running service would. When a service is not running, the seed starts it for as long as it
needs it (from the same installation, with the same settings), so ``make seed`` works before
``make run``. Re-running it changes nothing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from applications.config import Settings
from applications.database import next_change_seq, upsert_intake
from applications.demo import (
    DEMO_ANSWERS,
    DEMO_LEARNER_EMAIL,
    DEMO_LEARNER_PASSWORD,
    DEMO_PROFILE,
    DEMO_SCHEME,
    DEMO_STATEMENT,
    SCHEME_LEVELS,
    SCHEME_SECTORS,
    YORK_COLLEGE,
    YORKSHIRE_AND_HUMBER,
    demo_id,
)
from applications.learner.service import profile_answers
from applications.models import Application, BursaryApplication, LearnerProfile, StatusChange
from applications.vocab import Actor, ApplicationStatus, BursaryStatus
from servicekit.db import Database, utcnow

TIMEOUT = 10.0


class SeedError(Exception):
    """The demo data cannot be made; the message says why."""


@dataclass
class SeedReport:
    learner_id: uuid.UUID
    application_id: uuid.UUID
    course_title: str
    start_date: date
    created_application: bool
    bursary_id: uuid.UUID | None = None
    bursary_status: str | None = None
    created_bursary: bool = False
    note: str | None = None


def _answers(url: str) -> bool:
    """Ready to serve (migrated, and for the catalogue its search index built), not merely up."""
    try:
        return httpx.get(f"{url}/readyz", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(name: str, url: str) -> Iterator[str]:
    """The service's URL: the configured one when it answers, else a temporary instance."""
    if _answers(url):
        yield url
        return
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            f"{name}.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    local = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(local):
            if process.poll() is not None:
                error = (process.stderr.read() if process.stderr else b"").decode()[-500:]
                raise SeedError(f"{name} is not running at {url} and could not start: {error}")
            if time.monotonic() > deadline:
                raise SeedError(f"{name} is not running at {url} and did not start in time")
            time.sleep(0.2)
        yield local
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def demo_learner_id(identity_url: str) -> uuid.UUID:
    with httpx.Client(base_url=identity_url, timeout=TIMEOUT) as client:
        token = client.post(
            "/v1/token",
            data={
                "grant_type": "password",
                "username": DEMO_LEARNER_EMAIL,
                "password": DEMO_LEARNER_PASSWORD,
            },
        )
        if token.status_code != 200:
            raise SeedError(
                f"identity refused the demo learner's sign-in ({token.status_code}): run "
                "`identity seed` first"
            )
        me = client.get(
            "/v1/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
        )
        me.raise_for_status()
        return uuid.UUID(me.json()["user"]["id"])


def demo_intake(catalogue_url: str) -> dict[str, Any]:
    """The earliest open intake of a York College course in the Yorkshire and Humber IoT that the
    demo bursary is for (digital courses first)."""
    with httpx.Client(base_url=catalogue_url, timeout=TIMEOUT) as client:
        courses = client.get(
            "/v1/courses",
            params=[
                ("institute", str(YORKSHIRE_AND_HUMBER)),
                ("provider", str(YORK_COLLEGE)),
                *[("level", str(level)) for level in SCHEME_LEVELS],
                *[("sector", sector) for sector in SCHEME_SECTORS],
                ("limit", "100"),
            ],
        )
        courses.raise_for_status()
        sectors = {
            s["id"]: s["slug"]
            for s in client.get("/v1/sectors", params={"limit": 100}).json().get("items", [])
        }
        ranked = sorted(
            courses.json()["items"],
            key=lambda c: (sectors.get(c["sector_id"]) != "digital", c["title"]),
        )
        for course in ranked:
            intakes = client.get(f"/v1/courses/{course['id']}/intakes", params={"limit": 100})
            intakes.raise_for_status()
            for intake in sorted(intakes.json()["items"], key=lambda i: i["start_date"]):
                if intake["is_open"]:
                    detail = client.get(f"/v1/intakes/{intake['id']}")
                    detail.raise_for_status()
                    return dict(detail.json())
    raise SeedError(
        "the catalogue has no open intake of a York College course in the Yorkshire and Humber "
        "Institute of Technology: run `catalogue seed` first"
    )


def demo_verdict(
    partnerships_url: str, answers: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    with httpx.Client(base_url=partnerships_url, timeout=TIMEOUT) as client:
        scheme = client.get(f"/v1/bursary-schemes/{DEMO_SCHEME}")
        if scheme.status_code != 200:
            raise SeedError(
                f"partnerships has no demo bursary scheme ({scheme.status_code}): run "
                "`partnerships seed` first"
            )
        verdict = client.post(
            f"/v1/bursary-schemes/{DEMO_SCHEME}/eligibility", json={"answers": answers}
        )
        verdict.raise_for_status()
        return dict(scheme.json()), dict(verdict.json())


async def store(
    database_url: str,
    learner: uuid.UUID,
    intake: dict[str, Any],
    verdict: tuple[dict[str, Any], dict[str, Any]] | None,
) -> SeedReport:
    database = Database(database_url)
    try:
        async with database.sessionmaker() as session:
            report = await _store(session, learner, intake, verdict)
            await session.commit()
            return report
    finally:
        await database.dispose()


async def _store(
    session: Any,
    learner: uuid.UUID,
    intake: dict[str, Any],
    verdict: tuple[dict[str, Any], dict[str, Any]] | None,
) -> SeedReport:
    now = utcnow()
    profile = await session.get(LearnerProfile, learner)
    if profile is None:
        profile = LearnerProfile(learner_id=learner, created_at=now, updated_at=now, **DEMO_PROFILE)
        session.add(profile)
        await session.flush()
    application_id = demo_id("application", f"{learner}:demo")
    application = await session.get(Application, application_id)
    created = application is None
    if application is None:
        start = date.fromisoformat(intake["start_date"])
        await upsert_intake(
            session,
            {
                "id": uuid.UUID(intake["id"]),
                "course_id": uuid.UUID(intake["course_id"]),
                "provider_id": uuid.UUID(intake["provider_id"]),
                "institute_id": uuid.UUID(intake["institute_id"]),
                "course_title": intake["course_title"],
                "start_date": start,
                "application_deadline": date.fromisoformat(intake["application_deadline"]),
                "capacity": intake["capacity"],
                "refreshed_at": now,
            },
        )
        existing = (
            await session.execute(
                select(Application).where(
                    col(Application.learner_id) == learner,
                    col(Application.active_intake_id) == uuid.UUID(intake["id"]),
                )
            )
        ).scalar_one_or_none()
        if existing is not None:
            raise SeedError(
                f"the demo learner already has an active application to that intake "
                f"({existing.id}); nothing changed"
            )
        application = Application(
            id=application_id,
            learner_id=learner,
            intake_id=uuid.UUID(intake["id"]),
            active_intake_id=uuid.UUID(intake["id"]),
            course_id=uuid.UUID(intake["course_id"]),
            provider_id=uuid.UUID(intake["provider_id"]),
            institute_id=uuid.UUID(intake["institute_id"]),
            course_title=intake["course_title"],
            start_date=start,
            status=ApplicationStatus.submitted.value,
            personal_statement=DEMO_STATEMENT,
            change_seq=await next_change_seq(session),
            submitted_at=now,
            created_at=now,
            updated_at=now,
        )
        session.add(application)
        for frm, to in (
            (None, ApplicationStatus.draft),
            (ApplicationStatus.draft, ApplicationStatus.submitted),
        ):
            session.add(
                StatusChange(
                    application_id=application_id,
                    from_status=frm.value if frm else None,
                    to_status=to.value,
                    actor=Actor.learner.value,
                    actor_id=str(learner),
                    at=now,
                )
            )
        await session.flush()
    report = SeedReport(
        learner_id=learner,
        application_id=application.id,
        course_title=application.course_title,
        start_date=application.start_date,
        created_application=created,
    )
    if verdict is None:
        report.note = "partnerships is not available: no bursary application was made"
        return report
    scheme, result = verdict
    bursary = (
        await session.execute(
            select(BursaryApplication).where(
                col(BursaryApplication.application_id) == application.id,
                col(BursaryApplication.scheme_id) == uuid.UUID(scheme["id"]),
            )
        )
    ).scalar_one_or_none()
    report.created_bursary = bursary is None
    if bursary is None:
        # A fresh id (not a derived one): partnerships reserves under it, and its reservations
        # outlive a reset of this service's database.
        bursary = BursaryApplication(
            learner_id=learner,
            application_id=application.id,
            provider_id=application.provider_id,
            institute_id=application.institute_id,
            course_id=application.course_id,
            scheme_id=uuid.UUID(scheme["id"]),
            scheme_name=scheme["name"],
            scheme_award_pence=scheme["award_pence"],
            answers={**profile_answers(profile, application.start_date), **DEMO_ANSWERS},
            eligible=bool(result["eligible"]),
            failed_rules=list(result.get("failed") or []),
            status=(
                BursaryStatus.eligible if result["eligible"] else BursaryStatus.not_eligible
            ).value,
            created_at=now,
            updated_at=now,
        )
        session.add(bursary)
        await session.flush()
    report.bursary_id = bursary.id
    report.bursary_status = bursary.status
    return report


def seed(settings: Settings) -> SeedReport:
    import asyncio

    if settings.environment == "production":
        raise SeedError("demo data is never loaded in production")
    with running("identity", settings.identity_url) as identity_url:
        learner = demo_learner_id(identity_url)
    with running("catalogue", settings.catalogue_url) as catalogue_url:
        intake = demo_intake(catalogue_url)
    start = date.fromisoformat(intake["start_date"])
    answers = {
        **profile_answers(LearnerProfile(learner_id=learner, **DEMO_PROFILE), start),
        **DEMO_ANSWERS,
    }
    try:
        with running("partnerships", settings.partnerships_url) as partnerships_url:
            verdict: tuple[dict[str, Any], dict[str, Any]] | None = demo_verdict(
                partnerships_url, answers
            )
    except SeedError as exc:
        if "could not start" not in str(exc):
            raise
        verdict = None
    return asyncio.run(store(settings.database_url, learner, intake, verdict))
