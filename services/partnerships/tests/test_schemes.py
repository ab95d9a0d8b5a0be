"""Bursary schemes: drawn from the bursaries allocation, public when open, listed by course."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import LINCS, YH, institute_admin, network_admin, sign_up
from tests.test_rules import EXAMPLE


async def test_a_scheme_draws_its_allocation_from_the_bursaries_allocation(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "bursaries", 2_000_000)
    scheme = await sponsor.scheme(
        client, fund["id"], open_it=False, award_pence=150_000, max_awards=10, eligibility=EXAMPLE
    )
    assert scheme["status"] == "draft"
    assert scheme["balances"]["allocation_pence"] == 1_500_000
    assert scheme["balances"]["awards_left"] == 10
    assert scheme["eligibility"] == EXAMPLE
    read = (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.owner)).json()
    bursaries = next(p for p in read["balances"]["purposes"] if p["purpose"] == "bursaries")
    assert bursaries["assigned_pence"] == 1_500_000
    assert bursaries["available_pence"] == 500_000

    # Drafts are not public; open ones are.
    assert (await client.get(f"/v1/bursary-schemes/{scheme['id']}")).status_code == 404
    opened = await client.post(f"/v1/bursary-schemes/{scheme['id']}/open", headers=sponsor.owner)
    assert opened.json()["status"] == "open"
    assert (await client.get(f"/v1/bursary-schemes/{scheme['id']}")).status_code == 200

    too_big = await client.post(
        "/v1/bursary-schemes",
        json=sponsor.scheme_body(fund["id"], award_pence=100_000, max_awards=6),
        headers=sponsor.owner,
    )
    assert too_big.status_code == 409
    assert too_big.json()["code"] == "insufficient-funds"


async def test_awards_that_cannot_fit_the_allocation_are_refused(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "bursaries", 5_000_000)
    response = await client.post(
        "/v1/bursary-schemes",
        json=sponsor.scheme_body(
            fund["id"], award_pence=150_000, max_awards=20, allocation_pence=2_000_000
        ),
        headers=sponsor.owner,
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "body.max_awards"
    assert problem["errors"][0]["code"] == "awards_exceed_allocation"
    assert "£30,000.00" in problem["errors"][0]["message"]
    listed = await client.get("/v1/bursary-schemes", headers=sponsor.owner)
    assert listed.json()["total"] == 0
    # And later: raising max_awards beyond the allocation is refused the same way.
    scheme = await sponsor.scheme(
        client,
        fund["id"],
        open_it=False,
        award_pence=150_000,
        max_awards=10,
        allocation_pence=1_600_000,
    )
    more = await client.patch(
        f"/v1/bursary-schemes/{scheme['id']}", json={"max_awards": 11}, headers=sponsor.owner
    )
    assert more.status_code == 422
    assert more.json()["errors"][0]["field"] == "body.max_awards"


async def test_eligibility_rules_that_do_not_parse_are_refused_naming_the_rule(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "bursaries", 5_000_000)
    bad = {"all": [EXAMPLE["all"][0], {"field": "age", "op": "between", "value": [24]}]}
    response = await client.post(
        "/v1/bursary-schemes",
        json=sponsor.scheme_body(fund["id"], eligibility=bad),
        headers=sponsor.owner,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.eligibility.all.1.value"
    assert "body.eligibility.all.1.value" in response.json()["detail"]
    scheme = await sponsor.scheme(client, fund["id"], open_it=False)
    patched = await client.patch(
        f"/v1/bursary-schemes/{scheme['id']}",
        json={"eligibility": {"any": [{"field": "pets", "op": "eq", "value": True}]}},
        headers=sponsor.owner,
    )
    assert patched.status_code == 422
    assert patched.json()["errors"][0]["field"] == "body.eligibility.any.0.field"


async def test_the_evaluation_endpoint_answers_eligible_or_which_rule_failed(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "bursaries", 5_000_000)
    scheme = await sponsor.scheme(client, fund["id"], eligibility=EXAMPLE)
    url = f"/v1/bursary-schemes/{scheme['id']}/eligibility"
    answers = {
        "household_income_pence": 2_000_000,
        "age": 19,
        "home_postcode_area": "HU",
        "care_leaver": True,
    }
    ok = await client.post(url, json={"answers": answers})
    assert ok.status_code == 200
    assert ok.json() == {"scheme_id": scheme["id"], "eligible": True, "failed": []}
    too_rich = await client.post(
        url, json={"answers": {**answers, "household_income_pence": 2_600_000}}
    )
    assert too_rich.json()["eligible"] is False
    assert too_rich.json()["failed"] == [
        {
            "rule": "eligibility.all.0",
            "field": "household_income_pence",
            "reason": "needs household_income_pence is at most 2500000",
        }
    ]
    bad = await client.post(url, json={"answers": {"age": 19.5}})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.answers.age"


async def test_open_schemes_are_listed_by_course(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "bursaries", 10_000_000)
    course = uuid.uuid4()
    for_course = await sponsor.scheme(client, fund["id"], course_ids=[str(course)])
    digital_l4 = await sponsor.scheme(
        client, fund["id"], sectors=["digital"], levels=[4, 5], institute_ids=[str(LINCS)]
    )
    anything = await sponsor.scheme(client, fund["id"])
    await sponsor.scheme(client, fund["id"], open_it=False)  # a draft: never public

    async def names(**params: Any) -> set[str]:
        response = await client.get("/v1/bursary-schemes", params=params)
        assert response.status_code == 200
        return {s["id"] for s in response.json()["items"]}

    assert await names() == {for_course["id"], digital_l4["id"], anything["id"]}
    assert await names(course=str(course), institute=str(YH), sector="digital", level=4) == {
        for_course["id"],
        anything["id"],
    }
    assert await names(
        course=str(uuid.uuid4()), institute=str(LINCS), sector="digital", level=4
    ) == {digital_l4["id"]}
    assert await names(institute=str(LINCS), sector="digital", level=6) == set()
    assert await names(institute=str(LINCS), sector="engineering") == set()
    page = (await client.get("/v1/bursary-schemes", params={"limit": 2})).json()
    assert page["total"] == 3
    assert len(page["items"]) == 2


async def test_another_employers_schemes_are_not_found(client: AsyncClient, tokens: TokenFactory):
    ours = await sign_up(client, tokens)
    theirs = await sign_up(client, tokens)
    fund = await theirs.fund(client)
    await theirs.allocate(client, fund["id"], "bursaries", 5_000_000)
    draft = await theirs.scheme(client, fund["id"], open_it=False)
    open_one = await theirs.scheme(client, fund["id"])
    assert (
        await client.get(f"/v1/bursary-schemes/{draft['id']}", headers=ours.owner)
    ).status_code == 404
    for scheme in (draft, open_one):
        sid = scheme["id"]
        for method, url, body in (
            ("PATCH", f"/v1/bursary-schemes/{sid}", {"name": "Ours now"}),
            ("POST", f"/v1/bursary-schemes/{sid}/open", None),
            ("POST", f"/v1/bursary-schemes/{sid}/close", None),
            ("GET", f"/v1/bursary-schemes/{sid}/reservations", None),
        ):
            response = await client.request(method, url, json=body, headers=ours.owner)
            assert response.status_code == 404, (method, url, response.status_code)
    listed = await client.get(
        "/v1/bursary-schemes", params={"employer": theirs.id}, headers=ours.owner
    )
    assert [s["id"] for s in listed.json()["items"]] == [open_one["id"]]  # only the public one
    on_their_fund = await client.post(
        "/v1/bursary-schemes", json=ours.scheme_body(fund["id"]), headers=ours.owner
    )
    assert on_their_fund.status_code == 422
    assert on_their_fund.json()["errors"][0]["field"] == "body.fund_id"
    stored = await client.get(f"/v1/bursary-schemes/{draft['id']}", headers=theirs.owner)
    assert stored.json()["name"] == draft["name"]


async def test_institute_admins_see_draft_schemes_for_their_institute(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "bursaries", 5_000_000)
    draft = await sponsor.scheme(client, fund["id"], open_it=False, institute_ids=[str(YH)])
    mine = await client.get("/v1/bursary-schemes", headers=institute_admin(tokens, YH))
    assert [s["id"] for s in mine.json()["items"]] == [draft["id"]]
    other = await client.get("/v1/bursary-schemes", headers=institute_admin(tokens, LINCS))
    assert other.json()["total"] == 0
    assert (await client.get("/v1/bursary-schemes", headers=network_admin(tokens))).json()[
        "total"
    ] == 1


async def test_scheme_input_is_checked(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client, institute_ids=[str(YH)])
    await sponsor.allocate(client, fund["id"], "bursaries", 5_000_000)

    async def field_of(**overrides: Any) -> str:
        response = await client.post(
            "/v1/bursary-schemes",
            json=sponsor.scheme_body(fund["id"], **overrides),
            headers=sponsor.owner,
        )
        assert response.status_code == 422, response.text
        return str(response.json()["errors"][0]["field"])

    assert await field_of(institute_ids=[str(LINCS)]) == "body.institute_ids"
    assert await field_of(closes_on="2020-01-01") == "body.closes_on"
    assert await field_of(award_pence=-150_000) == "body.award_pence"
    assert await field_of(award_pence=1500.5) == "body.award_pence"
    assert await field_of(max_awards=0) == "body.max_awards"
    assert await field_of(levels=[9]) == "body.levels.0"
    assert await field_of(allocation_pence=0) == "body.allocation_pence"


@pytest.mark.parametrize("change", [{"max_awards": 5}, {"sectors": ["digital"]}])
async def test_an_open_scheme_keeps_its_terms(
    client: AsyncClient, tokens: TokenFactory, change: dict[str, Any]
):
    sponsor = await sign_up(client, tokens)
    fund, scheme = await sponsor.funded_scheme(client)
    response = await client.patch(
        f"/v1/bursary-schemes/{scheme['id']}", json=change, headers=sponsor.owner
    )
    assert response.status_code == 409
    renamed = await client.patch(
        f"/v1/bursary-schemes/{scheme['id']}", json={"name": "Renamed"}, headers=sponsor.owner
    )
    assert renamed.json()["name"] == "Renamed"
    closed = await client.post(f"/v1/bursary-schemes/{scheme['id']}/close", headers=sponsor.owner)
    assert closed.json()["status"] == "closed"
    reopened = await client.post(f"/v1/bursary-schemes/{scheme['id']}/open", headers=sponsor.owner)
    assert reopened.status_code == 409


async def test_a_replayed_scheme_creation_assigns_money_once(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "bursaries", 3_000_000)
    body = sponsor.scheme_body(fund["id"], award_pence=150_000, max_awards=10)
    headers = {**sponsor.owner, "Idempotency-Key": "scheme-yh-2026"}
    first = await client.post("/v1/bursary-schemes", json=body, headers=headers)
    second = await client.post("/v1/bursary-schemes", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    read = (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.owner)).json()
    assert read["balances"]["assigned_pence"] == 1_500_000
    changed = await client.post(
        "/v1/bursary-schemes", json={**body, "max_awards": 5}, headers=headers
    )
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency-key-reused"
