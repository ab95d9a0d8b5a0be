"""Who may see and change what. Every endpoint checks here; another tenant's object is a 404.

- An employer's members (any role) read its data; its owners and admins change it.
- An institute's admins read what concerns their institute (partnerships with it, schemes and
  events for it) and accept partnerships with it.
- Network admins read everything and verify or suspend employers; institute admins verify too.
- Service callers (client tokens with the ``internal`` scope) reserve bursary awards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends

from servicekit.auth import Principal, require
from servicekit.errors import Forbidden
from servicekit.repository import not_found

MANAGER_ROLES = frozenset({"owner", "admin"})
INTERNAL_SCOPE = "internal"

ServiceCaller = Annotated[Principal, Depends(require(scopes=(INTERNAL_SCOPE,)))]
Verifier = Annotated[Principal, Depends(require(roles=("institute_admin", "network_admin")))]
NetworkAdmin = Annotated[Principal, Depends(require(roles=("network_admin",)))]


def employer_role(principal: Principal | None, employer_id: uuid.UUID) -> str | None:
    if principal is None:
        return None
    for membership in principal.memberships:
        if membership.type == "employer" and membership.id == employer_id:
            return membership.role
    return None


def member_employers(principal: Principal | None) -> set[uuid.UUID]:
    return principal.org_ids("employer") if principal is not None else set()


def is_member(principal: Principal | None, employer_id: uuid.UUID) -> bool:
    return employer_role(principal, employer_id) is not None


def manages(principal: Principal | None, employer_id: uuid.UUID) -> bool:
    return employer_role(principal, employer_id) in MANAGER_ROLES


def is_network_admin(principal: Principal | None) -> bool:
    return principal is not None and principal.is_network_admin


def admined_institutes(principal: Principal | None) -> set[uuid.UUID]:
    if principal is None or not principal.has_role("institute_admin"):
        return set()
    return principal.org_ids("institute")


def admins_institute(principal: Principal | None, institute_ids: Iterable[uuid.UUID]) -> bool:
    return bool(admined_institutes(principal).intersection(institute_ids))


def can_read(
    principal: Principal | None,
    employer_id: uuid.UUID,
    institute_ids: Iterable[uuid.UUID] = (),
) -> bool:
    """Members of the employer, admins of a concerned institute and network admins."""
    return (
        is_network_admin(principal)
        or is_member(principal, employer_id)
        or admins_institute(principal, institute_ids)
    )


def check_manager(
    principal: Principal | None, employer_id: uuid.UUID, what: str, obj_id: uuid.UUID
) -> None:
    """Owners and admins of the employer pass; its plain members get a 403 (they can see it);
    anyone else a 404, as if it did not exist."""
    if manages(principal, employer_id):
        return
    if is_member(principal, employer_id):
        raise Forbidden(f"Only the employer's owners and admins may change its {what}s.")
    raise not_found(what, obj_id)
