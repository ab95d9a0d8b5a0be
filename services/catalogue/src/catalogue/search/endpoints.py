"""``GET /v1/courses`` (the course search) and ``GET /v1/courses/suggest`` (type-ahead)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response

from catalogue.geo import locate, outward_code
from catalogue.search.analysis import parse, split_near
from catalogue.search.index import CourseIndex, Origin, SearchRequest, Visibility
from catalogue.search.schemas import CourseSearchPage, SearchParams, Suggestions
from catalogue.search.service import SearchService, utc_today
from servicekit.auth import OptionalPrincipal, Principal
from servicekit.errors import FieldError, ServiceUnavailable, Unprocessable

router = APIRouter(prefix="/v1", tags=["courses"])
SEARCH_DESCRIPTION = """
Search the catalogue. Anonymous callers see published courses; staff also see their own
organisations' drafts and archived courses (another provider's drafts never appear).

- **q**: words that must all appear (title, summary, description, sector, qualification, provider
  and institute names; title matches rank highest; "engineer" finds "engineering"),
  `"a phrase"`, `-word` to exclude. A word found in no course is matched to close spellings
  ("renewabel" finds "renewable") and the answer says `fuzzy: true`. A trailing
  `near <postcode>` in `q` works like `postcode`.
- **Filters**: several values of one filter mean OR (`level=4&level=5`), different filters AND.
- **Place**: `postcode` (full or district, `HU1 3DX` or `HU1`) or `lat`+`lng`; `radius_km` keeps
  courses with a campus within that distance; every result then carries `distance_km` to its
  nearest campus.
- **sort**: `relevance` (the default with `q`), `distance` (the default with a place),
  `start_date` (next open intake), `title` (the default otherwise).
- **facets**: counts per sector, level, qualification, delivery mode, study mode, institute and
  region over the matches; each facet's counts ignore that facet's own filter.
