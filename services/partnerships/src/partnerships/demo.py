"""The demo story's fixed ids and facts.

Ids are deterministic so that re-seeding finds the same rows and other services' demo data points
at the same objects. ``demo_id`` is the catalogue's formula (``catalogue.demo.demo_id``), repeated
here with the same namespace constant because services never import each other: the catalogue's
institutes are ``demo_id("institute", <slug>)`` and its co-designing employers
``demo_id("employer", <key>)``, which are this service's employer ids.
"""

from __future__ import annotations

import uuid

DEMO_NAMESPACE = uuid.UUID("6f1d3c8e-2a4b-4f0e-9c57-0d6c1b7e5a10")  # the catalogue's constant


def demo_id(kind: str, key: str) -> uuid.UUID:
    """``demo_id("institute", "lincolnshire-institute-of-technology")``, as the catalogue does."""
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{key}")


# The catalogue's institutes (by slug) that the demo story is about.
YORKSHIRE_AND_HUMBER = demo_id("institute", "yorkshire-and-humber-institute-of-technology")
LINCOLNSHIRE = demo_id("institute", "lincolnshire-institute-of-technology")
NORTH_EAST = demo_id("institute", "north-east-institute-of-technology")
GREATER_BIRMINGHAM = demo_id("institute", "greater-birmingham-and-solihull-institute-of-technology")

# The employers (the catalogue lists the same ids as its courses' co-designers).
NORTHERN_BROADBAND = demo_id("employer", "northern-broadband")
OLYMPUS_AUTOMATION = demo_id("employer", "olympus-automation")
NORTHEAST_BATTERY_WORKS = demo_id("employer", "northeast-battery-works")

SPONSOR_PLEDGE_PENCE = 53_000_000  # GBP 530,000 over three years
SPONSOR_BURSARIES_PENCE = 47_000_000
SPONSOR_OUTREACH_PENCE = 6_000_000  # about GBP 20,000 a year for the STE(A)M Challenge

# Bursaries for learners who face barriers: low household income, young, local, and at least one
# of the circumstances below.
BARRIERS = {
    "any": [
        {"field": "care_leaver", "op": "eq", "value": True},
        {"field": "first_in_family", "op": "eq", "value": True},
        {"field": "young_carer", "op": "eq", "value": True},
        {"field": "disabled", "op": "eq", "value": True},
        {"field": "estranged", "op": "eq", "value": True},
        {"field": "free_school_meals", "op": "eq", "value": True},
    ]
}


def bursary_rule(postcode_areas: list[str]) -> dict[str, object]:
    return {
        "all": [
            {"field": "household_income_pence", "op": "lte", "value": 2_500_000},
            {"field": "age", "op": "between", "value": [16, 30]},
            {"field": "home_postcode_area", "op": "in", "value": postcode_areas},
            BARRIERS,
        ]
    }
