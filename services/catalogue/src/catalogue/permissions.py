"""Who may change what in the catalogue. Every write checks here; reads of drafts too."""

from __future__ import annotations

import uuid

from servicekit.auth import Principal, require

STAFF_ROLES = ("provider_staff", "institute_admin", "network_admin")
require_staff = require(roles=STAFF_ROLES)
require_network_admin = require(roles=("network_admin",))


def manages_provider(principal: Principal, provider_id: uuid.UUID) -> bool:
    if principal.is_network_admin:
        return True
    return principal.has_role("provider_staff") and provider_id in principal.org_ids("provider")


def manages_institute(principal: Principal, institute_id: uuid.UUID) -> bool:
    if principal.is_network_admin:
        return True
    return principal.has_role("institute_admin") and institute_id in principal.org_ids("institute")


def edits_course(principal: Principal, provider_id: uuid.UUID, institute_id: uuid.UUID) -> bool:
    """Provider staff edit their provider's courses, institute admins their institute's."""
    return manages_provider(principal, provider_id) or manages_institute(principal, institute_id)
