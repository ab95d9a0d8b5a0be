"""A learner's own data: the profile, the export of everything, and deleting it all."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.catalogue_world import CatalogueWorld
from tests.partnerships import Partnerships
from tests.people import Learner, integrator, service, staff
from tests.test_applications import apply, move
from tests.test_bursaries import PROFILE, award, bursary_apply, eligible_bursary

FULL_PROFILE: dict[str, Any] = {
    **PROFILE,
    "email": "asha@example.org",
    "phone": "+44 1904 770000",
    "address": "12 Heslington Lane, York",
    "care_leaver": False,
    "young_carer": False,
    "disabled": False,
    "estranged": False,
    "free_school_meals": True,
}


class TestProfile:
    async def test_an_empty_profile_then_a_saved_one(
        self, client: AsyncClient, tokens: TokenFactory
    ):
        learner = Learner(tokens)
        empty = await client.get("/v1/me/profile", headers=learner.headers)
        assert empty.status_code == 200
        assert empty.json()["learner_id"] == learner.id
        assert empty.json()["full_name"] is None
        assert empty.json()["updated_at"] is None
        saved = await client.put("/v1/me/profile", json=FULL_PROFILE, headers=learner.headers)
        assert saved.status_code == 200, saved.text
        assert saved.json()["home_postcode"] == "YO10 5DD"
        assert saved.json()["household_income_band"] == "under_20k"
        again = (await client.get("/v1/me/profile", headers=learner.headers)).json()
        assert again["free_school_meals"] is True
        assert again["updated_at"] is not None
        # What is left out is kept; null clears a field.
        changed = await client.put(
            "/v1/me/profile", json={"full_name": "Asha L", "phone": None}, headers=learner.headers
        )
        assert changed.json()["home_postcode"] == "YO10 5DD"
        assert changed.json()["full_name"] == "Asha L"
        assert changed.json()["phone"] is None
        other = await client.get("/v1/me/profile", headers=Learner(tokens).headers)
        assert other.json()["full_name"] is None

    async def test_bad_profiles_are_refused_and_change_nothing(
        self, client: AsyncClient, tokens: TokenFactory
    ):
        learner = Learner(tokens)
        await client.put("/v1/me/profile", json=FULL_PROFILE, headers=learner.headers)
        for field, value in (
            ("home_postcode", "NOT A POSTCODE"),
            ("household_income_band", "about 20k"),
            ("household_income_band", 19000),
            ("email", "not-an-email"),
            ("phone", "call me"),
            ("date_of_birth", "14/03/2007"),
            ("full_name", ""),
            ("full_name", "x" * 201),
            ("full_name", "null\x00byte"),
            ("care_leaver", "sometimes"),
            ("shoe_size", 9),
        ):
            response = await client.put(
                "/v1/me/profile", json={**FULL_PROFILE, field: value}, headers=learner.headers
            )
            assert response.status_code == 422, (field, value, response.text)
            assert response.json()["errors"][0]["field"] == f"body.{field}"
        kept = (await client.get("/v1/me/profile", headers=learner.headers)).json()
        assert kept["email"] == "asha@example.org"

    async def test_only_learners_have_a_profile(
        self, client: AsyncClient, tokens: TokenFactory, world: CatalogueWorld
    ):
        assert (await client.get("/v1/me/profile")).status_code == 401
        assert (
            await client.get("/v1/me/profile", headers=staff(tokens, world.provider_id))
        ).status_code == 403

    async def test_the_providers_staff_see_the_applicants_contact_details(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        await client.put("/v1/me/profile", json=FULL_PROFILE, headers=learner.headers)
        application = await apply(client, learner, intake["id"])
        seen = await client.get(
            f"/v1/applications/{application['id']}", headers=staff(tokens, world.provider_id)
        )
        assert seen.json()["applicant"]["email"] == "asha@example.org"
        assert "household_income_band" not in seen.json()["applicant"]


class TestExport:
    async def test_the_export_holds_everything_about_the_learner_and_nothing_else(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        intake = await world.intake()
        draft = await apply(client, learner, intake["id"], submit=False)
        someone_else = Learner(tokens)
        await apply(client, someone_else, intake["id"])
        exported = await client.get("/v1/me/export", headers=learner.headers)
        assert exported.status_code == 200
        data = exported.json()
        assert data["learner_id"] == learner.id
        assert data["profile"]["household_income_band"] == "under_20k"
        assert {a["id"] for a in data["applications"]} == {application["id"], draft["id"]}
        sent = next(a for a in data["applications"] if a["id"] == application["id"])
        assert [h["to_status"] for h in sent["history"]] == ["draft", "submitted"]
        assert [b["id"] for b in data["bursary_applications"]] == [bursary["id"]]
        assert data["bursary_applications"][0]["answers"]["home_postcode_area"] == "YO"


class TestDeletion:
    async def test_deletion_removes_profile_and_drafts_withdraws_open_ones_anonymises_the_rest(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        decider = staff(tokens, world.provider_id)
        learner, awarded_app, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        await award(client, decider, bursary["id"])
        await move(client, decider, awarded_app["id"], "under_review")
        await move(client, decider, awarded_app["id"], "offer", offer_type="unconditional")
        await move(client, learner.headers, awarded_app["id"], "accepted")
        await move(client, decider, awarded_app["id"], "enrolled")
        open_intake, draft_intake, rejected_intake = (
            await world.intake(),
            await world.intake(),
            await world.intake(),
        )
        still_open = await apply(client, learner, open_intake["id"], personal_statement="Hire me")
        pending = await bursary_apply(client, learner, still_open["id"], scheme["id"])
        draft = await apply(client, learner, draft_intake["id"], submit=False)
        rejected = await apply(client, learner, rejected_intake["id"])
        await move(client, learner.headers, rejected["id"], "withdrawn", reason="My own words")
        before = await client.get(
            "/v1/applications/changes", headers=integrator(tokens, world.provider_id)
        )
        cursor = before.json()["next_cursor"]

        deleted = await client.delete("/v1/me", headers=learner.headers)
        assert deleted.status_code == 204

        # The learner has nothing left here.
        assert (await client.get("/v1/me/profile", headers=learner.headers)).json()[
            "full_name"
        ] is None
        assert (await client.get("/v1/applications", headers=learner.headers)).json()["total"] == 0
        exported = (await client.get("/v1/me/export", headers=learner.headers)).json()
        assert exported["applications"] == []
        assert exported["bursary_applications"] == []
        # Staff see the decisions and figures, never the person.
        enrolled = (
            await client.get(f"/v1/applications/{awarded_app['id']}", headers=decider)
        ).json()
        assert (enrolled["status"], enrolled["learner_id"], enrolled["applicant"]) == (
            "enrolled",
            None,
            None,
        )
        assert enrolled["anonymised_at"] is not None
        assert enrolled["personal_statement"] == ""
        assert all(h["by_id"] is None for h in enrolled["history"] if h["by"] == "learner")
        withdrawn = (
            await client.get(f"/v1/applications/{still_open['id']}", headers=decider)
        ).json()
        assert withdrawn["status"] == "withdrawn"
        assert (withdrawn["history"][-1]["by"], withdrawn["history"][-1]["from_status"]) == (
            "system",
            "submitted",
        )
        assert withdrawn["personal_statement"] == ""
        own_words = (await client.get(f"/v1/applications/{rejected['id']}", headers=decider)).json()
        assert own_words["history"][-1]["reason"] is None
        assert (
            await client.get(f"/v1/applications/{draft['id']}", headers=decider)
        ).status_code == 404
        kept_award = (
            await client.get(f"/v1/bursary-applications/{bursary['id']}", headers=decider)
        ).json()
        assert (kept_award["status"], kept_award["awarded_pence"]) == ("awarded", 150_000)
        assert (kept_award["learner_id"], kept_award["answers"]) == (None, {})
        closed = (
            await client.get(f"/v1/bursary-applications/{pending['id']}", headers=decider)
        ).json()
        assert closed["status"] == "withdrawn"
        assert await partnerships.awarded_pence(scheme["id"]) == 150_000
        # Integrators hear of every change, without the person.
        after = await client.get(
            "/v1/applications/changes",
            params={"since": cursor},
            headers=integrator(tokens, world.provider_id),
        )
        changed = {c["application"]["id"]: c for c in after.json()["items"]}
        assert set(changed) == {awarded_app["id"], still_open["id"], rejected["id"]}
        assert all(
            c["applicant"] is None and c["application"]["learner_id"] is None
            for c in changed.values()
        )
        # Deleting again is harmless; applying again starts afresh.
        assert (await client.delete("/v1/me", headers=learner.headers)).status_code == 204
        fresh = await apply(client, learner, open_intake["id"])
        assert fresh["id"] != still_open["id"]

    async def test_deletion_waits_for_an_award_in_flight(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        partnerships: Partnerships,
        tokens: TokenFactory,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        partnerships.proxy.after("POST", r"/reservations$", partnerships.stop)
        try:
            response = await client.post(
                f"/v1/bursary-applications/{bursary['id']}/award",
                headers=staff(tokens, world.provider_id),
            )
            assert response.status_code == 503
        finally:
            partnerships.start()
        refused = await client.delete("/v1/me", headers=learner.headers)
        assert refused.status_code == 409
        assert refused.json()["code"] == "award-in-progress"
        assert (await client.get("/v1/me/profile", headers=learner.headers)).json()[
            "full_name"
        ] == "Asha Learner"

    async def test_platform_services_erase_a_learner_whose_account_is_gone(
        self, client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        await client.put("/v1/me/profile", json=FULL_PROFILE, headers=learner.headers)
        application = await apply(client, learner, intake["id"])
        url = f"/v1/learners/{learner.id}"
        assert (await client.delete(url, headers=learner.headers)).status_code == 403
        assert (
            await client.delete(url, headers=staff(tokens, world.provider_id))
        ).status_code == 403
        assert (await client.delete(url, headers=service(tokens))).status_code == 204
        seen = await client.get(
            f"/v1/applications/{application['id']}", headers=staff(tokens, world.provider_id)
        )
        assert (seen.json()["status"], seen.json()["learner_id"]) == ("withdrawn", None)
