from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from partnerships.vocab import (
    CompaniesHouseNumber,
    EmployerStatus,
    IdempotencyKey,
    Name,
    Region,
    SizeBand,
    Slug,
    Url,
)


class EmployerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    companies_house_number: CompaniesHouseNumber
    sector: Slug = Field(description="The catalogue's sector slug, e.g. `digital`")
    size_band: SizeBand
    region: Region
    website: Url | None = None
    idempotency_key: IdempotencyKey | None = None


class EmployerUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    companies_house_number: CompaniesHouseNumber | None = None
    sector: Slug | None = None
    size_band: SizeBand | None = None
    region: Region | None = None
    website: Url | None = None


class EmployerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    companies_house_number: str
    sector: str
    size_band: SizeBand
    region: Region
    website: str | None
    status: EmployerStatus
    verified_at: datetime | None
    created_at: datetime
    updated_at: datetime


class EmployerSignedUp(EmployerRead):
    owner_user_id: uuid.UUID
    next_step: str = Field(
        description="What to do next: the caller's next token carries the new membership"
    )
