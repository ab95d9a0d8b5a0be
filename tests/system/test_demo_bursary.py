"""The demo story through the gateway: the demo learner applies to a course and a bursary, York
College's staff make an offer and award the bursary, and the sponsor's impact figures move by
exactly that award."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.system.platform import Platform

NAMESPACE = uuid.UUID("6f1d3c8e-2a4b-4f0e-9c57-0d6c1b7e5a10")  # the demo data's ids


def demo_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


YORK_COLLEGE = demo_id("provider", "york-college")
YORKSHIRE_AND_HUMBER = demo_id("institute", "yorkshire-and-humber-institute-of-technology")
NORTHERN_BROADBAND = demo_id("employer", "northern-broadband")
BURSARY = demo_id("scheme", "northern-broadband:yh")


def sign_in(gw: str, email: str, password: str) -> dict[str, str]:
    response = httpx.post(
        gw + "/api/identity/v1/token",
        data={"grant_type": "password", "username": email, "password": password},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def awarded(gw: str, employer: dict[str, str]) -> int:
    impact = httpx.get(
        gw + f"/api/partnerships/v1/employers/{NORTHERN_BROADBAND}/impact", headers=employer
    )
    assert impact.status_code == 200, impact.text
    totals = impact.json()["totals"]
    return int(totals["awarded_pence"]) if totals else 0


def test_a_learner_applies_staff_award_and_the_sponsor_sees_it(platform: Platform):
    if "applications" not in platform.ports:
        pytest.skip("the applications service is not built")
    gw = platform.url("gateway")
    learner = sign_in(gw, "learner@demo.example", "demo-learner-otter-2026")
    staff = sign_in(gw, "provider@demo.example", "demo-provider-badger-2026")
    employer = sign_in(gw, "employer@demo.example", "demo-employer-heron-2026")

    # The seeded application is there; the learner applies to another York College course.
    seeded = httpx.get(gw + "/api/applications/v1/applications", headers=learner).json()["items"]
    assert [a["status"] for a in seeded] == ["submitted"]
    courses = httpx.get(
        gw + "/api/catalogue/v1/courses",
        params={"provider": YORK_COLLEGE, "institute": YORKSHIRE_AND_HUMBER, "level": [4, 5]},
    ).json()["items"]
    intake = next(
        i
        for c in courses
        if c["id"] != seeded[0]["course_id"]
        for i in httpx.get(gw + f"/api/catalogue/v1/courses/{c['id']}/intakes").json()["items"]
        if i["is_open"]
    )
    applied = httpx.post(
        gw + "/api/applications/v1/applications",
        json={"intake_id": intake["id"], "personal_statement": "I fix networks."},
        headers={**learner, "Idempotency-Key": f"demo-{uuid.uuid4()}"},
    )
    assert applied.status_code == 201, applied.text
    application = applied.json()
    bursary = httpx.post(
        gw + "/api/applications/v1/bursary-applications",
        json={
            "application_id": application["id"],
            "scheme_id": BURSARY,
            "answers": {"household_income_pence": 1_900_000},  # the profile holds only a band
        },
        headers=learner,
    )
    assert bursary.status_code == 201, bursary.text
    assert bursary.json()["status"] == "eligible"

    # York College's staff review it, make an offer and award the bursary.
    moves = gw + f"/api/applications/v1/applications/{application['id']}/transitions"
    assert httpx.post(moves, json={"to": "under_review"}, headers=staff).status_code == 200
    offer = httpx.post(
        moves,
        json={"to": "offer", "offer_type": "conditional", "offer_conditions": "A level 3 in maths"},
        headers=staff,
    )
    assert offer.status_code == 200, offer.text
    before = awarded(gw, employer)
    award = httpx.post(
        gw + f"/api/applications/v1/bursary-applications/{bursary.json()['id']}/award",
        headers=staff,
        timeout=10,
    )
    assert award.status_code == 200, award.text
    assert awarded(gw, employer) == before + award.json()["awarded_pence"] == before + 150_000

    # The learner sees the offer and the award.
    mine = httpx.get(gw + f"/api/applications/v1/applications/{application['id']}", headers=learner)
    assert (mine.json()["status"], mine.json()["allowed_transitions"]) == (
        "offer",
        ["accepted", "declined"],
    )
    seen = httpx.get(
        gw + f"/api/applications/v1/bursary-applications/{bursary.json()['id']}", headers=learner
    )
    assert (seen.json()["status"], seen.json()["awarded_pence"]) == ("awarded", 150_000)
