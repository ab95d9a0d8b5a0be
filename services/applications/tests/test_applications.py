"""Applying to an intake, reading applications, and moving them through the state machine."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.catalogue_world import CatalogueWorld
from tests.people import Learner, staff


async def apply(
    client: AsyncClient, learner: Learner, intake_id: str, status: int = 201, **body: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/applications", json={"intake_id": intake_id, **body}, headers=learner.headers
    )
    assert response.status_code == status, response.text
    return dict(response.json())


async def move(
    client: AsyncClient,
    headers: dict[str, str],
    application_id: str,
    to: str,
    status: int = 200,
    **body: Any,
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/applications/{application_id}/transitions", json={"to": to, **body}, headers=headers
    )
    assert response.status_code == status, response.text
    return dict(response.json())


class TestApply:
    async def test_an_application_stores_the_course_provider_and_institute(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        created = await apply(client, learner, intake["id"], personal_statement="I love networks.")
        assert created["status"] == "submitted"
        assert created["course_id"] == intake["course_id"]
        assert created["course_title"] == intake["course"]["title"]
        assert created["provider_id"] == world.provider_id
        assert created["institute_id"] == world.institute["id"]
        assert created["start_date"] == intake["start_date"]
        assert created["learner_id"] == learner.id
        assert [(h["from_status"], h["to_status"], h["by"]) for h in created["history"]] == [
            (None, "draft", "learner"),
            ("draft", "submitted", "learner"),
        ]
        assert created["allowed_transitions"] == ["withdrawn"]
        listed = await client.get("/v1/applications", headers=learner.headers)
        assert [a["id"] for a in listed.json()["items"]] == [created["id"]]

    async def test_the_same_idempotency_key_answers_with_the_same_application(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        headers = {**learner.headers, "Idempotency-Key": "apply-once-1"}
        first = await client.post(
            "/v1/applications", json={"intake_id": intake["id"]}, headers=headers
        )
        again = await client.post(
            "/v1/applications", json={"intake_id": intake["id"]}, headers=headers
        )
        assert first.status_code == again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert again.headers.get("Idempotent-Replayed") == "true"
        other = await world.intake()
        reused = await client.post(
            "/v1/applications", json={"intake_id": other["id"]}, headers=headers
        )
        assert reused.status_code == 422
        assert reused.json()["errors"][0]["code"] == "idempotency_key_reused"
        listed = await client.get("/v1/applications", headers=learner.headers)
        assert listed.json()["total"] == 1

    async def test_a_second_active_application_to_the_same_intake_is_refused(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        first = await apply(client, learner, intake["id"])
        duplicate = await apply(client, learner, intake["id"], status=409)
        assert duplicate["code"] == "duplicate-application"
        assert duplicate["application_id"] == first["id"]
        # Another learner may apply, and so may this one once the first is withdrawn.
        await apply(client, Learner(tokens), intake["id"])
        await move(client, learner.headers, first["id"], "withdrawn", reason="Changed my mind")
        again = await apply(client, learner, intake["id"])
        assert again["id"] != first["id"]

    async def test_many_simultaneous_applications_to_one_intake_store_one(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        import asyncio

        intake = await world.intake()
        learner = Learner(tokens)
        answers = await asyncio.gather(
            *[
                client.post(
                    "/v1/applications", json={"intake_id": intake["id"]}, headers=learner.headers
                )
                for _ in range(6)
            ]
        )
        assert sorted(r.status_code for r in answers) == [201] + [409] * 5
        listed = await client.get("/v1/applications", headers=learner.headers)
        assert listed.json()["total"] == 1

    async def test_a_draft_is_kept_then_sent(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        draft = await apply(client, learner, intake["id"], submit=False)
        assert draft["status"] == "draft"
        assert draft["submitted_at"] is None
        assert draft["allowed_transitions"] == ["submitted", "withdrawn"]
        edited = await client.patch(
            f"/v1/applications/{draft['id']}",
            json={"personal_statement": "Now with more detail."},
            headers=learner.headers,
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["personal_statement"] == "Now with more detail."
        # Provider staff do not see drafts at all.
        hidden = await client.get(
            f"/v1/applications/{draft['id']}", headers=staff(tokens, world.provider_id)
        )
        assert hidden.status_code == 404
        sent = await move(client, learner.headers, draft["id"], "submitted")
        assert sent["status"] == "submitted"
        assert sent["submitted_at"] is not None
        too_late = await client.patch(
            f"/v1/applications/{draft['id']}",
            json={"personal_statement": "Changed after sending"},
            headers=learner.headers,
        )
        assert too_late.status_code == 409
        seen = await client.get(
            f"/v1/applications/{draft['id']}", headers=staff(tokens, world.provider_id)
        )
        assert seen.status_code == 200
        assert seen.json()["personal_statement"] == "Now with more detail."


class TestApplyRefusals:
    async def test_an_unknown_intake_is_refused(
        self, client: AsyncClient, tokens: TokenFactory, world: CatalogueWorld
    ):
        problem = await apply(client, Learner(tokens), str(uuid.uuid4()), status=422)
        assert problem["errors"][0]["field"] == "body.intake_id"
        assert problem["errors"][0]["code"] == "unknown_intake"

    async def test_an_intake_of_a_draft_course_is_refused(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake(status="draft")
        problem = await apply(client, Learner(tokens), intake["id"], status=422)
        assert problem["errors"][0]["field"] == "body.intake_id"

    async def test_an_intake_whose_deadline_passed_is_refused(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake(deadline_in_days=-1)
        problem = await apply(client, Learner(tokens), intake["id"], status=422)
        assert problem["errors"][0]["code"] == "intake_closed"
        assert intake["application_deadline"] in problem["detail"]
        learner = Learner(tokens)
        await apply(client, learner, intake["id"], status=422, submit=False)
        assert (await client.get("/v1/applications", headers=learner.headers)).json()["total"] == 0

    async def test_bad_input_is_a_problem_and_stores_nothing(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        cases: list[Any] = [
            {"intake_id": "not-a-uuid"},
            {},
            {"intake_id": intake["id"], "unexpected": True},
            {"intake_id": intake["id"], "personal_statement": "x" * 4001},
            {"intake_id": intake["id"], "personal_statement": "bell\x07"},
            {"intake_id": intake["id"], "submit": "perhaps"},
            [intake["id"]],
        ]
        for body in cases:
            response = await client.post("/v1/applications", json=body, headers=learner.headers)
            assert response.status_code == 422, (body, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["errors"]
        broken = await client.post(
            "/v1/applications",
            content=b'{"intake_id": ',
            headers={**learner.headers, "Content-Type": "application/json"},
        )
        assert broken.status_code == 422
        bad_key = await client.post(
            "/v1/applications",
            json={"intake_id": intake["id"]},
            headers={**learner.headers, "Idempotency-Key": "spaces are not allowed"},
        )
        assert bad_key.status_code == 422
        assert (await client.get("/v1/applications", headers=learner.headers)).json()["total"] == 0

    async def test_only_learners_apply(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        body = {"intake_id": intake["id"]}
        assert (await client.post("/v1/applications", json=body)).status_code == 401
        as_staff = await client.post(
            "/v1/applications", json=body, headers=staff(tokens, world.provider_id)
        )
        assert as_staff.status_code == 403
        forged = await client.post(
            "/v1/applications", json=body, headers={"Authorization": "Bearer not.a.token"}
        )
        assert forged.status_code == 401


class TestTenancy:
    async def test_a_learner_never_sees_or_changes_another_learners_application(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        owner, other = Learner(tokens), Learner(tokens)
        created = await apply(client, owner, intake["id"])
        url = f"/v1/applications/{created['id']}"
        assert (await client.get(url, headers=other.headers)).status_code == 404
        moved = await client.post(
            f"{url}/transitions", json={"to": "withdrawn"}, headers=other.headers
        )
        assert moved.status_code == 404
        assert (await client.get("/v1/applications", headers=other.headers)).json()["total"] == 0
        assert (await client.get(url, headers=owner.headers)).json()["status"] == "submitted"

    async def test_provider_staff_see_and_decide_only_their_providers_applications(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        mine = await world.intake(provider=0)
        theirs = await world.intake(provider=1)
        learner = Learner(tokens)
        to_mine = await apply(client, learner, mine["id"])
        to_theirs = await apply(client, learner, theirs["id"])
        own_staff = staff(tokens, world.provider_id)
        listed = await client.get("/v1/applications", headers=own_staff)
        assert [a["id"] for a in listed.json()["items"]] == [to_mine["id"]]
        url = f"/v1/applications/{to_theirs['id']}"
        assert (await client.get(url, headers=own_staff)).status_code == 404
        decided = await client.post(
            f"{url}/transitions", json={"to": "under_review"}, headers=own_staff
        )
        assert decided.status_code == 404
        their_staff = staff(tokens, world.other_provider_id)
        assert (await client.get(url, headers=their_staff)).json()["status"] == "submitted"
        reviewed = await move(client, own_staff, to_mine["id"], "under_review")
        assert reviewed["history"][-1]["by"] == "provider_staff"

    async def test_staff_without_a_provider_and_other_roles_are_refused(
        self, client: AsyncClient, tokens: TokenFactory
    ):
        no_org = tokens.bearer(roles=["provider_staff"])
        assert (await client.get("/v1/applications", headers=no_org)).status_code == 403
        employer = tokens.bearer(
            roles=["employer"], orgs=[{"type": "employer", "id": str(uuid.uuid4())}]
        )
        assert (await client.get("/v1/applications", headers=employer)).status_code == 403
        assert (await client.get("/v1/applications")).status_code == 401


class TestStateMachine:
    async def test_a_whole_journey_is_recorded_change_by_change(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        decider = staff(tokens, world.provider_id)
        created = await apply(client, learner, intake["id"])
        await move(client, decider, created["id"], "under_review")
        await move(client, decider, created["id"], "interview", reason="Interview on 3 March")
        offered = await move(
            client,
            decider,
            created["id"],
            "offer",
            offer_type="conditional",
            offer_conditions="A level maths at grade C",
        )
        assert offered["offer_type"] == "conditional"
        assert offered["offer_conditions"] == "A level maths at grade C"
        assert offered["decided_at"] is not None
        mine = await client.get(f"/v1/applications/{created['id']}", headers=learner.headers)
        assert mine.json()["allowed_transitions"] == ["accepted", "declined"]
        accepted = await move(client, learner.headers, created["id"], "accepted")
        assert accepted["allowed_transitions"] == ["withdrawn"]
        enrolled = await move(client, decider, created["id"], "enrolled")
        assert enrolled["allowed_transitions"] == []
        history = [
            (h["from_status"], h["to_status"], h["by"], h["reason"]) for h in enrolled["history"]
        ]
        assert history == [
            (None, "draft", "learner", None),
            ("draft", "submitted", "learner", None),
            ("submitted", "under_review", "provider_staff", None),
            ("under_review", "interview", "provider_staff", "Interview on 3 March"),
            ("interview", "offer", "provider_staff", None),
            ("offer", "accepted", "learner", None),
            ("accepted", "enrolled", "provider_staff", None),
        ]
        assert {h["by_id"] for h in enrolled["history"] if h["by"] == "learner"} == {learner.id}
        times = [h["at"] for h in enrolled["history"]]
        assert times == sorted(times)

    async def test_an_illegal_transition_names_the_allowed_ones(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        decider = staff(tokens, world.provider_id)
        created = await apply(client, learner, intake["id"])
        problem = await move(client, decider, created["id"], "enrolled", status=409)
        assert problem["code"] == "illegal-transition"
        assert problem["allowed"] == ["under_review", "rejected"]
        assert "under_review, rejected" in problem["detail"]
        problem = await move(client, learner.headers, created["id"], "accepted", status=409)
        assert problem["allowed"] == ["withdrawn"]
        # A change that exists but is someone else's to make.
        refused = await move(client, learner.headers, created["id"], "under_review", status=403)
        assert "provider staff" in refused["detail"]
        await move(client, learner.headers, created["id"], "withdrawn")
        ended = await move(client, decider, created["id"], "under_review", status=409)
        assert ended["allowed"] == []
        again = await client.get(f"/v1/applications/{created['id']}", headers=learner.headers)
        assert again.json()["status"] == "withdrawn"
        assert len(again.json()["history"]) == 3

    async def test_decisions_need_their_details(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        decider = staff(tokens, world.provider_id)
        created = await apply(client, learner, intake["id"])
        await move(client, decider, created["id"], "under_review")
        no_reason = await move(client, decider, created["id"], "rejected", status=422)
        assert no_reason["errors"][0]["field"] == "body.reason"
        for body in (
            {"to": "offer"},
            {"to": "offer", "offer_type": "conditional"},
            {"to": "offer", "offer_type": "unconditional", "offer_conditions": "Something"},
            {"to": "interview", "offer_type": "conditional"},
            {"to": "offer", "offer_type": "maybe"},
            {"to": "nowhere"},
            {"to": "rejected", "reason": "r" * 1001},
        ):
            response = await client.post(
                f"/v1/applications/{created['id']}/transitions", json=body, headers=decider
            )
            assert response.status_code == 422, (body, response.text)
        rejected = await move(
            client, decider, created["id"], "rejected", reason="The course is full of stars"
        )
        assert rejected["history"][-1]["reason"] == "The course is full of stars"
        assert rejected["status"] == "rejected"

    async def test_a_repeated_transition_with_its_key_is_made_once(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        decider = {**staff(tokens, world.provider_id), "Idempotency-Key": "review-1"}
        created = await apply(client, learner, intake["id"])
        url = f"/v1/applications/{created['id']}/transitions"
        first = await client.post(url, json={"to": "under_review"}, headers=decider)
        again = await client.post(url, json={"to": "under_review"}, headers=decider)
        assert first.status_code == again.status_code == 200
        assert len(again.json()["history"]) == 3

    async def test_two_simultaneous_changes_make_one(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        import asyncio

        intake = await world.intake()
        learner = Learner(tokens)
        decider = staff(tokens, world.provider_id)
        created = await apply(client, learner, intake["id"])
        url = f"/v1/applications/{created['id']}/transitions"
        answers = await asyncio.gather(
            client.post(url, json={"to": "under_review"}, headers=decider),
            client.post(url, json={"to": "rejected", "reason": "No"}, headers=decider),
            client.post(url, json={"to": "withdrawn"}, headers=learner.headers),
        )
        assert sorted(r.status_code for r in answers) == [200, 409, 409]
        final = (
            await client.get(f"/v1/applications/{created['id']}", headers=learner.headers)
        ).json()
        assert len(final["history"]) == 3
        assert final["history"][-1]["to_status"] == final["status"]

    async def test_the_state_machine_is_published(self, client: AsyncClient):
        response = await client.get("/v1/application-transitions")
        assert response.status_code == 200
        rules = {(r["from_status"], r["to_status"]): r["by"] for r in response.json()}
        assert rules[("offer", "accepted")] == ["learner"]
        assert rules[("submitted", "under_review")] == ["provider_staff"]
        assert ("withdrawn", "submitted") not in rules

    async def test_lists_filter_and_page(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        decider = staff(tokens, world.provider_id)
        first, second = await world.intake(), await world.intake()
        made = [await apply(client, Learner(tokens), first["id"]) for _ in range(3)]
        await apply(client, Learner(tokens), second["id"])
        await move(client, decider, made[0]["id"], "under_review")
        by_intake = await client.get(
            "/v1/applications", params={"intake": first["id"]}, headers=decider
        )
        assert by_intake.json()["total"] == 3
        by_status = await client.get(
            "/v1/applications", params={"status": "under_review"}, headers=decider
        )
        assert [a["id"] for a in by_status.json()["items"]] == [made[0]["id"]]
        page = await client.get(
            "/v1/applications", params={"limit": 2, "offset": 2}, headers=decider
        )
        assert page.json()["total"] == 4
        assert len(page.json()["items"]) == 2
        bad = await client.get("/v1/applications", params={"limit": 0}, headers=decider)
        assert bad.status_code == 422
        bad = await client.get("/v1/applications", params={"status": "lost"}, headers=decider)
        assert bad.status_code == 422
        assert (await client.get("/v1/applications/not-a-uuid", headers=decider)).status_code == 422
