"""The demo story's fixed ids and the demo learner's profile.

Ids are the platform's deterministic demo ids, ``uuid5(DEMO_NAMESPACE, "<kind>:<key>")``: the
catalogue's provider and institute, partnerships' bursary scheme. The formula is repeated here
with the same namespace constant because services never import each other.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

DEMO_NAMESPACE = uuid.UUID("6f1d3c8e-2a4b-4f0e-9c57-0d6c1b7e5a10")


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{key}")


YORKSHIRE_AND_HUMBER = demo_id("institute", "yorkshire-and-humber-institute-of-technology")
YORK_COLLEGE = demo_id("provider", "york-college")  # identity's demo provider staff work here
# Northern Broadband's bursary for Yorkshire and Humber (digital, green energy, engineering;
# levels 4 and 5).
DEMO_SCHEME = demo_id("scheme", "northern-broadband:yh")
SCHEME_SECTORS = ("digital", "green-energy", "engineering")
SCHEME_LEVELS = (4, 5)

# identity's demo learner (public, local demo only: `identity seed` refuses production).
DEMO_LEARNER_EMAIL = "learner@demo.example"
DEMO_LEARNER_PASSWORD = "demo-learner-otter-2026"

DEMO_PROFILE: dict[str, Any] = {
    "full_name": "Asha Learner",
    "date_of_birth": date(2007, 3, 14),
    "email": DEMO_LEARNER_EMAIL,
    "phone": "01904 770000",
    "address": "12 Heslington Lane, York",
    "home_postcode": "YO10 5DD",
    "household_income_band": "under_20k",
    "care_leaver": False,
    "first_in_family": True,
    "young_carer": False,
    "disabled": False,
    "estranged": False,
    "free_school_meals": True,
}
# What the demo learner answers in the bursary application (the profile holds only a band).
DEMO_ANSWERS: dict[str, Any] = {"household_income_pence": 1_900_000}  # GBP 19,000 a year
DEMO_STATEMENT = (
    "I have been building and fixing computers for my family and neighbours since I was twelve, "
    "and I want to turn that into a career in cloud and network engineering close to home."
)
