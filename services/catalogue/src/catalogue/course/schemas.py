from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from catalogue.vocab import (
    CourseStatus,
    DeliveryMode,
    Description,
    LongText,
    Name,
    Qualification,
    ShortText,
    Slug,
    StudyMode,
)

Level = Annotated[int, Field(ge=3, le=7, description="Qualification level, 3 to 7")]
Pence = Annotated[int, Field(ge=0, le=100_000_000, description="Money in integer pence")]
Months = Annotated[int, Field(ge=1, le=120, description="Duration in months")]
Capacity = Annotated[int, Field(ge=0, le=100_000, description="Places on the intake")]
EmployerIds = Annotated[list[uuid.UUID], Field(max_length=50)]


class CourseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Name
    slug: Slug | None = Field(default=None, description="Made from the title when left out")
    summary: ShortText = ""
    description: Description = ""
    sector_id: uuid.UUID
    level: Level
    qualification: Qualification
    delivery_mode: DeliveryMode
    study_mode: StudyMode
    duration_months: Months
    fee_pence: Pence
    entry_requirements: LongText = ""
    institute_id: uuid.UUID
    provider_id: uuid.UUID
    employer_ids: EmployerIds = Field(default_factory=list)
    status: CourseStatus = CourseStatus.draft


class CourseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Name | None = None
    summary: ShortText | None = None
    description: Description | None = None
    sector_id: uuid.UUID | None = None
    level: Level | None = None
    qualification: Qualification | None = None
    delivery_mode: DeliveryMode | None = None
    study_mode: StudyMode | None = None
    duration_months: Months | None = None
    fee_pence: Pence | None = None
    entry_requirements: LongText | None = None
    employer_ids: EmployerIds | None = None
    status: CourseStatus | None = None


class IntakeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    campus_id: uuid.UUID
    start_date: date
    application_deadline: date
    capacity: Capacity

    @model_validator(mode="after")
    def _deadline_not_after_start(self) -> Self:
        if self.application_deadline > self.start_date:
            raise ValueError("application_deadline must be on or before start_date")
        return self


class IntakeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    campus_id: uuid.UUID | None = None
    start_date: date | None = None
    application_deadline: date | None = None
    capacity: Capacity | None = None


class IntakeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    course_id: uuid.UUID
    campus_id: uuid.UUID
    start_date: date
    application_deadline: date
    capacity: int
    is_open: bool = Field(description="The course is published and the deadline has not passed")


class IntakeDetail(IntakeRead):
    """An intake with what another service needs to check an application against it."""

    provider_id: uuid.UUID
    institute_id: uuid.UUID
    course_title: str
    course_status: CourseStatus


class CourseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    title: str
    slug: str
    summary: str
    description: str
    sector_id: uuid.UUID
    level: int
    qualification: Qualification
    delivery_mode: DeliveryMode
    study_mode: StudyMode
    duration_months: int
    fee_pence: int
    entry_requirements: str
    institute_id: uuid.UUID
    provider_id: uuid.UUID
    employer_ids: list[uuid.UUID]
    status: CourseStatus
    created_at: datetime
    updated_at: datetime


class CourseDetail(CourseRead):
    intakes: list[IntakeRead]
