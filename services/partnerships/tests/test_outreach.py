"""Outreach events (the STE(A)M Challenge) and the public school registration form."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import LINCS, YH, institute_admin, network_admin, school, sign_up


async def test_a_steam_challenge_funded_from_outreach_takes_school_registrations(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "outreach", 6_000_000)
    event = await sponsor.event(
        client, fund_id=fund["id"], budget_pence=2_000_000, capacity_pupils=240
    )
    assert event["status"] == "published"
    assert (event["places_left"], event["year_groups"]) == (240, [9])
    read = (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.owner)).json()
    outreach = next(p for p in read["balances"]["purposes"] if p["purpose"] == "outreach")
    assert (outreach["spent_pence"], outreach["available_pence"]) == (2_000_000, 4_000_000)

    registered = await client.post(
        f"/v1/outreach-events/{event['id']}/registrations", json=school(pupils=30, urn="118123")
    )
    assert registered.status_code == 201, registered.text
    assert registered.json()["event_title"] == event["title"]
    public = (await client.get(f"/v1/outreach-events/{event['id']}")).json()
    assert (public["pupils_registered"], public["schools_registered"]) == (30, 1)
    assert public["places_left"] == 210
    assert "teacher_email" not in str(public)

    for headers in (sponsor.owner, sponsor.member, institute_admin(tokens, YH)):
        listed = await client.get(
            f"/v1/outreach-events/{event['id']}/registrations", headers=headers
        )
        assert listed.status_code == 200
        assert listed.json()["items"][0]["teacher_email"] == "science@school.example"
    upcoming = await client.get("/v1/outreach-events", params={"year_group": 9})
    assert [e["id"] for e in upcoming.json()["items"]] == [event["id"]]
    assert (await client.get("/v1/outreach-events", params={"year_group": 10})).json()["total"] == 0


async def test_registration_over_capacity_answers_409(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    event = await sponsor.event(client, capacity_pupils=50)
    url = f"/v1/outreach-events/{event['id']}/registrations"
    assert (await client.post(url, json=school(pupils=30))).status_code == 201
    over = await client.post(url, json=school(pupils=21))
    assert over.status_code == 409
    assert over.json()["code"] == "event-full"
    assert "20 place(s)" in over.json()["detail"]
    assert (await client.post(url, json=school(pupils=20))).status_code == 201
    read = (await client.get(f"/v1/outreach-events/{event['id']}")).json()
    assert (read["pupils_registered"], read["places_left"]) == (50, 0)


async def test_concurrent_registrations_never_overfill_an_event(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    event = await sponsor.event(client, capacity_pupils=100)
    url = f"/v1/outreach-events/{event['id']}/registrations"
    answers = await asyncio.gather(
        *(client.post(url, json=school(pupils=10, urn=f"{200000 + i}")) for i in range(30))
    )
    statuses = [r.status_code for r in answers]
    assert statuses.count(201) == 10
    assert statuses.count(409) == 20
    read = (await client.get(f"/v1/outreach-events/{event['id']}")).json()
    assert (read["pupils_registered"], read["schools_registered"]) == (100, 10)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"urn": "12345"}, "body.urn"),
        ({"urn": "1234567"}, "body.urn"),
        ({"urn": "12a456"}, "body.urn"),
        ({"pupils": 0}, "body.pupils"),
        ({"pupils": 2.5}, "body.pupils"),
        ({"teacher_email": "teacher"}, "body.teacher_email"),
        ({"school_name": ""}, "body.school_name"),
        ({"year_group": 10}, "body.year_group"),
        ({"year_group": 14}, "body.year_group"),
        ({"extra": "field"}, "body.extra"),
    ],
)
async def test_the_public_form_refuses_bad_input(
    client: AsyncClient, tokens: TokenFactory, overrides: dict[str, object], field: str
):
    sponsor = await sign_up(client, tokens)
    event = await sponsor.event(client)
    response = await client.post(
        f"/v1/outreach-events/{event['id']}/registrations", json=school(**overrides)
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    listed = await client.get(
        f"/v1/outreach-events/{event['id']}/registrations", headers=sponsor.owner
    )
    assert listed.json()["total"] == 0


async def test_one_registration_per_school_and_only_for_published_future_events(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    event = await sponsor.event(client)
    url = f"/v1/outreach-events/{event['id']}/registrations"
    assert (await client.post(url, json=school(urn="118123"))).status_code == 201
    duplicate = await client.post(url, json=school(urn="118123"))
    assert duplicate.status_code == 409
    assert duplicate.json()["errors"][0]["field"] == "body.urn"
    draft = await sponsor.event(client, publish=False)
    assert (
        await client.post(f"/v1/outreach-events/{draft['id']}/registrations", json=school())
    ).status_code == 404
    await client.post(f"/v1/outreach-events/{event['id']}/cancel", headers=sponsor.owner)
    assert (await client.post(url, json=school())).status_code == 409
    missing = await client.post(f"/v1/outreach-events/{uuid.uuid4()}/registrations", json=school())
    assert missing.status_code == 404


async def test_another_employers_events_are_not_found(client: AsyncClient, tokens: TokenFactory):
    ours = await sign_up(client, tokens)
    theirs = await sign_up(client, tokens)
    draft = await theirs.event(client, publish=False)
    published = await theirs.event(client)
    assert (
        await client.get(f"/v1/outreach-events/{draft['id']}", headers=ours.owner)
    ).status_code == 404
    for event in (draft, published):
        eid = event["id"]
        for method, url, body in (
            ("PATCH", f"/v1/outreach-events/{eid}", {"title": "Ours"}),
            ("POST", f"/v1/outreach-events/{eid}/publish", None),
            ("POST", f"/v1/outreach-events/{eid}/cancel", None),
            ("GET", f"/v1/outreach-events/{eid}/registrations", None),
        ):
            response = await client.request(method, url, json=body, headers=ours.owner)
            assert response.status_code == 404, (method, url)
    other_admin = institute_admin(tokens, LINCS)
    assert (
        await client.get(
            f"/v1/outreach-events/{published['id']}/registrations", headers=other_admin
        )
    ).status_code == 404
    listed = await client.get(
        "/v1/outreach-events", params={"employer": theirs.id}, headers=ours.owner
    )
    assert [e["id"] for e in listed.json()["items"]] == [published["id"]]
    admin_list = await client.get(
        "/v1/outreach-events", params={"employer": theirs.id}, headers=network_admin(tokens)
    )
    assert admin_list.json()["total"] == 2
    for_them = await client.post(
        "/v1/outreach-events", json=theirs.event_body(), headers=ours.owner
    )
    assert for_them.status_code == 422
    assert for_them.json()["errors"][0]["field"] == "body.employer_id"


async def test_event_input_is_checked(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client, institute_ids=[str(YH)])
    await sponsor.allocate(client, fund["id"], "outreach", 100_000)
    start = datetime.now(UTC) + timedelta(days=30)

    async def field_of(**overrides: object) -> str:
        response = await client.post(
            "/v1/outreach-events", json=sponsor.event_body(**overrides), headers=sponsor.owner
        )
        assert response.status_code == 422, response.text
        return str(response.json()["errors"][0]["field"])

    assert (
        await field_of(
            ends_at=(start - timedelta(hours=1)).isoformat(), starts_at=start.isoformat()
        )
        == "body.ends_at"
    )
    assert await field_of(starts_at="2027-03-12T09:30:00") == "body.starts_at"  # no time zone
    assert await field_of(venue_postcode="HU6") == "body.venue_postcode"
    assert await field_of(capacity_pupils=0) == "body.capacity_pupils"
    assert await field_of(year_groups=[]) == "body.year_groups"
    assert await field_of(year_groups=[0]) == "body.year_groups.0"
    assert await field_of(fund_id=fund["id"]) == "body.budget_pence"
    assert (
        await field_of(fund_id=fund["id"], budget_pence=1, institute_id=str(LINCS))
        == "body.institute_id"
    )
    over = await client.post(
        "/v1/outreach-events",
        json=sponsor.event_body(fund_id=fund["id"], budget_pence=100_001),
        headers=sponsor.owner,
    )
    assert over.status_code == 409
    assert over.json()["code"] == "insufficient-funds"
    assert (await client.get("/v1/outreach-events", headers=sponsor.owner)).json()["total"] == 0


async def test_capacity_cannot_drop_below_registrations(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    event = await sponsor.event(client, capacity_pupils=60)
    await client.post(f"/v1/outreach-events/{event['id']}/registrations", json=school(pupils=40))
    url = f"/v1/outreach-events/{event['id']}"
    lower = await client.patch(url, json={"capacity_pupils": 39}, headers=sponsor.owner)
    assert lower.status_code == 409
    ok = await client.patch(
        url, json={"capacity_pupils": 40, "year_groups": [9, 10]}, headers=sponsor.owner
    )
    assert ok.status_code == 200
    assert (ok.json()["places_left"], ok.json()["year_groups"]) == (0, [9, 10])


async def test_a_replayed_funded_event_is_created_and_paid_for_once(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "outreach", 3_000_000)
    body = sponsor.event_body(fund_id=fund["id"], budget_pence=2_000_000)
    headers = {**sponsor.owner, "Idempotency-Key": "steam-2027"}
    first = await client.post("/v1/outreach-events", json=body, headers=headers)
    second = await client.post("/v1/outreach-events", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    read = (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.owner)).json()
    assert read["balances"]["spent_pence"] == 2_000_000
    mine = await client.get("/v1/outreach-events", headers=sponsor.owner)
    assert mine.json()["total"] == 1
