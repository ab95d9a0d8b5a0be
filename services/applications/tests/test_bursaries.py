"""Bursary applications: eligibility checked with partnerships, decisions, and awards that
partnerships holds and confirms (the contract double until partnerships is on main)."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.catalogue_world import CatalogueWorld
from tests.partnerships import Partnerships
from tests.people import Learner, staff
from tests.test_applications import apply, move

# Northern Broadband's rule, as in partnerships' demo data.
RULE = {
    "all": [
        {"field": "household_income_pence", "op": "lte", "value": 2_500_000},
        {"field": "age", "op": "between", "value": [16, 30]},
        {"field": "home_postcode_area", "op": "in", "value": ["HU", "YO", "DN"]},
        {
            "any": [
                {"field": "care_leaver", "op": "eq", "value": True},
                {"field": "first_in_family", "op": "eq", "value": True},
            ]
        },
    ]
}
PROFILE = {
    "full_name": "Asha Learner",
    "date_of_birth": "2007-03-14",
    "home_postcode": "yo10 5dd",
    "household_income_band": "under_20k",
    "first_in_family": True,
}
# The figure the scheme asks for (the profile holds only a band).
INCOME = {"household_income_pence": 1_900_000}


async def bursary_apply(
    client: AsyncClient,
    learner: Learner,
    application_id: str,
    scheme_id: str,
    status: int = 201,
    **body: Any,
) -> dict[str, Any]:
    response = await client.post(
        "/v1/bursary-applications",
        json={"application_id": application_id, "scheme_id": scheme_id, **body},
        headers=learner.headers,
    )
    assert response.status_code == status, response.text
    return dict(response.json())


async def award(
    client: AsyncClient, headers: dict[str, str], bursary_id: str, status: int = 200
) -> dict[str, Any]:
    response = await client.post(f"/v1/bursary-applications/{bursary_id}/award", headers=headers)
    assert response.status_code == status, response.text
    return dict(response.json())


async def eligible_bursary(
    client: AsyncClient,
    world: CatalogueWorld,
    partnerships: Partnerships,
    tokens: TokenFactory,
    **scheme: Any,
) -> tuple[Learner, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A learner with a profile, a sent application and an eligible bursary application."""
    intake = await world.intake()
    learner = Learner(tokens)
    saved = await client.put("/v1/me/profile", json=PROFILE, headers=learner.headers)
    assert saved.status_code == 200, saved.text
    application = await apply(client, learner, intake["id"])
    made = await partnerships.scheme(world.institute["id"], rule=RULE, **scheme)
    bursary = await bursary_apply(client, learner, application["id"], made["id"], answers=INCOME)
    assert bursary["status"] == "eligible", bursary
    return learner, application, made, bursary


