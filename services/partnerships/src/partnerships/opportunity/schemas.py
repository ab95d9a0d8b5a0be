from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from partnerships.vocab import (
    LongText,
    Name,
    OpportunityKind,
    OpportunityStatus,
    PostcodeDistrict,
    Slug,
)


class OpportunityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    employer_id: uuid.UUID
    institute_id: uuid.UUID | None = Field(default=None, description="Offered with an institute")
    kind: OpportunityKind
    sector: Slug = Field(description="The catalogue's sector slug")
    title: Name
    description: LongText = ""
    town: Name
    postcode: PostcodeDistrict
    closes_on: date
    status: OpportunityStatus = OpportunityStatus.draft


class OpportunityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    institute_id: uuid.UUID | None = None
    kind: OpportunityKind | None = None
    sector: Slug | None = None
    title: Name | None = None
    description: LongText | None = None
    town: Name | None = None
    postcode: PostcodeDistrict | None = None
    closes_on: date | None = None
    status: OpportunityStatus | None = None


class OpportunityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    employer_id: uuid.UUID
    institute_id: uuid.UUID | None
    kind: OpportunityKind
    sector: str
    title: str
    description: str
    town: str
    postcode_district: str
    closes_on: date
    status: OpportunityStatus
    created_at: datetime
    updated_at: datetime
