"""Who may see and change what. Every endpoint checks here; another tenant's object is a 404.

- A learner (role ``learner``) sees and changes only their own profile and applications.
- Provider staff (role ``provider_staff`` with a provider membership) see and decide only the
  applications to their providers' courses, which each application stores, so no call to the
  catalogue is needed for the check.
- API clients with the ``applications:read`` scope read the changes feed of their
  organisation's provider.
- Platform services (scope ``internal``) may erase a learner's data when the account goes.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from applications.vocab import Actor
from servicekit.auth import Principal, require
from servicekit.errors import Forbidden

READ_SCOPE = "applications:read"
INTERNAL_SCOPE = "internal"


def learner_id(principal: Principal) -> uuid.UUID | None:
    """The caller's user id when they act as a learner."""
    return principal.user_id if principal.has_role("learner") else None


def staff_providers(principal: Principal) -> set[uuid.UUID]:
    """The providers whose applications the caller decides."""
    if principal.user_id is None or not principal.has_role("provider_staff"):
        return set()
    return principal.org_ids("provider")


async def _learner(
    principal: Annotated[Principal, Depends(require(roles=("learner",)))],
) -> Principal:
    if principal.user_id is None:
        raise Forbidden("This needs a learner's own account.")
    return principal


async def _staff(
    principal: Annotated[Principal, Depends(require(roles=("provider_staff",)))],
) -> Principal:
    if not staff_providers(principal):
        raise Forbidden("This needs provider staff with a provider membership.")
    return principal


async def _participant(
    principal: Annotated[Principal, Depends(require(roles=("learner", "provider_staff")))],
) -> Principal:
    if learner_id(principal) is None and not staff_providers(principal):
        raise Forbidden(
            "This needs a learner's own account, or provider staff with a provider membership."
        )
    return principal


Learner = Annotated[Principal, Depends(_learner)]
Staff = Annotated[Principal, Depends(_staff)]
Participant = Annotated[Principal, Depends(_participant)]
FeedReader = Annotated[Principal, Depends(require(scopes=(READ_SCOPE,)))]
ServiceCaller = Annotated[Principal, Depends(require(scopes=(INTERNAL_SCOPE,)))]


def actors_for(
    principal: Principal, owner: uuid.UUID | None, provider_id: uuid.UUID
) -> frozenset[Actor]:
    """The parts the caller plays for one application: its learner, its provider's staff."""
    actors = set()
    if owner is not None and learner_id(principal) == owner:
        actors.add(Actor.learner)
    if provider_id in staff_providers(principal):
        actors.add(Actor.provider_staff)
    return frozenset(actors)
