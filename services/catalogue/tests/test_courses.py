"""Courses and intakes: public reads, staff writes, tenancy, and every kind of bad input."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import World, institute_admin, make_world, provider_staff


@pytest.fixture
async def world(client: AsyncClient, tokens: TokenFactory) -> World:
    return await make_world(client, tokens)


class TestPublicReads:
    async def test_anonymous_sees_published_not_drafts(self, client: AsyncClient, world: World):
        published = await world.course(client, title="HNC Renewable Energy")
        draft = await world.course(client, title="HND Draft Course", status="draft")
        response = await client.get("/v1/courses")
        assert response.status_code == 200
        ids = [c["id"] for c in response.json()["items"]]
        assert published["id"] in ids
        assert draft["id"] not in ids
        assert (await client.get(f"/v1/courses/{draft['id']}")).status_code == 404
        assert (await client.get(f"/v1/courses/{published['id']}")).status_code == 200

    async def test_paging_reports_total_and_empty_page_past_end(
        self, client: AsyncClient, world: World
    ):
        for _ in range(3):
            await world.course(client)
        page = (await client.get("/v1/courses", params={"limit": 2, "offset": 0})).json()
        assert page["total"] == 3
        assert len(page["items"]) == 2
        past = (await client.get("/v1/courses", params={"limit": 2, "offset": 10})).json()
        assert past["items"] == []
        assert past["total"] == 3

    async def test_filters_combine(self, client: AsyncClient, world: World):
        level4 = await world.course(client, level=4, study_mode="part_time")
        level5 = await world.course(client, level=5, study_mode="full_time")
        both = await client.get("/v1/courses", params=[("level", 4), ("level", 5)])
        assert {c["id"] for c in both.json()["items"]} == {level4["id"], level5["id"]}
        one = await client.get("/v1/courses", params={"level": 5, "study_mode": "part_time"})
        assert one.json()["items"] == []
        by_sector = await client.get("/v1/courses", params={"sector": world.sector["slug"]})
        assert by_sector.json()["total"] == 2

    async def test_course_detail_lists_intakes_with_open_flag(
        self, client: AsyncClient, world: World
    ):
        course = await world.course(client)
        response = await client.post(
            f"/v1/courses/{course['id']}/intakes", json=world.intake_body(), headers=world.staff
        )
        assert response.status_code == 201, response.text
        detail = (await client.get(f"/v1/courses/{course['id']}")).json()
        assert len(detail["intakes"]) == 1
        assert detail["intakes"][0]["is_open"] is True
        intake = (await client.get(f"/v1/intakes/{response.json()['id']}")).json()
        assert intake["provider_id"] == world.provider["id"]
        assert intake["course_status"] == "published"


class TestStaffWrites:
    async def test_staff_create_then_publish(self, client: AsyncClient, world: World):
        draft = await world.course(client, status="draft", title="BSc Digital Engineering")
        assert draft["slug"] == "bsc-digital-engineering"
        # the provider's staff see their own draft
        seen = await client.get(f"/v1/courses/{draft['id']}", headers=world.staff)
        assert seen.status_code == 200
        published = await client.patch(
            f"/v1/courses/{draft['id']}", json={"status": "published"}, headers=world.staff
        )
        assert published.status_code == 200
        assert (await client.get(f"/v1/courses/{draft['id']}")).status_code == 200

    async def test_institute_admin_edits_institute_course(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        course = await world.course(client)
        response = await client.patch(
            f"/v1/courses/{course['id']}",
            json={"fee_pence": 700000},
            headers=institute_admin(tokens, world.institute["id"]),
        )
        assert response.status_code == 200
        assert response.json()["fee_pence"] == 700000

    async def test_duplicate_title_gets_a_distinct_slug(self, client: AsyncClient, world: World):
        a = await world.course(client, title="Cyber Security Bootcamp")
        b = await world.course(client, title="Cyber Security Bootcamp")
        assert a["slug"] != b["slug"]


class TestTenancy:
    async def test_no_token_is_401(self, client: AsyncClient, world: World):
        response = await client.post("/v1/courses", json=world.course_body())
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_learner_token_is_403(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        response = await client.post(
            "/v1/courses", json=world.course_body(), headers=tokens.bearer(roles=["learner"])
        )
        assert response.status_code == 403

    async def test_other_provider_staff_cannot_create_or_edit(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        other = await make_world(client, tokens)
        course = await world.course(client)
        create = await client.post("/v1/courses", json=world.course_body(), headers=other.staff)
        assert create.status_code == 403
        edit = await client.patch(
            f"/v1/courses/{course['id']}", json={"title": "Hijacked"}, headers=other.staff
        )
        assert edit.status_code == 403
        assert (await client.get(f"/v1/courses/{course['id']}")).json()["title"] != "Hijacked"

    async def test_other_provider_draft_is_404(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        other = await make_world(client, tokens)
        draft = await world.course(client, status="draft")
        response = await client.get(f"/v1/courses/{draft['id']}", headers=other.staff)
        assert response.status_code == 404
        listed = await client.get("/v1/courses", headers=other.staff, params={"status": "draft"})
        assert listed.json()["items"] == []

    @pytest.mark.parametrize(
        "token_kind", ["expired", "forged", "wrong_audience", "wrong_issuer", "garbage", "basic"]
    )
    async def test_bad_tokens_are_401(
        self, client: AsyncClient, world: World, tokens: TokenFactory, token_kind: str
    ):
        staff_claims = {
            "roles": ["provider_staff"],
            "orgs": [{"type": "provider", "id": world.provider["id"], "role": "member"}],
        }
        if token_kind == "expired":
            header = "Bearer " + tokens.mint(ttl=-120, **staff_claims)
        elif token_kind == "forged":
            header = "Bearer " + TokenFactory().mint(**staff_claims)  # same kid shape, other key
        elif token_kind == "wrong_audience":
            header = "Bearer " + TokenFactory(audience="someone-else").mint(**staff_claims)
        elif token_kind == "wrong_issuer":
            header = "Bearer " + TokenFactory(issuer="https://evil.example").mint(**staff_claims)
        elif token_kind == "garbage":
            header = "Bearer not.a.token"
        else:
            header = "Basic dXNlcjpwYXNz"
        response = await client.post(
            "/v1/courses", json=world.course_body(), headers={"Authorization": header}
        )
        assert response.status_code == 401, response.text
        assert (await client.get("/v1/courses")).json()["total"] == 0


def _fields(response) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}


class TestBadInput:
    async def test_malformed_json(self, client: AsyncClient, world: World):
        response = await client.post(
            "/v1/courses",
            content=b'{"title": "x",',
            headers={**world.staff, "content-type": "application/json"},
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "not valid JSON" in response.text

    @pytest.mark.parametrize(
        ("override", "field"),
        [
            ({"level": "four"}, "body.level"),
            ({"level": 8}, "body.level"),
            ({"qualification": "phd"}, "body.qualification"),
            ({"delivery_mode": "telepathy"}, "body.delivery_mode"),
            ({"fee_pence": -1}, "body.fee_pence"),
            ({"fee_pence": 12.5}, "body.fee_pence"),
            ({"title": "x" * 201}, "body.title"),
            ({"summary": "x" * 501}, "body.summary"),
            ({"title": "bad\x00title"}, "body.title"),
            ({"slug": "Not A Slug"}, "body.slug"),
            ({"unexpected": 1}, "body.unexpected"),
        ],
    )
    async def test_invalid_course_fields_name_the_field(
        self, client: AsyncClient, world: World, override: dict[str, object], field: str
    ):
        response = await client.post(
            "/v1/courses", json=world.course_body(**override), headers=world.staff
        )
        assert response.status_code == 422, response.text
        assert field in _fields(response)
        assert (await client.get("/v1/courses")).json()["total"] == 0

    async def test_unknown_foreign_ids(self, client: AsyncClient, world: World):
        response = await client.post(
            "/v1/courses", json=world.course_body(sector_id=str(uuid.uuid4())), headers=world.admin
        )
        assert response.status_code == 422
        assert _fields(response) == {"body.sector_id"}

    async def test_duplicate_slug_is_409(self, client: AsyncClient, world: World):
        await world.course(client, slug="hnc-robotics")
        response = await client.post(
            "/v1/courses", json=world.course_body(slug="hnc-robotics"), headers=world.staff
        )
        assert response.status_code == 409
        assert _fields(response) == {"body.slug"}

    async def test_provider_outside_institute_is_422(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        other = await make_world(client, tokens)
        body = world.course_body(institute_id=other.institute["id"])
        response = await client.post("/v1/courses", json=body, headers=world.admin)
        assert response.status_code == 422
        assert _fields(response) == {"body.institute_id"}

    async def test_intake_deadline_after_start(self, client: AsyncClient, world: World):
        course = await world.course(client)
        start = date.today() + timedelta(days=60)
        body = world.intake_body(
            start_date=start.isoformat(),
            application_deadline=(start + timedelta(days=1)).isoformat(),
        )
        response = await client.post(
            f"/v1/courses/{course['id']}/intakes", json=body, headers=world.staff
        )
        assert response.status_code == 422
        assert "application_deadline" in response.text

    async def test_intake_negative_capacity(self, client: AsyncClient, world: World):
        course = await world.course(client)
        response = await client.post(
            f"/v1/courses/{course['id']}/intakes",
            json=world.intake_body(capacity=-5),
            headers=world.staff,
        )
        assert response.status_code == 422
        assert _fields(response) == {"body.capacity"}

    async def test_intake_on_other_providers_campus(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        other = await make_world(client, tokens)
        course = await world.course(client)
        response = await client.post(
            f"/v1/courses/{course['id']}/intakes",
            json=world.intake_body(campus_id=other.campus["id"]),
            headers=world.admin,
        )
        assert response.status_code == 422
        assert _fields(response) == {"body.campus_id"}
        assert (await client.get(f"/v1/courses/{course['id']}")).json()["intakes"] == []

    async def test_intake_patch_cannot_break_dates(self, client: AsyncClient, world: World):
        course = await world.course(client)
        intake = (
            await client.post(
                f"/v1/courses/{course['id']}/intakes", json=world.intake_body(), headers=world.staff
            )
        ).json()
        late = (date.fromisoformat(intake["start_date"]) + timedelta(days=5)).isoformat()
        response = await client.patch(
            f"/v1/intakes/{intake['id']}", json={"application_deadline": late}, headers=world.staff
        )
        assert response.status_code == 422
        stored = (await client.get(f"/v1/intakes/{intake['id']}")).json()
        assert stored["application_deadline"] == intake["application_deadline"]

    async def test_unknown_filter_value_lists_allowed(self, client: AsyncClient):
        response = await client.get("/v1/courses", params={"study_mode": "sometimes"})
        assert response.status_code == 422
        assert "full_time" in response.text

    async def test_not_a_uuid_in_path(self, client: AsyncClient):
        response = await client.get("/v1/courses/not-a-uuid")
        assert response.status_code == 422
        assert _fields(response) == {"path.course_id"}

    async def test_patch_required_field_to_null(self, client: AsyncClient, world: World):
        course = await world.course(client)
        response = await client.patch(
            f"/v1/courses/{course['id']}", json={"title": None}, headers=world.staff
        )
        assert response.status_code == 422
        assert _fields(response) == {"body.title"}


async def test_staff_of_provider_write_campus_only_for_own(
    client: AsyncClient, world: World, tokens: TokenFactory
):
    other = await make_world(client, tokens)
    response = await client.post(
        "/v1/campuses",
        json={"provider_id": world.provider["id"], "name": "Sneaky", "postcode": "LN6 7TS"},
        headers=provider_staff(tokens, other.provider["id"]),
    )
    assert response.status_code == 403
