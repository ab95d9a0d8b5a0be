from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from catalogue.geo import normalise_postcode
from catalogue.vocab import Name, ProviderType, ShortText, Url

Ukprn = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^1[0-9]{7}$"),
    Field(
        description="UK Provider Reference Number: 8 digits starting with 1", examples=["10007289"]
    ),
]


def _postcode(value: str) -> str:
    normalised = normalise_postcode(value)
    if normalised is None:
        raise ValueError("must be a full UK postcode, e.g. 'HU1 3DX'")
    return normalised


Postcode = Annotated[str, StringConstraints(max_length=10), AfterValidator(_postcode)]
Town = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]


class ProviderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    ukprn: Ukprn
    type: ProviderType
    website: Url | None = None
    institute_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class ProviderUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    type: ProviderType | None = None
    website: Url | None = None


class ProviderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    ukprn: str
    type: ProviderType
    website: str | None
    institute_ids: list[uuid.UUID]
    created_at: datetime
    updated_at: datetime


class CampusCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider_id: uuid.UUID
    name: Name
    address: ShortText = ""
    town: Town = ""
    postcode: Postcode
    latitude: float | None = Field(default=None, ge=49.0, le=61.0)
    longitude: float | None = Field(default=None, ge=-9.0, le=2.5)


class CampusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    address: ShortText | None = None
    town: Town | None = None
    postcode: Postcode | None = None
    latitude: float | None = Field(default=None, ge=49.0, le=61.0)
    longitude: float | None = Field(default=None, ge=-9.0, le=2.5)


class CampusRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    provider_id: uuid.UUID
    name: str
    address: str
    town: str
    postcode: str
    latitude: float
    longitude: float