class TestApply:
    async def test_the_profile_answers_what_the_learner_leaves_out(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        assert bursary["answers"]["home_postcode_area"] == "YO"
        assert bursary["answers"]["household_income_pence"] == 1_900_000
        assert 17 <= bursary["answers"]["age"] <= 22
        assert bursary["eligible"] is True
        assert bursary["failed_rules"] == []
        assert bursary["scheme_name"] == scheme["name"]
        assert bursary["award_pence"] == 150_000
        assert bursary["awarded_pence"] is None
        mine = await client.get("/v1/bursary-applications", headers=learner.headers)
        assert [b["id"] for b in mine.json()["items"]] == [bursary["id"]]

    async def test_answers_that_fail_the_rules_are_recorded_with_the_reasons(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        application = await apply(client, learner, intake["id"])
        scheme = await partnerships.scheme(world.institute["id"], rule=RULE)
        bursary = await bursary_apply(
            client,
            learner,
            application["id"],
            scheme["id"],
            answers={
                "household_income_pence": 4_000_000,
                "age": 19,
                "home_postcode_area": "YO",
                "care_leaver": True,
            },
        )
        assert bursary["status"] == "not_eligible"
        assert [f["field"] for f in bursary["failed_rules"]] == ["household_income_pence"]
        assert len(bursary["reasons"]) == 1
        assert "household_income_pence" in bursary["reasons"][0]
        staff_view = await award(
            client, staff(tokens, world.provider_id), bursary["id"], status=409
        )
        assert "not_eligible" in staff_view["detail"]
        assert await partnerships.reservations(scheme["id"]) == []

    async def test_bad_answers_and_wrong_schemes_are_refused(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        application = await apply(client, learner, intake["id"])
        scheme = await partnerships.scheme(world.institute["id"], rule=RULE)
        bad = await bursary_apply(
            client, learner, application["id"], scheme["id"], status=422, answers={"shoe_size": 9}
        )
        assert bad["errors"][0]["field"] == "body.answers.shoe_size"
        bad = await bursary_apply(
            client, learner, application["id"], scheme["id"], status=422, answers={"age": "old"}
        )
        assert bad["errors"][0]["field"] == "body.answers.age"
        unknown = await bursary_apply(
            client, learner, application["id"], str(uuid.uuid4()), status=422
        )
        assert unknown["errors"][0]["code"] == "unknown_scheme"
        elsewhere = await partnerships.scheme(str(uuid.uuid4()), rule=RULE)
        wrong = await bursary_apply(client, learner, application["id"], elsewhere["id"], status=422)
        assert wrong["errors"][0]["code"] == "scheme_not_for_course"
        other_course = await partnerships.scheme(
            world.institute["id"], course_ids=(str(uuid.uuid4()),)
        )
        wrong = await bursary_apply(
            client, learner, application["id"], other_course["id"], status=422
        )
        assert wrong["errors"][0]["code"] == "scheme_not_for_course"
        closed = await partnerships.scheme(world.institute["id"], status="closed")
        await bursary_apply(client, learner, application["id"], closed["id"], status=422)
        too_many = {f"field_{i}": True for i in range(51)}
        await bursary_apply(
            client, learner, application["id"], scheme["id"], status=422, answers=too_many
        )
        await bursary_apply(
            client, learner, application["id"], scheme["id"], status=422, answers=[1]
        )
        assert (await client.get("/v1/bursary-applications", headers=learner.headers)).json()[
            "total"
        ] == 0

    async def test_one_bursary_application_per_scheme_and_only_for_ones_own_sent_application(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        again = await bursary_apply(client, learner, application["id"], scheme["id"], status=409)
        assert again["code"] == "duplicate-bursary-application"
        other = Learner(tokens)
        theirs = await bursary_apply(client, other, application["id"], scheme["id"], status=422)
        assert theirs["errors"][0]["field"] == "body.application_id"
        intake = await world.intake()
        draft = await apply(client, learner, intake["id"], submit=False)
        refused = await bursary_apply(client, learner, draft["id"], scheme["id"], status=409)
        assert "draft" in refused["detail"]

    async def test_the_same_idempotency_key_answers_with_the_same_bursary_application(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        application = await apply(client, learner, intake["id"])
        scheme = await partnerships.scheme(world.institute["id"])
        body = {"application_id": application["id"], "scheme_id": scheme["id"]}
        headers = {**learner.headers, "Idempotency-Key": "bursary-1"}
        first = await client.post("/v1/bursary-applications", json=body, headers=headers)
        again = await client.post("/v1/bursary-applications", json=body, headers=headers)
        assert first.status_code == again.status_code == 201
        assert first.json()["id"] == again.json()["id"]
        assert again.headers["Idempotent-Replayed"] == "true"


class TestDecide:
    async def test_staff_award_it_and_the_learner_sees_what_partnerships_holds(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        awarded = await award(client, staff(tokens, world.provider_id), bursary["id"])
        assert awarded["status"] == "awarded"
        assert awarded["award_state"] == "awarded"
        assert awarded["awarded_pence"] == 150_000
        [reservation] = await partnerships.reservations(scheme["id"])
        assert reservation["key"] == bursary["id"]
        assert reservation["status"] == "awarded"
        seen = await client.get(
            f"/v1/bursary-applications/{bursary['id']}", headers=learner.headers
        )
        assert seen.json()["status"] == "awarded"
        assert seen.json()["awarded_pence"] == await partnerships.awarded_pence(scheme["id"])
        # Asking again changes nothing.
        again = await award(client, staff(tokens, world.provider_id), bursary["id"])
        assert again["awarded_pence"] == 150_000
        assert len(await partnerships.reservations(scheme["id"])) == 1
        declined = await client.post(
            f"/v1/bursary-applications/{bursary['id']}/decline",
            json={"reason": "Too late"},
            headers=staff(tokens, world.provider_id),
        )
        assert declined.status_code == 409

    async def test_only_the_providers_staff_decide(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        outsider = staff(tokens, world.other_provider_id)
        url = f"/v1/bursary-applications/{bursary['id']}"
        assert (await client.get(url, headers=outsider)).status_code == 404
        assert (await client.post(f"{url}/award", headers=outsider)).status_code == 404
        declined = await client.post(f"{url}/decline", json={"reason": "No"}, headers=outsider)
        assert declined.status_code == 404
        assert (await client.post(f"{url}/award", headers=learner.headers)).status_code == 403
        other = Learner(tokens)
        assert (await client.get(url, headers=other.headers)).status_code == 404
        assert (await client.post(f"{url}/withdraw", headers=other.headers)).status_code == 404
        assert await partnerships.reservations(scheme["id"]) == []
        listed = await client.get(
            "/v1/bursary-applications", headers=staff(tokens, world.provider_id)
        )
        assert [b["id"] for b in listed.json()["items"]] == [bursary["id"]]

    async def test_a_declined_or_withdrawn_bursary_is_never_awarded(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        decider = staff(tokens, world.provider_id)
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        url = f"/v1/bursary-applications/{bursary['id']}"
        no_reason = await client.post(f"{url}/decline", json={}, headers=decider)
        assert no_reason.status_code == 422
        declined = await client.post(
            f"{url}/decline", json={"reason": "Evidence missing"}, headers=decider
        )
        assert declined.status_code == 200, declined.text
        assert declined.json()["status"] == "declined"
        assert declined.json()["decision_reason"] == "Evidence missing"
        await award(client, decider, bursary["id"], status=409)
        intake = await world.intake()
        second = await apply(client, learner, intake["id"])
        other = await bursary_apply(client, learner, second["id"], scheme["id"])
        withdrawn = await client.post(
            f"/v1/bursary-applications/{other['id']}/withdraw", headers=learner.headers
        )
        assert withdrawn.json()["status"] == "withdrawn"
        await award(client, decider, other["id"], status=409)
        assert await partnerships.reservations(scheme["id"]) == []

    async def test_no_award_once_the_course_application_has_ended(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        await move(client, learner.headers, application["id"], "withdrawn")
        refused = await award(client, staff(tokens, world.provider_id), bursary["id"], status=409)
        assert "withdrawn" in refused["detail"]
        assert await partnerships.reservations(scheme["id"]) == []

    async def test_a_full_scheme_refuses_the_award_and_holds_nothing(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        decider = staff(tokens, world.provider_id)
        learner, application, scheme, first = await eligible_bursary(
            client, world, partnerships, tokens, max_awards=1
        )
        intake = await world.intake()
        other = Learner(tokens)
        await client.put("/v1/me/profile", json=PROFILE, headers=other.headers)
        second_application = await apply(client, other, intake["id"])
        second = await bursary_apply(
            client, other, second_application["id"], scheme["id"], answers=INCOME
        )
        await award(client, decider, first["id"])
        refused = await award(client, decider, second["id"], status=409)
        assert refused["code"] == "award-refused"
        assert refused["reason"] == "scheme-full"
        seen = await client.get(f"/v1/bursary-applications/{second['id']}", headers=other.headers)
        assert seen.json()["status"] == "eligible"
        assert seen.json()["award_state"] == "released"
        assert [r["status"] for r in await partnerships.reservations(scheme["id"])] == ["awarded"]
