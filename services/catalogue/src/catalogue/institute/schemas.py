from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from catalogue.vocab import LicenceStatus, LongText, Name, Slug, Url


class InstituteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    slug: Slug
    region_id: uuid.UUID
    licence_status: LicenceStatus = LicenceStatus.active
    licence_expires_on: date | None = None
    website: Url | None = None
    summary: LongText = ""


class InstituteUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    region_id: uuid.UUID | None = None
    licence_status: LicenceStatus | None = None
    licence_expires_on: date | None = None
    website: Url | None = None
    summary: LongText | None = None


class InstituteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    slug: str
    region_id: uuid.UUID
    licence_status: LicenceStatus
    licence_expires_on: date | None
    website: str | None
    summary: str
    created_at: datetime
    updated_at: datetime
