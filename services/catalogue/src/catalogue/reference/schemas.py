from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from catalogue.vocab import LongText, Name, Slug

RegionCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,8}$")]


class RegionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: RegionCode
    name: Name
    slug: Slug


class RegionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    code: str
    name: str
    slug: str


class SectorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: Slug
    name: Name
    description: LongText = ""


class SectorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    slug: str
    name: str
    description: str
