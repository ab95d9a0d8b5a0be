"""The catalogue's closed vocabularies and constrained text types, shared by its schemas."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, StringConstraints


class LicenceStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    expired = "expired"


class ProviderType(StrEnum):
    fe_college = "fe_college"
    university = "university"
    independent_training_provider = "independent_training_provider"


class Qualification(StrEnum):
    htq = "htq"
    hnc = "hnc"
    hnd = "hnd"
    foundation_degree = "foundation_degree"
    apprenticeship = "apprenticeship"
    degree_apprenticeship = "degree_apprenticeship"
    bootcamp = "bootcamp"
    short_course = "short_course"
    t_level = "t_level"
    bachelors_degree = "bachelors_degree"
    masters_degree = "masters_degree"


class DeliveryMode(StrEnum):
    in_person = "in_person"
    online = "online"
    blended = "blended"


class StudyMode(StrEnum):
    full_time = "full_time"
    part_time = "part_time"


class CourseStatus(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("must be lower-case letters, digits and single hyphens, e.g. 'hnc-in-ai'")
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control_characters),
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    AfterValidator(_no_control_characters),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2000),
    AfterValidator(_no_control_characters),
]
Description = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=20_000),
    AfterValidator(_no_control_characters),
]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_slug)]
Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=300, pattern=r"^https?://[^\s]+$"),
]


def slugify(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:200] or "item"


QUALIFICATION_LABELS: dict[str, str] = {
    "htq": "Higher Technical Qualification (HTQ)",
    "hnc": "Higher National Certificate (HNC)",
    "hnd": "Higher National Diploma (HND)",
    "foundation_degree": "Foundation degree",
    "apprenticeship": "Apprenticeship",
    "degree_apprenticeship": "Degree apprenticeship",
    "bootcamp": "Skills Bootcamp",
    "short_course": "Short course",
    "t_level": "T Level",
    "bachelors_degree": "Bachelor's degree",
    "masters_degree": "Master's degree",
}
DELIVERY_MODE_LABELS: dict[str, str] = {
    "in_person": "In person",
    "online": "Online",
    "blended": "Blended",
}
STUDY_MODE_LABELS: dict[str, str] = {"full_time": "Full time", "part_time": "Part time"}
