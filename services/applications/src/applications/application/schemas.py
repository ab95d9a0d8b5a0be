from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from applications.vocab import (
    Actor,
    ApplicationStatus,
    LongText,
    OfferType,
    ShortText,
    _no_control_characters,
)

Conditions = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_no_control_characters),
]


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intake_id: uuid.UUID = Field(description="The catalogue's intake (a course's start date)")
    personal_statement: LongText = Field(default="", description="Why this course (optional)")
    submit: bool = Field(default=True, description="Send it now (true) or keep it as a draft")


class ApplicationUpdate(BaseModel):
    """A draft's personal statement can change until it is sent."""

    model_config = ConfigDict(extra="forbid")
    personal_statement: LongText


class TransitionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: ApplicationStatus = Field(description="The status to move the application to")
    reason: ShortText | None = Field(
        default=None, description="Why (shown to the learner; required to reject)"
    )
    offer_type: OfferType | None = Field(default=None, description="Required to make an offer")
    offer_conditions: Conditions | None = Field(
        default=None, description="What a conditional offer asks for (required for one)"
    )

    @model_validator(mode="after")
    def _offer_fields(self) -> Self:
        if self.to == ApplicationStatus.offer:
            if self.offer_type is None:
                raise ValueError("offer_type is required to make an offer")
            if self.offer_type == OfferType.conditional and not self.offer_conditions:
                raise ValueError("offer_conditions are required for a conditional offer")
            if self.offer_type == OfferType.unconditional and self.offer_conditions:
                raise ValueError("an unconditional offer has no offer_conditions")
        elif self.offer_type is not None or self.offer_conditions is not None:
            raise ValueError("offer_type and offer_conditions belong to an offer only")
        return self


class StatusChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    by: Actor = Field(description="`learner`, `provider_staff` or `system`")
    by_id: str | None = Field(description="Who exactly (a user id); null once anonymised")
    reason: str | None
    at: datetime


class ApplicantRead(BaseModel):
    """The applicant's contact details from their profile, for the provider they applied to."""

    model_config = ConfigDict(from_attributes=True)
    full_name: str | None
    email: str | None
    phone: str | None
    date_of_birth: date | None
    home_postcode: str | None


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    learner_id: uuid.UUID | None = Field(description="Null once the learner deleted their account")
    intake_id: uuid.UUID
    course_id: uuid.UUID
    provider_id: uuid.UUID
    institute_id: uuid.UUID
    course_title: str
    start_date: date
    status: ApplicationStatus
    offer_type: OfferType | None
    offer_conditions: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    anonymised_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ApplicationDetail(ApplicationRead):
    personal_statement: str
    allowed_transitions: list[ApplicationStatus] = Field(
        description="Where the caller may move it now"
    )
    history: list[StatusChangeRead] = Field(description="Every change of status, oldest first")
    applicant: ApplicantRead | None = Field(
        description="The applicant's contact details (null when they gave none)"
    )


class TransitionRuleRead(BaseModel):
    from_status: ApplicationStatus
    to_status: ApplicationStatus
    by: list[Actor]
