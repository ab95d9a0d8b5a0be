from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from catalogue.course.schemas import CourseRead, IntakeRead
from catalogue.vocab import CourseStatus, DeliveryMode, Qualification, StudyMode
from servicekit.paging import DEFAULT_LIMIT, MAX_LIMIT, Page

SortKey = Literal["relevance", "start_date", "distance", "title"]
MAX_Q = 500
Level = Annotated[int, Field(ge=3, le=7)]
Ids = Annotated[list[uuid.UUID] | None, Field(max_length=50)]


class SearchParams(BaseModel):
    """The search's query parameters, validated in one step (as fast as one parameter)."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(None, max_length=MAX_Q, description='Words, "phrases", -exclusions')
    sector: list[str] | None = Field(None, max_length=20, description="Sector slug")
    level: list[Level] | None = Field(None, max_length=5)
    level_min: Level | None = None
    level_max: Level | None = None
    qualification: list[Qualification] | None = Field(None, max_length=20)
    delivery_mode: list[DeliveryMode] | None = Field(None, max_length=3)
    study_mode: list[StudyMode] | None = Field(None, max_length=2)
    institute: Ids = Field(None, description="Institute id")
    provider: Ids = Field(None, description="Provider id")
    region: list[uuid.UUID] | None = Field(None, max_length=20, description="Region id")
    status: list[CourseStatus] | None = Field(None, max_length=3)
    slug: str | None = Field(None, max_length=220)
    starts_after: date | None = Field(None, description="An intake starts on or after")
    starts_before: date | None = Field(None, description="An intake starts on or before")
    has_open_intake: bool | None = Field(
        None, description="An intake's application deadline has not passed"
    )
    postcode: str | None = Field(None, max_length=10, description="'HU1 3DX' or 'HU1'")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    radius_km: float | None = Field(None, gt=0, le=1000, description="Needs a place; up to 1000")
    sort: SortKey | None = None
    facets: bool = Field(True, description="Include facet counts")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (1-100)")
    offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip")


class NearestCampus(BaseModel):
    id: uuid.UUID
    name: str
    town: str
    postcode: str


class CourseHit(CourseRead):
    next_intake: IntakeRead | None = Field(
        description="The soonest-starting intake whose application deadline has not passed"
    )
    distance_km: float | None = Field(
        description="Kilometres to the course's nearest campus, when a place was given"
    )
    nearest_campus: NearestCampus | None = Field(
        description="The campus the distance is measured to, when a place was given"
    )


class FacetValue(BaseModel):
    value: str = Field(description="What to pass back as the filter, e.g. `digital` or `4`")
    label: str
    count: int = Field(
        description="Matching courses with this value, ignoring this facet's own filter"
    )


class Facets(BaseModel):
    sector: list[FacetValue]
    level: list[FacetValue]
    qualification: list[FacetValue]
    delivery_mode: list[FacetValue]
    study_mode: list[FacetValue]
    institute: list[FacetValue]
    region: list[FacetValue]


class Place(BaseModel):
    postcode: str | None = Field(description="The postcode district searched from, e.g. `HU1`")
    latitude: float
    longitude: float
    radius_km: float | None


class CourseSearchPage(Page[CourseHit]):
    sort: SortKey = Field(description="The order actually applied")
    fuzzy: bool = Field(
        description="True when the words as typed found too little and close spellings were used"
    )
    place: Place | None
    facets: Facets | None = Field(description="Left out when `facets=false`")


class Suggestion(BaseModel):
    kind: Literal["sector", "title"]
    text: str
    sector: str | None = Field(description="The sector's slug, for `kind=sector`")
    count: int = Field(description="Published courses behind the suggestion")


class Suggestions(BaseModel):
    items: list[Suggestion]
