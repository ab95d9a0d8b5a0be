"""The service's closed vocabularies and constrained text types, shared by its schemas."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, StringConstraints


class ApplicationStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    under_review = "under_review"
    interview = "interview"
    offer = "offer"
    accepted = "accepted"
    declined = "declined"
    rejected = "rejected"
    withdrawn = "withdrawn"
    enrolled = "enrolled"


class IncomeBand(StrEnum):
    """Household income per year, as a band: enough for a profile, never the exact figure (a
    bursary that needs the figure asks for it in its own answers)."""

    under_20k = "under_20k"
    from_20k_to_30k = "20k_to_30k"
    from_30k_to_45k = "30k_to_45k"
    over_45k = "over_45k"
    prefer_not_to_say = "prefer_not_to_say"


class OfferType(StrEnum):
    conditional = "conditional"
    unconditional = "unconditional"


class Actor(StrEnum):
    """Who made a change: the applicant, the provider's staff, or the service itself."""

    learner = "learner"
    provider_staff = "provider_staff"
    system = "system"


class BursaryStatus(StrEnum):
    eligible = "eligible"  # the answers meet the scheme's rules; staff decide
    not_eligible = "not_eligible"
    awarded = "awarded"  # partnerships confirmed the award: the money is the learner's
    declined = "declined"  # staff decided against it
    withdrawn = "withdrawn"  # the learner withdrew it


class AwardState(StrEnum):
    """Where an award in flight is (see ``bursary/award.py``)."""

    reserving = "reserving"  # a reservation is being asked for under the attempt's key
    reserved = "reserved"  # partnerships holds the award (reservation_id); confirming
    awarded = "awarded"  # partnerships confirmed it
    released = "released"  # the attempt ended without an award; nothing is held


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise ValueError("must be a full UK postcode, e.g. 'YO10 5DD'")
    return f"{match.group(1)} {match.group(2)}"


def postcode_area(postcode: str) -> str:
    """'YO10 5DD' -> 'YO'."""
    match = re.match(r"^[A-Z]{1,2}", postcode.upper())
    return match.group(0) if match else ""


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control_characters),
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=1000),
    AfterValidator(_no_control_characters),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=4000),
    AfterValidator(_no_control_characters),
]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=254, pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
    ),
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=30, pattern=r"^\+?[0-9 ()-]{6,29}$")
]
Postcode = Annotated[str, StringConstraints(max_length=10), AfterValidator(_postcode)]
IdempotencyKeyText = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:\-]+$")
]
