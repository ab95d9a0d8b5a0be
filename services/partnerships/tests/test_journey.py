"""The demo sponsor driven through the API end to end: sign up, partner with an institute, pledge,
allocate, publish a bursary scheme and a STE(A)M Challenge, see its impact."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import (
    LINCS,
    YH,
    Employer,
    employer_body,
    institute_admin,
    network_admin,
    school,
    service,
    sign_up,
    user,
)
from tests.identity_double import IdentityContractDouble
from tests.test_rules import EXAMPLE


async def test_the_sponsor_story_end_to_end(
    client: AsyncClient, tokens: TokenFactory, identity: tuple[IdentityContractDouble, str]
):
    double, _ = identity
    # 1. Sign up: pending, and identity makes the person its owner.
    sub = str(uuid.uuid4())
    signed_up = await client.post(
        "/v1/employers",
        json=employer_body(name="Northern Broadband Ltd", companies_house_number="11204718"),
        headers={**user(tokens, sub), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert signed_up.status_code == 201, signed_up.text
    sponsor = Employer(tokens, signed_up.json(), sub, institutes=[YH, LINCS])
    assert double.owner_of(uuid.UUID(sponsor.id)) == [uuid.UUID(sub)]

    # 2. Partner with an institute; its admin accepts and verifies the employer.
    yh_admin = institute_admin(tokens, YH)
    partnership = (
        await client.post(
            "/v1/partnerships",
            json={"employer_id": sponsor.id, "institute_id": str(YH), "kind": "sponsorship"},
            headers=sponsor.owner,
        )
    ).json()
    accepted = await client.post(f"/v1/partnerships/{partnership['id']}/accept", headers=yh_admin)
    assert accepted.json()["status"] == "active"
    verified = await client.post(f"/v1/employers/{sponsor.id}/verify", headers=yh_admin)
    assert verified.json()["status"] == "verified"

    # 3. Pledge GBP 530,000 over three years and allocate it.
    fund = await sponsor.fund(client, pledged_pence=53_000_000)
    await sponsor.allocate(client, fund["id"], "bursaries", 47_000_000)
    await sponsor.allocate(client, fund["id"], "outreach", 6_000_000)

    # 4. A bursary scheme for Yorkshire and Humber, open and public.
    scheme = await sponsor.scheme(
        client,
        fund["id"],
        institute_ids=[str(YH)],
        sectors=["digital"],
        award_pence=150_000,
        max_awards=60,
        eligibility=EXAMPLE,
    )
    public = await client.get("/v1/bursary-schemes", params={"institute": str(YH), "level": 4})
    assert [s["id"] for s in public.json()["items"]] == [scheme["id"]]

    # 5. The annual STE(A)M Challenge, paid from outreach, and a school registers.
    event = await sponsor.event(
        client, fund_id=fund["id"], budget_pence=2_000_000, capacity_pupils=240
    )
    assert (
        await client.post(
            f"/v1/outreach-events/{event['id']}/registrations", json=school(pupils=30)
        )
    ).status_code == 201

    # 6. The applications service awards two bursaries and releases a third.
    course = uuid.uuid4()
    for n, decision in enumerate(("award", "award", "release")):
        held = await client.post(
            f"/v1/bursary-schemes/{scheme['id']}/reservations",
            json={
                "key": f"bursary-application-{n}",
                "course_id": str(course),
                "institute_id": str(YH),
                "sector": "digital",
            },
            headers=service(tokens),
        )
        assert held.status_code == 201, held.text
        decided = await client.post(
            f"/v1/reservations/{held.json()['id']}/{decision}", headers=service(tokens)
        )
        assert decided.status_code == 200

    # 7. Impact: aggregates only.
    impact = await client.get(f"/v1/employers/{sponsor.id}/impact", headers=sponsor.member)
    assert impact.status_code == 200, impact.text
    figures = impact.json()
    [one] = figures["funds"]
    assert one["pledged_pence"] == 53_000_000
    assert one["allocated_pence"] == 53_000_000
    assert one["awarded_pence"] == 300_000
    assert one["reserved_pence"] == 0
    assert one["spent_pence"] == 2_000_000
    assert one["remaining_pence"] == 53_000_000 - 300_000 - 2_000_000
    assert figures["totals"]["awarded_pence"] == 300_000
    assert figures["awards_by_institute"] == [
        {"key": str(YH), "awards": 2, "awarded_pence": 300_000}
    ]
    assert figures["awards_by_sector"] == [
        {"key": "digital", "awards": 2, "awarded_pence": 300_000}
    ]
    assert figures["awards_by_course"][0]["key"] == str(course)
    assert figures["outreach"] == {"events": 1, "schools": 1, "pupils_reached": 30}
    assert "bursary-application" not in impact.text
    assert "science@school.example" not in impact.text

    # Nobody else sees it.
    stranger = await sign_up(client, tokens)
    assert (
        await client.get(f"/v1/employers/{sponsor.id}/impact", headers=stranger.owner)
    ).status_code == 404
    assert (
        await client.get(f"/v1/employers/{sponsor.id}/impact", headers=yh_admin)
    ).status_code == 404
    assert (
        await client.get(f"/v1/employers/{sponsor.id}/impact", headers=network_admin(tokens))
    ).status_code == 200
