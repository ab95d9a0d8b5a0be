"""Partnerships between employers and institutes: proposed by the employer, accepted by the
institute's admins, seen only by the two sides (and network admins)."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import LINCS, YH, institute_admin, network_admin, sign_up


def proposal(employer_id: str, institute: uuid.UUID = YH, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "employer_id": employer_id,
        "institute_id": str(institute),
        "kind": "sponsorship",
        "description": "Bursaries and an annual STE(A)M Challenge.",
        "starts_on": "2026-09-01",
        "ends_on": "2029-08-31",
        "contacts": [{"name": "Dana Partnerships", "email": "dana@northern-broadband.example"}],
    }
    body.update(overrides)
    return body


async def test_an_employer_proposes_and_the_institute_accepts(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens, verify=False)  # pending employers may propose
    proposed = await client.post(
        "/v1/partnerships", json=proposal(sponsor.id), headers=sponsor.owner
    )
    assert proposed.status_code == 201, proposed.text
    partnership = proposed.json()
    assert partnership["status"] == "proposed"
    assert partnership["contacts"][0]["side"] == "employer"

    admin = institute_admin(tokens, YH)
    theirs = await client.get("/v1/partnerships", headers=admin)
    assert [p["id"] for p in theirs.json()["items"]] == [partnership["id"]]
    assert (
        await client.post(f"/v1/partnerships/{partnership['id']}/accept", headers=sponsor.owner)
    ).status_code == 403
    accepted = await client.post(f"/v1/partnerships/{partnership['id']}/accept", headers=admin)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "active"
    assert accepted.json()["accepted_at"] is not None

    duplicate = await client.post(
        "/v1/partnerships", json=proposal(sponsor.id), headers=sponsor.owner
    )
    assert duplicate.status_code == 409
    ended = await client.post(f"/v1/partnerships/{partnership['id']}/end", headers=sponsor.owner)
    assert ended.json()["status"] == "ended"
    again = await client.post("/v1/partnerships", json=proposal(sponsor.id), headers=sponsor.owner)
    assert again.status_code == 201
    assert (
        await client.post(f"/v1/partnerships/{partnership['id']}/accept", headers=admin)
    ).status_code == 409


async def test_another_tenants_partnerships_are_not_found(
    client: AsyncClient, tokens: TokenFactory
):
    ours = await sign_up(client, tokens)
    theirs = await sign_up(client, tokens)
    partnership = (
        await client.post("/v1/partnerships", json=proposal(theirs.id), headers=theirs.owner)
    ).json()
    pid = partnership["id"]
    other_institute = institute_admin(tokens, LINCS)
    for headers in (ours.owner, other_institute):
        for method, url, body in (
            ("GET", f"/v1/partnerships/{pid}", None),
            ("PATCH", f"/v1/partnerships/{pid}", {"description": "Changed"}),
            ("POST", f"/v1/partnerships/{pid}/accept", None),
            ("POST", f"/v1/partnerships/{pid}/end", None),
        ):
            response = await client.request(method, url, json=body, headers=headers)
            assert response.status_code == 404, (method, url)
        listed = await client.get(
            "/v1/partnerships", params={"employer": theirs.id}, headers=headers
        )
        assert listed.json()["total"] == 0
    for_them = await client.post("/v1/partnerships", json=proposal(theirs.id), headers=ours.owner)
    assert for_them.status_code == 422
    assert for_them.json()["errors"][0]["field"] == "body.employer_id"
    stored = await client.get(f"/v1/partnerships/{pid}", headers=theirs.owner)
    assert stored.json()["description"] == partnership["description"]
    assert stored.json()["status"] == "proposed"
    everything = await client.get("/v1/partnerships", headers=network_admin(tokens))
    assert everything.json()["total"] == 1


async def test_partnership_input_and_changes_are_checked(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    url = "/v1/partnerships"
    for overrides, field in (
        ({"kind": "friendship"}, "body.kind"),
        ({"ends_on": "2026-08-31"}, "body.ends_on"),
        ({"contacts": [{"name": "A", "email": "not-an-email"}]}, "body.contacts.0.email"),
        ({"institute_id": "yorkshire"}, "body.institute_id"),
    ):
        response = await client.post(
            url, json=proposal(sponsor.id, **overrides), headers=sponsor.owner
        )
        assert response.status_code == 422, overrides
        assert response.json()["errors"][0]["field"] == field
    created = (await client.post(url, json=proposal(sponsor.id), headers=sponsor.owner)).json()
    changed = await client.patch(
        f"{url}/{created['id']}",
        json={"description": "Bursaries only.", "contacts": []},
        headers=sponsor.owner,
    )
    assert changed.status_code == 200
    assert changed.json()["description"] == "Bursaries only."
    assert changed.json()["contacts"] == []
    backwards = await client.patch(
        f"{url}/{created['id']}", json={"ends_on": "2025-01-01"}, headers=sponsor.owner
    )
    assert backwards.status_code == 422
    member = await client.patch(
        f"{url}/{created['id']}", json={"description": "x"}, headers=sponsor.member
    )
    assert member.status_code == 403