"""


async def search_service(request: Request) -> SearchService:  # async: no thread hop
    service: SearchService = request.app.state.search
    return service


async def ready_index(search: Annotated[SearchService, Depends(search_service)]) -> CourseIndex:
    if search.current is None:
        raise ServiceUnavailable(
            "The course search index is still being built; try again in a few seconds.",
            headers={"Retry-After": "5"},
        )
    return search.current


IndexDep = Annotated[CourseIndex, Depends(ready_index)]


def visibility_for(principal: Principal | None) -> Visibility:
    if principal is None:
        return Visibility()
    if principal.is_network_admin:
        return Visibility(everything=True)
    providers = principal.org_ids("provider") if principal.has_role("provider_staff") else set()
    institutes = principal.org_ids("institute") if principal.has_role("institute_admin") else set()
    return Visibility(providers=frozenset(providers), institutes=frozenset(institutes))


def _invalid(field: str, message: str, code: str = "invalid") -> Unprocessable:
    return Unprocessable.for_field(field, message, code)


def _place(
    postcode: str | None, lat: float | None, lng: float | None, field: str
) -> tuple[Origin | None, str | None]:
    if postcode is not None and (lat is not None or lng is not None):
        raise _invalid("query.postcode", "Send a postcode or lat and lng, not both.", "conflict")
    if (lat is None) != (lng is None):
        missing = "query.lng" if lng is None else "query.lat"
        raise _invalid(missing, "Send lat and lng together.", "incomplete_coordinates")
    if lat is not None and lng is not None:
        return Origin(lat, lng), None
    if postcode is None:
        return None, None
    code = outward_code(postcode)
    if code is None:
        raise _invalid(field, f"'{postcode[:20]}' is not a UK postcode, e.g. 'HU1 3DX' or 'HU1'.")
    district = locate(postcode)
    if district is None:
        raise _invalid(field, f"Postcode district '{code}' is not known.", "unknown_postcode")
    return Origin(district.latitude, district.longitude), code


def _known(
    field: str, values: list[Any] | None, known: Callable[[], dict[Any, str]], what: str
) -> tuple[Any, ...]:
    """422 naming the unknown values, listing the allowed ones when there are few. ``known``
    is called only when the filter is used."""
    if not values:
        return ()
    allowed_values = known()
    unknown = [v for v in values if v not in allowed_values]
    if unknown:
        allowed = sorted(allowed_values.values(), key=str)
        listing = f" Allowed: {', '.join(str(a) for a in allowed)}." if len(allowed) <= 50 else ""
        message = f"Unknown {what}: {', '.join(str(u)[:60] for u in unknown[:5])}.{listing}"
        raise Unprocessable(
            message, errors=[FieldError(field=field, message=message, code="unknown")]
        )
    return tuple(dict.fromkeys(values))


@router.get(
    "/courses",
    summary="Search courses",
    description=SEARCH_DESCRIPTION,
    response_model=CourseSearchPage,
    responses={**Unprocessable.schema_response(), **ServiceUnavailable.schema_response()},
)
async def search_courses(
    index: IndexDep,
    principal: OptionalPrincipal,
    params: Annotated[SearchParams, Query()],
) -> Response:
    p = params
    sort = p.sort
    text = p.q or ""
    origin, place_code = _place(p.postcode, p.lat, p.lng, "query.postcode")
    if origin is None:
        text, near = split_near(text)
        if near is not None:
            origin, place_code = _place(near, None, None, "query.q")
    if p.radius_km is not None and origin is None:
        raise _invalid("query.radius_km", "radius_km needs a postcode or lat and lng.", "no_place")
    if sort == "distance" and origin is None:
        raise _invalid("query.sort", "sort=distance needs a postcode or lat and lng.", "no_place")
    if p.level_min is not None and p.level_max is not None and p.level_min > p.level_max:
        raise _invalid("query.level_min", "level_min must not be above level_max.", "range")
    if p.starts_after and p.starts_before and p.starts_after > p.starts_before:
        raise _invalid(
            "query.starts_after", "starts_after must not be after starts_before.", "range"
        )

    ref = index.ref
    parsed = parse(text)
    has_text = not parsed.is_empty
    if sort is None:
        sort = "distance" if origin is not None else "relevance" if has_text else "title"
    request = SearchRequest(
        text=parsed if has_text else None,
        sectors=_known(
            "query.sector", p.sector, lambda: {s: s for s in ref.sector_by_slug()}, "sector"
        ),
        levels=tuple(dict.fromkeys(p.level or ())),
        level_min=p.level_min,
        level_max=p.level_max,
        qualifications=tuple(v.value for v in p.qualification or ()),
        delivery_modes=tuple(v.value for v in p.delivery_mode or ()),
        study_modes=tuple(v.value for v in p.study_mode or ()),
        institutes=_known(
            "query.institute",
            p.institute,
            lambda: {i: f"{i} ({v.name})" for i, v in ref.institutes.items()},
            "institute",
        ),
        providers=_known(
            "query.provider", p.provider, lambda: {i: str(i) for i in ref.providers}, "provider"
        ),
        regions=_known(
            "query.region",
            p.region,
            lambda: {r: f"{r} ({n})" for r, n in ref.regions.items()},
            "region",
        ),
        statuses=tuple(v.value for v in p.status or ()),
        slug=p.slug,
        starts_after=p.starts_after,
        starts_before=p.starts_before,
        has_open_intake=p.has_open_intake,
        origin=origin,
        radius_km=p.radius_km,
        sort=sort,
        limit=p.limit,
        offset=p.offset,
        facets=p.facets,
        visibility=visibility_for(principal),
    )
    body = index.search(request, utc_today())
    body["place"] = (
        {
            "postcode": place_code,
            "latitude": origin.latitude,
            "longitude": origin.longitude,
            "radius_km": p.radius_km,
        }
        if origin is not None
        else None
    )
    return Response(orjson.dumps(body), media_type="application/json")


@router.get(
    "/courses/suggest",
    summary="Type-ahead: sectors and course titles whose words start with what was typed",
    response_model=Suggestions,
    responses={**Unprocessable.schema_response(), **ServiceUnavailable.schema_response()},
)
async def suggest_courses(
    index: IndexDep,
    q: Annotated[str, Query(max_length=100, description="What has been typed so far")],
    limit: Annotated[int, Query(ge=1, le=10)] = 10,
) -> Response:
    body = {"items": index.suggest(q, limit)}
    return Response(orjson.dumps(body), media_type="application/json")
