"""Course search as a learner uses it, on a small realistic catalogue (see ``search_world``).

Every test runs on SQLite and on PostgreSQL; the exact answers asserted here are the same on
both, which is what "one search implementation for both databases" promises.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from catalogue.search.schemas import CourseSearchPage, Suggestions
from tests.search_world import SearchWorld


@pytest.fixture
def world(search_world: SearchWorld) -> SearchWorld:
    return search_world


async def search(api: AsyncClient, **params: Any) -> dict[str, Any]:
    response = await api.get("/v1/courses", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    CourseSearchPage.model_validate(body)  # the answer keeps its documented shape
    return body


def keys(world: SearchWorld, body: dict[str, Any]) -> list[str]:
    return [world.key_of(item["id"]) for item in body["items"]]


def facet(body: dict[str, Any], name: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in body["facets"][name]}


class TestDoneWhen:
    async def test_engineering_near_hu1_puts_hull_area_courses_first(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = await search(api, q="engineering", postcode="HU1 3DX")
        assert body["sort"] == "distance"
        assert keys(world, body)[:2] == ["hull_electrical", "beverley_mechanical"]
        distances = [item["distance_km"] for item in body["items"]]
        assert distances == sorted(distances)
        assert distances[0] < 1
        assert distances[1] == pytest.approx(12.8, abs=0.2)
        assert body["items"][0]["nearest_campus"]["town"] == "Hull"
        assert "hull_marine_draft" not in keys(world, body)  # anonymous: published only
        assert facet(body, "sector") == {"engineering": 5, "digital": 1, "health": 1}
        assert body["place"] == {
            "postcode": "HU1",
            "latitude": pytest.approx(53.743),
            "longitude": pytest.approx(-0.337, abs=0.001),
            "radius_km": None,
        }

    async def test_near_postcode_typed_into_the_query(self, api: AsyncClient, world: SearchWorld):
        typed = await search(api, q="engineering near HU1")
        explicit = await search(api, q="engineering", postcode="HU1")
        assert keys(world, typed) == keys(world, explicit)
        assert typed["place"]["postcode"] == "HU1"

    async def test_whole_answer_is_exact(self, api: AsyncClient, world: SearchWorld):
        """The same ordered answer on every backend (this test runs on both)."""
        body = await search(api, q="engineering", postcode="HU1", radius_km=100)
        assert keys(world, body) == [
            "hull_electrical",
            "beverley_mechanical",
            "lincoln_control",
            "lincoln_software",
            "leeds_civil",
        ]
        assert [i["distance_km"] for i in body["items"]] == [0.0, 12.8, 55.0, 55.0, 79.8]
        assert body["total"] == 5
        assert facet(body, "level") == {"4": 2, "5": 2, "6": 1}
        assert facet(body, "study_mode") == {"full_time": 3, "part_time": 2}


class TestFullText:
    async def test_stemming_finds_engineering_from_engineer(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = await search(api, q="engineer")
        assert "hull_electrical" in keys(world, body)
        assert body["total"] == 7

    async def test_title_matches_rank_above_description_matches(
        self, api: AsyncClient, world: SearchWorld
    ):
        found = keys(world, await search(api, q="engineering"))
        # 'engineering' only in their descriptions ("software engineering", "clinical engineering")
        assert set(found[-2:]) == {"lincoln_software", "london_health"}

    async def test_quoted_phrase(self, api: AsyncClient, world: SearchWorld):
        body = await search(api, q='"electrical engineering"')
        assert keys(world, body) == ["london_electrical"]  # not "Electrical and Electronic"

    async def test_exclusion(self, api: AsyncClient, world: SearchWorld):
        found = keys(world, await search(api, q="engineering -electrical"))
        assert "hull_electrical" not in found
        assert "london_electrical" not in found
        assert "beverley_mechanical" in found

    async def test_only_exclusions(self, api: AsyncClient, world: SearchWorld):
        body = await search(api, q="-engineering")
        assert set(keys(world, body)) == {"hull_cyber", "beverley_renewable"}

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("renewabel", "beverley_renewable"),
            ("cybr", "hull_cyber"),
            ("mechancal", "beverley_mechanical"),
        ],
    )
    async def test_misspellings_still_find_courses(
        self, api: AsyncClient, world: SearchWorld, typed: str, expected: str
    ):
        body = await search(api, q=typed)
        assert keys(world, body)[0] == expected
        assert body["fuzzy"] is True

    async def test_a_real_but_rare_word_is_not_fuzzed(self, api: AsyncClient, world: SearchWorld):
        body = await search(api, q="hull college")
        assert set(keys(world, body)) == {"hull_electrical", "hull_cyber"}
        assert body["fuzzy"] is False

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("East Riding College", {"beverley_mechanical", "beverley_renewable"}),  # provider
            ("Lincolnshire Institute", {"lincoln_control", "lincoln_software"}),  # institute
            ("green energy", {"beverley_renewable"}),  # sector name
            ("foundation degree", {"leeds_civil", "london_health"}),  # qualification
        ],
    )
    async def test_names_around_the_course_match(
        self, api: AsyncClient, world: SearchWorld, q: str, expected: set[str]
    ):
        assert set(keys(world, await search(api, q=q))) == expected


class TestFilters:
    async def test_or_within_and_across(self, api: AsyncClient, world: SearchWorld):
        body = await search(api, sector=["engineering", "digital"], level=[4])
        assert set(keys(world, body)) == {"hull_electrical", "lincoln_software"}
        body = await search(api, sector="engineering", study_mode="part_time")
        assert set(keys(world, body)) == {"hull_electrical", "leeds_civil"}

    async def test_level_range(self, api: AsyncClient, world: SearchWorld):
        body = await search(api, level_min=6, level_max=7)
        assert set(keys(world, body)) == {"lincoln_control", "london_electrical"}

    async def test_institute_region_provider(self, api: AsyncClient, world: SearchWorld):
        lincs = await search(api, institute=world.institutes["lincs"]["id"])
        assert set(keys(world, lincs)) == {"lincoln_control", "lincoln_software"}
        london = await search(api, region=world.regions["TLI"]["id"])
        assert set(keys(world, london)) == {"london_electrical", "london_health"}
        hull = await search(api, provider=world.providers["hull"]["id"])
        assert set(keys(world, hull)) == {"hull_electrical", "hull_cyber"}

    async def test_start_dates_and_open_intakes(self, api: AsyncClient, world: SearchWorld):
        today = date.today()
        soon = await search(
            api,
            starts_after=(today + timedelta(days=35)).isoformat(),
            starts_before=(today + timedelta(days=65)).isoformat(),
        )
        assert set(keys(world, soon)) == {"hull_cyber", "beverley_renewable"}
        closed = await search(api, has_open_intake="false")
        assert keys(world, closed) == ["lincoln_software"]
        assert closed["items"][0]["next_intake"] is None
        opened = await search(api, has_open_intake="true")
        assert opened["total"] == 8

    async def test_next_open_intake_is_the_soonest_still_open(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = await search(api, slug=world.courses["hull_electrical"]["slug"])
        intake = body["items"][0]["next_intake"]
        assert intake["start_date"] == (date.today() + timedelta(days=90)).isoformat()
        assert intake["is_open"] is True
        assert intake["campus_id"] == world.campuses["hull"]["id"]


class TestPlace:
    async def test_radius_keeps_courses_with_a_campus_within_it(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = await search(api, postcode="HU1", radius_km=20)
        assert set(keys(world, body)) == {
            "hull_electrical",
            "hull_cyber",
            "beverley_mechanical",
            "beverley_renewable",
        }
        assert all(item["distance_km"] <= 20 for item in body["items"])

    async def test_lat_lng_match_the_postcode(self, api: AsyncClient, world: SearchWorld):
        by_postcode = await search(api, postcode="LN2 5HQ", radius_km=60)
        by_point = await search(api, lat=53.2595, lng=-0.510366, radius_km=60)
        assert keys(world, by_postcode) == keys(world, by_point)
        assert set(keys(world, by_point)) == {
            "lincoln_control",
            "lincoln_software",
            "hull_electrical",
            "hull_cyber",
        }

    async def test_distance_sort_pages_follow_on(self, api: AsyncClient, world: SearchWorld):
        whole = await search(api, postcode="EC1V", limit=100)
        pages = [await search(api, postcode="EC1V", limit=3, offset=o) for o in (0, 3, 6)]
        assert keys(world, whole) == [k for p in pages for k in keys(world, p)]
        assert keys(world, whole)[:2] in (
            ["london_electrical", "london_health"],
            ["london_health", "london_electrical"],
        )
        distances = [i["distance_km"] for i in whole["items"]]
        assert distances == sorted(distances)

    async def test_distance_without_a_radius_or_place_is_null(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = await search(api, q="engineering")
        assert all(item["distance_km"] is None for item in body["items"])


class TestFacets:
    async def test_a_facet_ignores_its_own_filter(self, api: AsyncClient, world: SearchWorld):
        body = await search(api, sector="digital")
        assert set(keys(world, body)) == {"hull_cyber", "lincoln_software"}
        # choosing Digital still shows how many Green energy (and other) courses there are
        assert facet(body, "sector") == {
            "engineering": 5,
            "digital": 2,
            "green-energy": 1,
            "health": 1,
        }
        # other facets count only Digital courses
        assert facet(body, "level") == {"3": 1, "4": 1}
        labels = {v["value"]: v["label"] for v in body["facets"]["sector"]}
        assert labels["green-energy"] == "Green energy"

    async def test_two_filters_each_ignoring_only_its_own(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = await search(api, sector="engineering", level=5)
        assert set(keys(world, body)) == {"beverley_mechanical", "leeds_civil"}
        assert facet(body, "sector") == {"engineering": 2, "health": 1}  # level 5 courses
        assert facet(body, "level") == {"4": 1, "5": 2, "6": 2}  # engineering courses
        assert facet(body, "region") == {world.regions["TLE"]["id"]: 2}

    async def test_facets_can_be_left_out(self, api: AsyncClient, world: SearchWorld):
        body = await search(api, q="engineering", facets="false")
        assert body["facets"] is None


class TestSorting:
    async def test_start_date_puts_soonest_open_intake_first(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = await search(api, sort="start_date", limit=100)
        assert keys(world, body)[:3] == ["hull_cyber", "beverley_renewable", "hull_electrical"]
        assert keys(world, body)[-1] == "lincoln_software"  # no open intake: last

    async def test_title_order_by_default_without_words(self, api: AsyncClient, world: SearchWorld):
        body = await search(api, limit=100)
        titles = [item["title"] for item in body["items"]]
        assert body["sort"] == "title"
        assert titles == sorted(titles, key=str.casefold)
        assert body["total"] == 9

    async def test_relevance_by_default_with_words(self, api: AsyncClient, world: SearchWorld):
        body = await search(api, q="electrical")
        assert body["sort"] == "relevance"
        # in title and summary beats in title only
        assert keys(world, body) == ["hull_electrical", "london_electrical"]

    async def test_paging(self, api: AsyncClient, world: SearchWorld):
        first = await search(api, limit=4)
        second = await search(api, limit=4, offset=4)
        assert first["total"] == second["total"] == 9
        assert not set(keys(world, first)) & set(keys(world, second))
        past = await search(api, limit=4, offset=40)
        assert past["items"] == []
        assert past["total"] == 9


class TestSuggest:
    async def test_sectors_then_titles_by_prefix(self, api: AsyncClient, world: SearchWorld):
        response = await api.get("/v1/courses/suggest", params={"q": "eng"})
        assert response.status_code == 200
        items = Suggestions.model_validate(response.json()).items
        assert items[0].kind == "sector"
        assert items[0].sector == "engineering"
        assert items[0].count == 5
        titles = [i.text for i in items if i.kind == "title"]
        assert "HNC in Electrical and Electronic Engineering" in titles
        assert "HNC in Marine Engineering" not in titles  # a draft
        assert len(items) <= 10

    async def test_earlier_words_must_match_whole(self, api: AsyncClient, world: SearchWorld):
        response = await api.get("/v1/courses/suggest", params={"q": "hnc ele"})
        assert [i["text"] for i in response.json()["items"]] == [
            "HNC in Electrical and Electronic Engineering"
        ]

    async def test_limit(self, api: AsyncClient, world: SearchWorld):
        response = await api.get("/v1/courses/suggest", params={"q": "e", "limit": 2})
        assert len(response.json()["items"]) == 2

    async def test_nothing_typed(self, api: AsyncClient, world: SearchWorld):
        response = await api.get("/v1/courses/suggest", params={"q": "  "})
        assert response.json() == {"items": []}


class TestDrafts:
    async def test_staff_see_their_own_drafts_only(self, api: AsyncClient, world: SearchWorld):
        own = await api.get("/v1/courses", params={"q": "marine"}, headers=world.staff("hull"))
        assert keys(world, own.json()) == ["hull_marine_draft"]
        other = await api.get(
            "/v1/courses", params={"q": "marine"}, headers=world.staff("beverley")
        )
        assert other.json()["items"] == []
        anonymous = await api.get("/v1/courses", params={"q": "marine"})
        assert anonymous.json()["items"] == []

    async def test_drafts_do_not_leak_into_anonymous_facets(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = await search(api, provider=world.providers["hull"]["id"])
        assert facet(body, "level") == {"3": 1, "4": 1}
        staff = await api.get(
            "/v1/courses",
            params={"provider": world.providers["hull"]["id"]},
            headers=world.staff("hull"),
        )
        assert facet(staff.json(), "level") == {"3": 1, "4": 2}
