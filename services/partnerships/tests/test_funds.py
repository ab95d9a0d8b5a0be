"""Sponsorship funds: the pledge, allocations and spending as ledger entries; never overspent."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import LINCS, YH, institute_admin, network_admin, sign_up


def purposes(fund: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["purpose"]: p for p in fund["balances"]["purposes"]}


async def ledger(
    client: AsyncClient, headers: dict[str, str], fund_id: str
) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/funds/{fund_id}/ledger?limit=100", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


async def test_pledge_then_allocations_are_ledger_entries_and_balances_add_up(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client, pledged_pence=53_000_000)
    assert fund["balances"]["pledged_pence"] == 53_000_000
    assert fund["balances"]["unallocated_pence"] == 53_000_000
    assert sorted(fund["institute_ids"]) == sorted([str(YH), str(LINCS)])

    bursaries = await sponsor.allocate(client, fund["id"], "bursaries", 47_000_000)
    assert bursaries["kind"] == "allocate"
    assert bursaries["purpose"] == "bursaries"
    await sponsor.allocate(client, fund["id"], "outreach", 6_000_000)

    read = (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.owner)).json()
    balances = read["balances"]
    assert balances["allocated_pence"] == 53_000_000
    assert balances["unallocated_pence"] == 0
    assert purposes(read)["bursaries"]["available_pence"] == 47_000_000
    assert purposes(read)["outreach"]["allocated_pence"] == 6_000_000
    assert balances["remaining_pence"] == 53_000_000

    entries = await ledger(client, sponsor.owner, fund["id"])
    assert [(e["kind"], e["purpose"], e["amount_pence"]) for e in entries] == [
        ("pledge", None, 53_000_000),
        ("allocate", "bursaries", 47_000_000),
        ("allocate", "outreach", 6_000_000),
    ]


async def test_allocating_more_than_the_pledge_answers_409_and_moves_nothing(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client, pledged_pence=1_000_000)
    await sponsor.allocate(client, fund["id"], "bursaries", 600_000)
    over = await client.post(
        f"/v1/funds/{fund['id']}/allocations",
        json={"purpose": "outreach", "amount_pence": 400_001},
        headers=sponsor.owner,
    )
    assert over.status_code == 409
    assert over.json()["code"] == "insufficient-funds"
    assert "£4,000.00" in over.json()["detail"]
    assert len(await ledger(client, sponsor.owner, fund["id"])) == 2
    exact = await client.post(
        f"/v1/funds/{fund['id']}/allocations",
        json={"purpose": "outreach", "amount_pence": 400_000},
        headers=sponsor.owner,
    )
    assert exact.status_code == 201


@pytest.mark.parametrize("amount", [-1, 0, 12.5, 100.0, "100", True, None, 10**12, "1e3"])
async def test_negative_fractional_or_non_integer_money_is_refused(
    client: AsyncClient, tokens: TokenFactory, amount: object
):
    sponsor = await sign_up(client, tokens)
    pledge = await client.post(
        "/v1/funds", json=sponsor.fund_body(pledged_pence=amount), headers=sponsor.owner
    )
    assert pledge.status_code == 422, pledge.text
    assert pledge.json()["errors"][0]["field"] == "body.pledged_pence"
    fund = await sponsor.fund(client)
    allocation = await client.post(
        f"/v1/funds/{fund['id']}/allocations",
        json={"purpose": "bursaries", "amount_pence": amount},
        headers=sponsor.owner,
    )
    assert allocation.status_code == 422
    assert allocation.json()["errors"][0]["field"] == "body.amount_pence"
    assert len(await ledger(client, sponsor.owner, fund["id"])) == 1


async def test_a_replayed_allocation_moves_money_once(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    url = f"/v1/funds/{fund['id']}/allocations"
    body = {"purpose": "bursaries", "amount_pence": 1_000_000}
    headers = {**sponsor.owner, "Idempotency-Key": "alloc-2026-bursaries"}
    first = await client.post(url, json=body, headers=headers)
    second = await client.post(url, json=body, headers=headers)
    in_body = await client.post(
        url, json={**body, "idempotency_key": "alloc-2026-bursaries"}, headers=sponsor.owner
    )
    assert first.status_code == second.status_code == in_body.status_code == 201
    assert first.json() == second.json() == in_body.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    different = await client.post(url, json={**body, "amount_pence": 5}, headers=headers)
    assert different.status_code == 422
    assert different.json()["code"] == "idempotency-key-reused"
    clash = await client.post(url, json={**body, "idempotency_key": "other"}, headers=headers)
    assert clash.status_code == 422
    read = (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.owner)).json()
    assert read["balances"]["allocated_pence"] == 1_000_000


async def test_a_replayed_pledge_creates_one_fund(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    headers = {**sponsor.owner, "Idempotency-Key": "pledge-1"}
    body = sponsor.fund_body()
    first = await client.post("/v1/funds", json=body, headers=headers)
    second = await client.post("/v1/funds", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    funds = (await client.get("/v1/funds", headers=sponsor.owner)).json()
    assert funds["total"] == 1
    assert funds["items"][0]["balances"]["pledged_pence"] == body["pledged_pence"]


async def test_only_verified_employers_pledge(client: AsyncClient, tokens: TokenFactory):
    pending = await sign_up(client, tokens, verify=False)
    response = await client.post("/v1/funds", json=pending.fund_body(), headers=pending.owner)
    assert response.status_code == 409
    assert response.json()["code"] == "employer-not-verified"


async def test_fund_dates_and_institutes_are_checked(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    backwards = sponsor.fund_body(starts_on="2027-09-01", ends_on="2027-08-31")
    response = await client.post("/v1/funds", json=backwards, headers=sponsor.owner)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.ends_on"
    none = await client.post(
        "/v1/funds", json=sponsor.fund_body(institute_ids=[]), headers=sponsor.owner
    )
    assert none.status_code == 422
    assert none.json()["errors"][0]["field"] == "body.institute_ids"


async def test_another_employers_funds_are_not_found(client: AsyncClient, tokens: TokenFactory):
    ours = await sign_up(client, tokens)
    theirs = await sign_up(client, tokens)
    their_fund = await theirs.fund(client)
    fid = their_fund["id"]
    for method, url, body in (
        ("GET", f"/v1/funds/{fid}", None),
        ("GET", f"/v1/funds/{fid}/ledger", None),
        ("POST", f"/v1/funds/{fid}/allocations", {"purpose": "bursaries", "amount_pence": 1}),
        ("POST", f"/v1/funds/{fid}/spending", {"purpose": "other", "amount_pence": 1, "note": "x"}),
    ):
        response = await client.request(method, url, json=body, headers=ours.owner)
        assert response.status_code == 404, (method, url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get("/v1/funds", headers=ours.owner)).json()["total"] == 0
    listed = await client.get(f"/v1/funds?employer={theirs.id}", headers=ours.owner)
    assert listed.json()["total"] == 0
    pledge_for_them = await client.post("/v1/funds", json=theirs.fund_body(), headers=ours.owner)
    assert pledge_for_them.status_code == 422
    assert pledge_for_them.json()["errors"][0]["field"] == "body.employer_id"
    assert len(await ledger(client, theirs.owner, fid)) == 1


async def test_members_read_funds_only_owners_and_admins_move_money(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    assert (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.member)).status_code == 200
    response = await client.post(
        f"/v1/funds/{fund['id']}/allocations",
        json={"purpose": "bursaries", "amount_pence": 100},
        headers=sponsor.member,
    )
    assert response.status_code == 403


async def test_institute_admins_and_network_admins_see_funds_for_them(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client, institute_ids=[str(YH)])
    assert (
        await client.get(f"/v1/funds/{fund['id']}", headers=institute_admin(tokens, YH))
    ).status_code == 200
    listed = await client.get("/v1/funds", headers=institute_admin(tokens, YH))
    assert [f["id"] for f in listed.json()["items"]] == [fund["id"]]
    other = institute_admin(tokens, uuid.uuid4())
    assert (await client.get(f"/v1/funds/{fund['id']}", headers=other)).status_code == 404
    assert (await client.get("/v1/funds", headers=other)).json()["total"] == 0
    assert (await client.get("/v1/funds", headers=network_admin(tokens))).json()["total"] == 1
    # Admins see; they do not move an employer's money.
    admin_move = await client.post(
        f"/v1/funds/{fund['id']}/allocations",
        json={"purpose": "bursaries", "amount_pence": 100},
        headers=network_admin(tokens),
    )
    assert admin_move.status_code == 404


async def test_spending_comes_out_of_an_allocation_never_bursaries(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client, pledged_pence=1_000_000)
    await sponsor.allocate(client, fund["id"], "equipment", 300_000)
    url = f"/v1/funds/{fund['id']}/spending"
    spent = await client.post(
        url,
        json={"purpose": "equipment", "amount_pence": 250_000, "note": "Robot cell"},
        headers=sponsor.owner,
    )
    assert spent.status_code == 201
    over = await client.post(
        url,
        json={"purpose": "equipment", "amount_pence": 50_001, "note": "PLC rig"},
        headers=sponsor.owner,
    )
    assert over.status_code == 409
    bursaries = await client.post(
        url, json={"purpose": "bursaries", "amount_pence": 1, "note": "x"}, headers=sponsor.owner
    )
    assert bursaries.status_code == 422
    read = (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.owner)).json()
    assert read["balances"]["spent_pence"] == 250_000
    assert purposes(read)["equipment"]["available_pence"] == 50_000
    assert read["balances"]["remaining_pence"] == 750_000


async def test_concurrent_allocations_never_exceed_the_pledge(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client, pledged_pence=1_000_000)

    async def allocate() -> int:
        response = await client.post(
            f"/v1/funds/{fund['id']}/allocations",
            json={"purpose": "bursaries", "amount_pence": 100_000},
            headers=sponsor.owner,
        )
        return response.status_code

    statuses = await asyncio.gather(*(allocate() for _ in range(25)))
    assert sorted(statuses) == [201] * 10 + [409] * 15
    read = (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.owner)).json()
    assert read["balances"]["allocated_pence"] == 1_000_000
    assert read["balances"]["unallocated_pence"] == 0
    entries = await ledger(client, sponsor.owner, fund["id"])
    assert sum(e["amount_pence"] for e in entries if e["kind"] == "allocate") == 1_000_000
