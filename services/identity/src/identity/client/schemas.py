from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from identity.user.schemas import OrganisationRead
from identity.vocab import DisplayName

ApiScope = Literal["catalogue:read", "applications:read", "applications:write", "webhooks:manage"]


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: DisplayName
    organisation_id: uuid.UUID = Field(description="The organisation the client acts for")
    scopes: Annotated[list[ApiScope], Field(min_length=1, max_length=10)]


class ClientRead(BaseModel):
    id: uuid.UUID
    client_id: str
    name: str
    kind: str
    organisation: OrganisationRead | None
    scopes: list[str]
    status: str
    created_at: datetime
    last_used_at: datetime | None


class ClientCreated(ClientRead):
    client_secret: str = Field(description="Shown once; only a digest is kept")
