"""Dependencies identity's endpoints share: its process-wide helpers and the signed-in user."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity.config import Settings
from identity.keys import KeyRing
from identity.models import Membership, Organisation, User
from identity.security import Passwords
from identity.throttle import LoginThrottler
from identity.vocab import OrgType
from servicekit.auth import CurrentPrincipal, Principal
from servicekit.db import SessionDep
from servicekit.errors import Forbidden, Unauthorized


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def keyring_of(request: Request) -> KeyRing:
    keyring: KeyRing = request.app.state.keyring
    return keyring


def passwords_of(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


def throttler_of(request: Request) -> LoginThrottler:
    throttler: LoginThrottler = request.app.state.throttler
    return throttler


SettingsDep = Annotated[Settings, Depends(settings_of)]
KeyRingDep = Annotated[KeyRing, Depends(keyring_of)]
PasswordsDep = Annotated[Passwords, Depends(passwords_of)]
ThrottlerDep = Annotated[LoginThrottler, Depends(throttler_of)]


async def memberships_of(
    session: AsyncSession, user_id: uuid.UUID
) -> Sequence[tuple[Membership, Organisation]]:
    stmt = (
        select(Membership, Organisation)
        .join(Organisation, col(Organisation.id) == col(Membership.organisation_id))
        .where(col(Membership.user_id) == user_id)
        .order_by(col(Organisation.type), col(Organisation.name))
    )
    return [(m, o) for m, o in (await session.execute(stmt)).all()]


@dataclass
class SignedIn:
    """A signed-in, active user with their memberships as stored now (not as in the token)."""

    user: User
    memberships: Sequence[tuple[Membership, Organisation]]
    principal: Principal

    @property
    def is_network_admin(self) -> bool:
        return any(o.type == OrgType.network for _m, o in self.memberships)

    def role_in(self, organisation_id: uuid.UUID) -> str | None:
        for membership, organisation in self.memberships:
            if organisation.id == organisation_id:
                return membership.role
        return None


async def signed_in_user(principal: CurrentPrincipal, session: SessionDep) -> SignedIn:
    user_id = principal.user_id
    if user_id is None or principal.client_id:
        raise Forbidden("This needs a signed-in user, not an API client.")
    user = await session.get(User, user_id)
    if user is None or user.status != "active":
        raise Unauthorized("This account no longer exists or is disabled.")
    return SignedIn(user, await memberships_of(session, user.id), principal)


CurrentUser = Annotated[SignedIn, Depends(signed_in_user)]


async def network_admin(current: CurrentUser) -> SignedIn:
    if not current.is_network_admin:
        raise Forbidden("This needs a network administrator.")
    return current


NetworkAdmin = Annotated[SignedIn, Depends(network_admin)]


async def service_client(principal: CurrentPrincipal) -> Principal:
    if not principal.client_id or "internal" not in principal.scopes:
        raise Forbidden(
            "Only platform services (client tokens with the internal scope) may call this."
        )
    return principal


ServiceClient = Annotated[Principal, Depends(service_client)]
