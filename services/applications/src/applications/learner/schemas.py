from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from applications.application.schemas import ApplicationDetail
from applications.bursary.schemas import BursaryApplicationRead
from applications.vocab import Email, IncomeBand, Name, Phone, Postcode, ShortText


class LearnerProfileUpdate(BaseModel):
    """Profile fields to save (a field left out is kept; null clears it). Every field is optional
    and is used
    only for the learner's own applications: contact details for the providers they apply to,
    the rest to prefill bursary eligibility answers (age, postcode area, circumstances)."""

    model_config = ConfigDict(extra="forbid")
    full_name: Name | None = None
    date_of_birth: date | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: ShortText | None = None
    home_postcode: Postcode | None = Field(default=None, examples=["YO10 5DD"])
    household_income_band: IncomeBand | None = None
    care_leaver: bool | None = None
    first_in_family: bool | None = Field(
        default=None, description="First in the family to study at this level"
    )
    young_carer: bool | None = None
    disabled: bool | None = Field(
        default=None, description="Has a disability or long-term health condition"
    )
    estranged: bool | None = Field(default=None, description="Estranged from their family")
    free_school_meals: bool | None = None


class LearnerProfileRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    learner_id: uuid.UUID
    full_name: str | None
    date_of_birth: date | None
    email: str | None
    phone: str | None
    address: str | None
    home_postcode: str | None
    household_income_band: IncomeBand | None
    care_leaver: bool | None
    first_in_family: bool | None
    young_carer: bool | None
    disabled: bool | None
    estranged: bool | None
    free_school_meals: bool | None
    updated_at: datetime | None = Field(description="Null until the profile is first saved")


class LearnerExport(BaseModel):
    """Everything this service holds about the learner."""

    exported_at: datetime
    learner_id: uuid.UUID
    profile: LearnerProfileRead
    applications: list[ApplicationDetail]
    bursary_applications: list[BursaryApplicationRead]
