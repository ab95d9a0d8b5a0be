"""The service's closed vocabularies and constrained types, shared by its schemas."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, Strict, StringConstraints


class EmployerStatus(StrEnum):
    pending = "pending"
    verified = "verified"
    suspended = "suspended"


class SizeBand(StrEnum):
    micro = "micro"  # fewer than 10 people
    small = "small"  # 10 to 49
    medium = "medium"  # 50 to 249
    large = "large"  # 250 or more


class Region(StrEnum):
    """The UK's ITL1 regions (the catalogue's regions, by slug)."""

    north_east = "north-east"
    north_west = "north-west"
    yorkshire_and_the_humber = "yorkshire-and-the-humber"
    east_midlands = "east-midlands"
    west_midlands = "west-midlands"
    east_of_england = "east-of-england"
    london = "london"
    south_east = "south-east"
    south_west = "south-west"
    wales = "wales"
    scotland = "scotland"
    northern_ireland = "northern-ireland"


class PartnershipKind(StrEnum):
    sponsorship = "sponsorship"
    equipment = "equipment"
    co_development = "co_development"
    placements = "placements"
    curriculum_advice = "curriculum_advice"


class PartnershipStatus(StrEnum):
    proposed = "proposed"
    active = "active"
    ended = "ended"


class FundStatus(StrEnum):
    active = "active"
    closed = "closed"


class Purpose(StrEnum):
    """What a fund's money is allocated to."""

    bursaries = "bursaries"
    outreach = "outreach"
    equipment = "equipment"
    other = "other"


class EntryKind(StrEnum):
    """Ledger entry kinds; each moves ``amount_pence`` between two of a fund's accounts."""

    pledge = "pledge"  # (the sponsor) -> unallocated
    allocate = "allocate"  # unallocated -> purpose
    assign = "assign"  # bursaries purpose -> a scheme's available money
    reserve = "reserve"  # scheme available -> scheme held (one award, pending a decision)
    award = "award"  # scheme held -> awarded (paid to a learner)
    release = "release"  # scheme held -> scheme available (released or expired)
    spend = "spend"  # purpose -> spent (outreach events, equipment, other)


class SchemeStatus(StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"


class ReservationStatus(StrEnum):
    held = "held"
    awarded = "awarded"
    released = "released"
    expired = "expired"


class EventKind(StrEnum):
    steam_challenge = "steam_challenge"
    workshop = "workshop"
    careers_talk = "careers_talk"
    site_visit = "site_visit"
    other = "other"


class EventStatus(StrEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"


class OpportunityKind(StrEnum):
    placement = "placement"
    work_experience = "work_experience"
    vacancy = "vacancy"
    industry_project = "industry_project"


class OpportunityStatus(StrEnum):
    draft = "draft"
    published = "published"
    closed = "closed"


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_COMPANIES_HOUSE = re.compile(r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$")
_OUTWARD = re.compile(r"^([A-Z]{1,2})[0-9][A-Z0-9]?$")
_AREA = re.compile(r"^[A-Z]{1,2}$")
_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("must be lower-case letters, digits and single hyphens, e.g. 'digital'")
    return value


def _companies_house(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    if not _COMPANIES_HOUSE.match(compact):
        raise ValueError(
            "must be 8 characters: 8 digits, or 2 letters and 6 digits (e.g. '01234567' or "
            "'SC123456')"
        )
    return compact


def postcode_district(value: str) -> str | None:
    """'hu1 3dx' or 'HU1' -> 'HU1'; ``None`` when it is neither a full postcode nor a district."""
    compact = re.sub(r"\s+", "", value).upper()
    full = _FULL_POSTCODE.match(compact)
    if full:
        return full.group(1)
    return compact if _OUTWARD.match(compact) else None


def postcode_area(district: str) -> str:
    """'HU17' -> 'HU'."""
    match = _OUTWARD.match(district)
    return match.group(1) if match else district


def normalise_place(value: str) -> tuple[str, str] | None:
    """A place filter: ``("area", "HU")``, ``("district", "HU1")`` or ``None`` (not a postcode)."""
    compact = re.sub(r"\s+", "", value).upper()
    if _AREA.match(compact):
        return "area", compact
    district = postcode_district(compact)
    return ("district", district) if district else None


def _district(value: str) -> str:
    district = postcode_district(value)
    if district is None:
        raise ValueError("must be a UK postcode or its district, e.g. 'HU1 3DX' or 'HU1'")
    return district


def _area(value: str) -> str:
    compact = value.strip().upper()
    if not _AREA.match(compact):
        raise ValueError("must be a postcode area: one or two letters, e.g. 'HU'")
    return compact


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
    StringConstraints(strip_whitespace=True, max_length=5000),
    AfterValidator(_no_control_characters),
]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=120), AfterValidator(_slug)]
Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=300, pattern=r"^https?://[^\s]+$"),
]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=254, pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
    ),
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=30, pattern=r"^\+?[0-9 ()-]{6,29}$")
]
CompaniesHouseNumber = Annotated[
    str,
    StringConstraints(max_length=12),
    AfterValidator(_companies_house),
    Field(description="8 characters: 8 digits, or 2 letters and 6 digits", examples=["09876543"]),
]
PostcodeDistrict = Annotated[
    str,
    StringConstraints(max_length=10),
    AfterValidator(_district),
    Field(description="A UK postcode or its district; stored as the district", examples=["HU1"]),
]
PostcodeArea = Annotated[str, StringConstraints(max_length=2), AfterValidator(_area)]
IdempotencyKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:\-]+$"),
    Field(description="Repeating a request with the same key returns the first answer"),
]

MAX_PENCE = 100_000_000_000  # GBP 1 billion: far beyond any sponsorship, far below overflow
Pence = Annotated[
    int,
    Strict(),
    Field(ge=1, le=MAX_PENCE, description="A positive whole number of pence (GBP 1 = 100)"),
]
