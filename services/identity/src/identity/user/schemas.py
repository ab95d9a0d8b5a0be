from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from identity.vocab import DisplayName, Email, OrgName, OrgRole, OrgType, Password, UserStatus


class UserCreate(BaseModel):
    """A learner registers themselves."""

    model_config = ConfigDict(extra="forbid")
    email: Email
    display_name: DisplayName
    password: Password = Field(description="At least 12 characters, not a common password")


class OrganisationRef(BaseModel):
    """An organisation by the id its owning service gave it (catalogue for providers and
    institutes, partnerships for employers); identity records it on first use."""

    model_config = ConfigDict(extra="forbid")
    id: uuid.UUID
    type: OrgType
    name: OrgName


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    type: OrgType
    name: str


class MembershipRead(BaseModel):
    organisation: OrganisationRead
    role: OrgRole


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    display_name: str
    status: UserStatus
    created_at: datetime
    last_login_at: datetime | None


class UserDetail(UserRead):
    roles: list[str]
    memberships: list[MembershipRead]


class ClientIdentity(BaseModel):
    client_id: str
    scopes: list[str]
    organisation: OrganisationRead | None


class MeRead(BaseModel):
    """The caller: a signed-in user, or an API client."""

    kind: str = Field(description="`user` or `client`")
    user: UserDetail | None = None
    client: ClientIdentity | None = None


class AccountCreate(BaseModel):
    """A network admin creates a staff or employer account with its first membership."""

    model_config = ConfigDict(extra="forbid")
    email: Email
    display_name: DisplayName
    password: Password = Field(description="The first password; the user should change it")
    organisation: OrganisationRef
    role: OrgRole = OrgRole.member


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_name: DisplayName | None = None
    status: UserStatus | None = Field(
        default=None, description="`disabled` revokes every refresh token at once"
    )


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: Password
    new_password: Password
