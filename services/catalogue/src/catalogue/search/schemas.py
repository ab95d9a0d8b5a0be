from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field
from servicekit.paging import Page

from catalogue.course.schemas import CourseRead, IntakeRead

SortKey = Literal["relevance", "start_date", "distance", "title"]


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
