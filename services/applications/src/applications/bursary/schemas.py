from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from applications.vocab import AwardState, BursaryStatus, ShortText


class BursaryApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    application_id: uuid.UUID = Field(description="Your course application the bursary is for")
    scheme_id: uuid.UUID = Field(description="An open bursary scheme (partnerships)")
    answers: dict[str, Any] = Field(
        default_factory=dict,
        max_length=50,
        description="Answers to the scheme's eligibility questions by field, e.g. "
        '`{"household_income_pence": 1900000}`. Your profile fills in what you leave out (age '
        "on the course's start date, postcode area and circumstances).",
        examples=[{"first_in_family": True, "household_income_pence": 1_900_000}],
    )


class BursaryDecline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: ShortText = Field(min_length=1, description="Why (the learner sees it)")


class FailedRuleRead(BaseModel):
    rule: str = Field(description="The scheme's rule that failed, e.g. `eligibility.all.1`")
    field: str | None
    reason: str


class BursaryApplicationRead(BaseModel):
    id: uuid.UUID
    application_id: uuid.UUID
    learner_id: uuid.UUID | None = Field(description="Null once the learner deleted their account")
    course_id: uuid.UUID
    provider_id: uuid.UUID
    scheme_id: uuid.UUID
    scheme_name: str
    status: BursaryStatus
    eligible: bool = Field(description="Whether the answers met the scheme's rules")
    failed_rules: list[FailedRuleRead] = Field(description="Why not, rule by rule")
    reasons: list[str] = Field(description="Why not, in plain words (empty when eligible)")
    answers: dict[str, Any] = Field(description="The answers the scheme was checked against")
    award_pence: int = Field(description="The scheme's award")
    awarded_pence: int | None = Field(description="What was awarded, once it was")
    award_state: AwardState | None = Field(
        description="An award in flight: `reserving` or `reserved` (money held at partnerships) "
        "until it is `awarded`, or `released` if it could not be made"
    )
    decision_reason: str | None
    decided_at: datetime | None
    anonymised_at: datetime | None
    created_at: datetime
    updated_at: datetime
