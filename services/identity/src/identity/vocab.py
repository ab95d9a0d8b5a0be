"""Identity's closed vocabularies and constrained text types, shared by its schemas."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, StringConstraints


class OrgType(StrEnum):
    employer = "employer"
    provider = "provider"
    institute = "institute"
    network = "network"


class OrgRole(StrEnum):
    owner = "owner"
    admin = "admin"
    member = "member"


class UserStatus(StrEnum):
    active = "active"
    disabled = "disabled"


# Which token role a membership of each kind of organisation gives.
ROLE_FOR_ORG = {
    OrgType.employer: "employer",
    OrgType.provider: "provider_staff",
    OrgType.institute: "institute_admin",
    OrgType.network: "network_admin",
}

INTERNAL_SCOPE = "internal"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def _email(value: str) -> str:
    value = value.strip()
    if _CONTROL.search(value) or not _EMAIL.match(value):
        raise ValueError("not a valid email address")
    return value


def email_key(email: str) -> str:
    """The form emails are compared in: trimmed and lower-cased."""
    return email.strip().lower()


Email = Annotated[
    str,
    StringConstraints(min_length=3, max_length=254),
    AfterValidator(_email),
]
DisplayName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_no_control_characters),
]
OrgName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control_characters),
]
# Length is checked by the password policy, which names the rule; this only caps the size.
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
OpaqueToken = Annotated[str, StringConstraints(min_length=1, max_length=200)]
