from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from identity.user.schemas import MembershipRead, OrganisationRef, UserDetail
from identity.vocab import DisplayName, Email, OpaqueToken, OrgRole, Password


class MemberRead(BaseModel):
    user_id: uuid.UUID
    email: str
    display_name: str
    role: OrgRole
    since: datetime


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    role: OrgRole = OrgRole.member


class InvitationCreated(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    role: OrgRole
    expires_at: datetime
    token: str = Field(description="Shown once: send it to the invitee. It works once.")


class InvitationAccept(BaseModel):
    """Accepting creates the account (give display_name and password) or, when the email
    already has one, links it (send that user's bearer token)."""

    model_config = ConfigDict(extra="forbid")
    token: OpaqueToken
    display_name: DisplayName | None = None
    password: Password | None = None


class InvitationAccepted(BaseModel):
    user: UserDetail
    membership: MembershipRead
    created_account: bool


class InternalMembershipCreate(BaseModel):
    """For platform services: make a user a member of an organisation."""

    model_config = ConfigDict(extra="forbid")
    user_id: uuid.UUID
    organisation: OrganisationRef
    role: OrgRole = OrgRole.member


class InternalMembershipRead(BaseModel):
    user_id: uuid.UUID
    membership: MembershipRead
    created: bool
