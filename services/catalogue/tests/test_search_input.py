"""Whatever is typed or sent, search answers 200 or a 4xx problem naming the field, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.search.analysis import parse
from catalogue.search.schemas import CourseSearchPage, Suggestions
from tests.search_world import SearchWorld

SYNTAX = list("&|!:*()\"'\\~^[]{}-+/<>=?.,;@#%") + ["\x00", "AND", "OR", "NOT", "TO", "*:*"]
WORDS = ["engineering", "enginering", "hnc", "digital", "cyber", "renewabel", "level", "4", "hull"]
DRAFT = "HNC in Marine Engineering"


@pytest.fixture
def world(search_world: SearchWorld) -> SearchWorld:
    return search_world


def problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    if field is not None:  # list parameters name the item: query.level.0
        fields = {e["field"] for e in body.get("errors", [])}
        assert any(f == field or f.startswith(field + ".") for f in fields), body
    return body


class TestQueryText:
    async def test_too_long(self, api: AsyncClient, world: SearchWorld):
        problem(await api.get("/v1/courses", params={"q": "a" * 501}), 422, "query.q")
        problem(await api.get("/v1/courses", params={"q": "word " * 2000}), 422, "query.q")
        assert (await api.get("/v1/courses", params={"q": "a" * 500})).status_code == 200

    @pytest.mark.parametrize(
        "q",
        [
            "&|!:*()\"'\\~^[]{}",
            "\x00",
            '"',
            "'",
            '"engineering',
            'engineering"',
            '""',
            "-",
            "--",
            '-"',
            "- - -",
            "title:engineering",
            "engin*",
            "engineering~2",
            "level:[3 TO 5]",
            "(hnc OR hnd) AND NOT digital",
            "\\\\\\",
            "((((((((",
            "🛠️ engineering 🔧",
            "a" * 60,
            "the of and",
            "x " * 250,
        ],
    )
    async def test_query_syntax_never_breaks_search(
        self, api: AsyncClient, world: SearchWorld, q: str
    ):
        response = await api.get("/v1/courses", params={"q": q, "postcode": "HU1"})
        assert response.status_code == 200, response.text
        CourseSearchPage.model_validate(response.json())
        suggest = await api.get("/v1/courses/suggest", params={"q": q[:100]})
        assert suggest.status_code == 200, suggest.text

    async def test_stop_words_alone_match_nothing_in_particular(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = (await api.get("/v1/courses", params={"q": "the of and"})).json()
        assert body["total"] == 9  # no words left to match: everything visible, by title
        assert body["sort"] == "title"


class TestPlace:
    async def test_unknown_postcode(self, api: AsyncClient, world: SearchWorld):
        body = problem(await api.get("/v1/courses", params={"postcode": "ZZ99"}), 422)
        assert body["errors"][0]["code"] == "unknown_postcode"
        assert "ZZ99" in body["detail"]
        problem(await api.get("/v1/courses", params={"postcode": "nowhere"}), 422, "query.postcode")
        problem(await api.get("/v1/courses", params={"q": "hnc near ZZ99"}), 422, "query.q")

    @pytest.mark.parametrize("radius", ["0", "-5", "1000.5", "abc"])
    async def test_bad_radius(self, api: AsyncClient, world: SearchWorld, radius: str):
        params = {"postcode": "HU1", "radius_km": radius}
        problem(await api.get("/v1/courses", params=params), 422, "query.radius_km")

    async def test_radius_without_a_place(self, api: AsyncClient, world: SearchWorld):
        params = {"radius_km": "10"}
        problem(await api.get("/v1/courses", params=params), 422, "query.radius_km")

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"lat": "95", "lng": "0"}, "query.lat"),
            ({"lat": "53.7", "lng": "-181"}, "query.lng"),
            ({"lat": "53.7"}, "query.lng"),
            ({"lng": "-0.3"}, "query.lat"),
            ({"lat": "north", "lng": "0"}, "query.lat"),
            ({"lat": "53.7", "lng": "-0.3", "postcode": "HU1"}, "query.postcode"),
        ],
    )
    async def test_bad_coordinates(
        self, api: AsyncClient, world: SearchWorld, params: dict[str, str], field: str
    ):
        problem(await api.get("/v1/courses", params=params), 422, field)


class TestOtherParameters:
    async def test_unknown_sort_lists_the_allowed_ones(self, api: AsyncClient, world: SearchWorld):
        body = problem(
            await api.get("/v1/courses", params={"sort": "popularity"}), 422, "query.sort"
        )
        for allowed in ("relevance", "start_date", "distance", "title"):
            assert allowed in body["errors"][0]["message"]

    async def test_distance_sort_needs_a_place(self, api: AsyncClient, world: SearchWorld):
        problem(await api.get("/v1/courses", params={"sort": "distance"}), 422, "query.sort")

    async def test_unknown_sector_lists_the_allowed_ones(
        self, api: AsyncClient, world: SearchWorld
    ):
        body = problem(
            await api.get("/v1/courses", params={"sector": ["digital", "astrology"]}),
            422,
            "query.sector",
        )
        assert "astrology" in body["detail"]
        assert "green-energy" in body["detail"]

    async def test_unknown_ids(self, api: AsyncClient, world: SearchWorld):
        missing = "00000000-0000-4000-8000-000000000000"
        for name in ("institute", "provider", "region"):
            response = await api.get("/v1/courses", params={name: missing})
            problem(response, 422, f"query.{name}")
        problem(await api.get("/v1/courses", params={"region": "not-a-uuid"}), 422, "query.region")

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"level": "8"}, "query.level"),
            ({"level_min": "6", "level_max": "4"}, "query.level_min"),
            ({"starts_after": "2030-01-01", "starts_before": "2029-01-01"}, "query.starts_after"),
            ({"starts_after": "next tuesday"}, "query.starts_after"),
            ({"has_open_intake": "maybe"}, "query.has_open_intake"),
            ({"qualification": "phd"}, "query.qualification"),
            ({"limit": "0"}, "query.limit"),
            ({"limit": "101"}, "query.limit"),
            ({"offset": "-1"}, "query.offset"),
        ],
    )
    async def test_bad_values_name_the_field(
        self, api: AsyncClient, world: SearchWorld, params: dict[str, str], field: str
    ):
        problem(await api.get("/v1/courses", params=params), 422, field)

    async def test_suggest_needs_short_text(self, api: AsyncClient, world: SearchWorld):
        problem(await api.get("/v1/courses/suggest"), 422, "query.q")
        problem(await api.get("/v1/courses/suggest", params={"q": "e" * 101}), 422, "query.q")
        problem(
            await api.get("/v1/courses/suggest", params={"q": "e", "limit": 11}), 422, "query.limit"
        )


# -- property-based ----------------------------------------------------------------------------

typed = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=12).map("".join),
)
PROPERTY = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@given(q=typed)
def test_every_string_parses(q: str):
    parsed = parse(q)
    assert len(parsed.clauses) <= 16
    assert all(c.text.strip() for c in parsed.clauses)


@PROPERTY
@given(q=typed, postcode=st.sampled_from([None, "HU1", "LN2 5HQ"]))
async def test_any_query_answers_and_never_shows_a_draft(
    api: AsyncClient, world: SearchWorld, q: str, postcode: str | None
):
    params = {"q": q} if postcode is None else {"q": q, "postcode": postcode}
    response = await api.get("/v1/courses", params=params)
    assert response.status_code == 200, response.text
    page = CourseSearchPage.model_validate(response.json())
    assert page.total >= len(page.items)
    assert DRAFT not in [item.title for item in page.items]
    assert page.facets is not None
    assert sum(v.count for v in page.facets.sector) == page.total


@PROPERTY
@given(q=st.one_of(st.text(max_size=100), typed.map(lambda s: s[:100])))
async def test_any_prefix_suggests_at_most_ten_published_things(
    api: AsyncClient, world: SearchWorld, q: str
):
    response = await api.get("/v1/courses/suggest", params={"q": q})
    assert response.status_code == 200, response.text
    items = Suggestions.model_validate(response.json()).items
    assert len(items) <= 10
    assert DRAFT not in [i.text for i in items]
