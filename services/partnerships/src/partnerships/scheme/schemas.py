from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from partnerships.ledger import SchemeBalances
from partnerships.vocab import (
    IdempotencyKey,
    LongText,
    Name,
    Pence,
    ReservationStatus,
    SchemeStatus,
    Slug,
)

RULE_DOC = (
    'Eligibility rule (JSON): `{"all": [...]}`, `{"any": [...]}`, `{"not": rule}` or a '
    'condition `{"field": f, "op": op, "value": v}`. Fields: household_income_pence, age, '
    "course_level (integers: eq ne lt lte gt gte between in not_in), home_postcode_area, "
    "home_region, course_sector (eq ne in not_in), care_leaver, first_in_family, young_carer, "
    "disabled, estranged, free_school_meals (booleans: eq ne). A rule that does not parse is "
    "refused with 422 naming its path."
)
Level = Annotated[int, Field(ge=3, le=7)]


class SchemeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fund_id: uuid.UUID
    name: Name
    description: LongText = ""
    institute_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=20, description="Institutes of the fund this scheme is for"
    )
    course_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=100, description="Eligible courses (none: any)"
    )
    sectors: list[Slug] = Field(default_factory=list, max_length=20, description="(none: any)")
    levels: list[Level] = Field(default_factory=list, max_length=5, description="3-7 (none: any)")
    award_pence: Pence
    max_awards: int = Field(ge=1, le=100_000)
    allocation_pence: Pence | None = Field(
        default=None,
        description="Money assigned from the fund's bursaries allocation; it must cover "
        "award_pence x max_awards (default: exactly that)",
    )
    opens_on: date
    closes_on: date
    eligibility: dict[str, Any] | None = Field(default=None, description=RULE_DOC)
    idempotency_key: IdempotencyKey | None = None


class SchemeUpdate(BaseModel):
    """While a scheme is a draft everything here may change; once open, only the name, the
    description and the closing date."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    description: LongText | None = None
    course_ids: list[uuid.UUID] | None = Field(default=None, max_length=100)
    sectors: list[Slug] | None = Field(default=None, max_length=20)
    levels: list[Level] | None = Field(default=None, max_length=5)
    max_awards: int | None = Field(default=None, ge=1, le=100_000)
    opens_on: date | None = None
    closes_on: date | None = None
    eligibility: dict[str, Any] | None = Field(default=None, description=RULE_DOC)


class SchemeBalanceRead(BaseModel):
    allocation_pence: int
    reserved_pence: int
    awarded_pence: int
    available_pence: int
    awards_held: int
    awards_made: int
    awards_left: int

    @classmethod
    def of(cls, b: SchemeBalances, max_awards: int) -> SchemeBalanceRead:
        return cls(
            allocation_pence=b.assigned,
            reserved_pence=b.held,
            awarded_pence=b.awarded,
            available_pence=b.available,
            awards_held=b.awards_held,
            awards_made=b.awards_made,
            awards_left=max(0, max_awards - b.awards_held - b.awards_made),
        )


class SchemeRead(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    employer_id: uuid.UUID
    name: str
    description: str
    institute_ids: list[uuid.UUID]
    course_ids: list[uuid.UUID]
    sectors: list[str]
    levels: list[int]
    award_pence: int
    max_awards: int
    opens_on: date
    closes_on: date
    status: SchemeStatus
    eligibility: dict[str, Any] | None
    balances: SchemeBalanceRead
    created_at: datetime
    updated_at: datetime


class EligibilityCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Any] = Field(
        max_length=50,
        description='Answers by field, e.g. `{"age": 19, "care_leaver": true}`',
        examples=[{"household_income_pence": 2100000, "age": 19, "home_postcode_area": "HU"}],
    )


class FailedRule(BaseModel):
    rule: str = Field(description="Path of the failed rule, e.g. `eligibility.all.1`")
    field: str | None
    reason: str


class EligibilityResult(BaseModel):
    scheme_id: uuid.UUID
    eligible: bool
    failed: list[FailedRule]


class SchemeReservationRead(BaseModel):
    """A reservation as the scheme's employer sees it (no learner's personal data)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    key: str
    status: ReservationStatus
    amount_pence: int
    course_id: uuid.UUID | None
    institute_id: uuid.UUID | None
    sector: str | None
    expires_at: datetime
    decided_at: datetime | None
    created_at: datetime
