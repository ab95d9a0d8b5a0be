from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from partnerships.vocab import (
    Email,
    EventKind,
    EventStatus,
    IdempotencyKey,
    LongText,
    Name,
    Pence,
    Phone,
    ShortText,
)

_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def _postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    match = _FULL_POSTCODE.match(compact)
    if not match:
        raise ValueError("must be a full UK postcode, e.g. 'HU6 7RX'")
    return f"{match.group(1)} {match.group(2)}"


Postcode = Annotated[str, StringConstraints(max_length=10), AfterValidator(_postcode)]
YearGroup = Annotated[int, Field(ge=1, le=13, description="School year group (England), 1-13")]
Urn = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$"),
    Field(description="The school's Unique Reference Number: 6 digits", examples=["118123"]),
]


class EventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    employer_id: uuid.UUID
    institute_id: uuid.UUID = Field(description="The catalogue's institute id (the host)")
    kind: EventKind
    title: Name
    description: LongText = ""
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    venue: ShortText = Field(min_length=1)
    venue_postcode: Postcode
    capacity_pupils: int = Field(ge=1, le=10_000)
    year_groups: list[YearGroup] = Field(min_length=1, max_length=13)
    fund_id: uuid.UUID | None = Field(
        default=None, description="The fund whose outreach allocation pays for the event"
    )
    budget_pence: Pence | None = Field(
        default=None, description="Spent from the fund's outreach allocation (needs fund_id)"
    )
    idempotency_key: IdempotencyKey | None = None


class EventUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Name | None = None
    description: LongText | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    venue: ShortText | None = None
    venue_postcode: Postcode | None = None
    capacity_pupils: int | None = Field(default=None, ge=1, le=10_000)
    year_groups: list[YearGroup] | None = Field(default=None, min_length=1, max_length=13)


class EventRead(BaseModel):
    id: uuid.UUID
    employer_id: uuid.UUID
    institute_id: uuid.UUID
    fund_id: uuid.UUID | None
    kind: EventKind
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    venue_postcode: str
    capacity_pupils: int
    year_groups: list[int]
    status: EventStatus
    pupils_registered: int
    places_left: int
    schools_registered: int
    created_at: datetime
    updated_at: datetime


class RegistrationCreate(BaseModel):
    """A school's registration (the public form)."""

    model_config = ConfigDict(extra="forbid")
    school_name: Name
    urn: Urn
    teacher_name: Name
    teacher_email: Email
    teacher_phone: Phone | None = None
    pupils: int = Field(ge=1, le=1000)
    year_group: YearGroup


class RegistrationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    event_id: uuid.UUID
    school_name: str
    urn: str
    teacher_name: str
    teacher_email: str
    teacher_phone: str | None
    pupils: int
    year_group: int
    created_at: datetime


class RegistrationConfirmation(BaseModel):
    """What the school sees after registering."""

    id: uuid.UUID
    event_id: uuid.UUID
    event_title: str
    school_name: str
    urn: str
    pupils: int
    starts_at: datetime
    venue: str
