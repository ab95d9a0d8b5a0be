"""Opportunities: placements, work experience, vacancies, projects; public search by sector and
place."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import Employer, network_admin, sign_up


def opportunity(employer: Employer, **overrides: Any) -> dict[str, Any]:
    body = {
        "employer_id": employer.id,
        "kind": "placement",
        "sector": "digital",
        "title": "Network engineering summer placement",
        "description": "Ten weeks with the network operations team.",
        "town": "Hull",
        "postcode": "HU1 3DX",
        "closes_on": (date.today() + timedelta(days=60)).isoformat(),
        "status": "published",
    }
    body.update(overrides)
    return body


async def offer(client: AsyncClient, employer: Employer, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/v1/opportunities", json=opportunity(employer, **overrides), headers=employer.owner
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def ids(client: AsyncClient, **params: Any) -> set[str]:
    response = await client.get("/v1/opportunities", params=params)
    assert response.status_code == 200, response.text
    return {o["id"] for o in response.json()["items"]}


async def test_public_search_by_sector_and_place(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    hull = await offer(client, sponsor)
    beverley = await offer(
        client,
        sponsor,
        postcode="HU17 0GH",
        town="Beverley",
        kind="work_experience",
        title="Work experience in the network operations centre",
    )
    lincoln = await offer(
        client,
        sponsor,
        postcode="LN6",
        town="Lincoln",
        sector="advanced-manufacturing",
        kind="industry_project",
        title="Commission a robot cell",
    )
    draft = await offer(client, sponsor, status="draft", title="Draft placement")

    assert await ids(client) == {hull["id"], beverley["id"], lincoln["id"]}
    assert hull["postcode_district"] == "HU1"
    assert await ids(client, sector="digital") == {hull["id"], beverley["id"]}
    assert await ids(client, place="HU") == {hull["id"], beverley["id"]}
    assert await ids(client, place="hu1") == {hull["id"]}  # HU1, not HU17
    assert await ids(client, place="HU17 9XY") == {beverley["id"]}
    assert await ids(client, place="Lincoln") == {lincoln["id"]}
    assert await ids(client, place="HU", sector="advanced-manufacturing") == set()
    assert await ids(client, kind="work_experience") == {beverley["id"]}
    assert await ids(client, q="summer placement") == {hull["id"]}
    # The employer's members also see its drafts; nobody else does.
    mine = await client.get("/v1/opportunities", headers=sponsor.member)
    assert draft["id"] in {o["id"] for o in mine.json()["items"]}
    assert (await client.get(f"/v1/opportunities/{draft['id']}")).status_code == 404
    assert (await client.get(f"/v1/opportunities/{hull['id']}")).status_code == 200


async def test_closed_opportunities_leave_the_public_list(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    listing = await offer(client, sponsor)
    closed = await client.patch(
        f"/v1/opportunities/{listing['id']}", json={"status": "closed"}, headers=sponsor.owner
    )
    assert closed.json()["status"] == "closed"
    assert await ids(client) == set()


async def test_opportunity_rules_and_tenancy(client: AsyncClient, tokens: TokenFactory):
    ours = await sign_up(client, tokens)
    theirs = await sign_up(client, tokens)
    pending = await sign_up(client, tokens, verify=False)
    publish_pending = await client.post(
        "/v1/opportunities", json=opportunity(pending), headers=pending.owner
    )
    assert publish_pending.status_code == 409
    assert publish_pending.json()["code"] == "employer-not-verified"
    for overrides, field in (
        ({"postcode": "Hull"}, "body.postcode"),
        ({"closes_on": "2020-01-01"}, "body.closes_on"),
        ({"kind": "internship"}, "body.kind"),
        ({"sector": "Digital Tech"}, "body.sector"),
    ):
        response = await client.post(
            "/v1/opportunities", json=opportunity(ours, **overrides), headers=ours.owner
        )
        assert response.status_code == 422, overrides
        assert response.json()["errors"][0]["field"] == field
    their_draft = await offer(client, theirs, status="draft")
    assert (
        await client.get(f"/v1/opportunities/{their_draft['id']}", headers=ours.owner)
    ).status_code == 404
    hijack = await client.patch(
        f"/v1/opportunities/{their_draft['id']}", json={"title": "Ours"}, headers=ours.owner
    )
    assert hijack.status_code == 404
    assert (
        await client.get(f"/v1/opportunities/{their_draft['id']}", headers=network_admin(tokens))
    ).json()["title"] == their_draft["title"]
    on_their_behalf = await client.post(
        "/v1/opportunities", json=opportunity(theirs), headers=ours.owner
    )
    assert on_their_behalf.status_code == 422
