from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from partnerships.vocab import Email, LongText, Name, PartnershipKind, PartnershipStatus, Phone


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    role: Name | None = None
    email: Email
    phone: Phone | None = None
    side: str = Field(default="employer", pattern=r"^(employer|institute)$")


class PartnershipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    employer_id: uuid.UUID
    institute_id: uuid.UUID = Field(description="The catalogue's institute id")
    kind: PartnershipKind
    description: LongText = ""
    starts_on: date | None = None
    ends_on: date | None = None
    contacts: list[Contact] = Field(default_factory=list, max_length=10)


class PartnershipUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: LongText | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    contacts: list[Contact] | None = Field(default=None, max_length=10)


class PartnershipRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    employer_id: uuid.UUID
    institute_id: uuid.UUID
    kind: PartnershipKind
    status: PartnershipStatus
    description: str
    starts_on: date | None
    ends_on: date | None
    contacts: list[Contact]
    accepted_at: datetime | None
    ended_at: datetime | None
    created_at: datetime
    updated_at: datetime
