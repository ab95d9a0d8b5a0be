"""Token roles follow from a user's memberships (and whether they registered as a learner)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from identity.models import Membership, Organisation, User
from identity.vocab import ROLE_FOR_ORG, OrgType

ROLE_ORDER = ("learner", "employer", "provider_staff", "institute_admin", "network_admin")


def derive_roles(user: User, memberships: Sequence[tuple[Membership, Organisation]]) -> list[str]:
    roles = {"learner"} if user.learner else set()
    for _membership, organisation in memberships:
        roles.add(ROLE_FOR_ORG[OrgType(organisation.type)])
    return [r for r in ROLE_ORDER if r in roles]


def org_claims(memberships: Sequence[tuple[Membership, Organisation]]) -> list[dict[str, Any]]:
    return [
        {"type": organisation.type, "id": str(organisation.id), "role": membership.role}
        for membership, organisation in sorted(
            memberships, key=lambda pair: (pair[1].type, str(pair[1].id))
        )
    ]
