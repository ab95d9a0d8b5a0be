"""UK postcodes: validation, normalisation and district coordinates (``data/uk-outcodes.csv``)."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "uk-outcodes.csv"
_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


@dataclass(frozen=True)
class District:
    outcode: str
    latitude: float
    longitude: float
    town: str
    region: str


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def normalise_postcode(value: str) -> str | None:
    """'hu1 3dx' -> 'HU1 3DX'; ``None`` when it is not a well-formed full UK postcode."""
    match = _FULL.match(_compact(value))
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def outward_code(value: str) -> str | None:
    """The district of a full or outward-only postcode ('HU1 3DX' or 'HU1' -> 'HU1')."""
    compact = _compact(value)
    match = _FULL.match(compact)
    if match:
        return match.group(1)
    return compact if _OUTWARD.match(compact) else None


@cache
def districts() -> dict[str, District]:
    """Active, geographic districts only: PO-box districts are no one's location."""
    with _DATA.open(newline="", encoding="utf-8") as f:
        return {
            row["outcode"]: District(
                row["outcode"],
                float(row["latitude"]),
                float(row["longitude"]),
                row["town"],
                row["region"],
            )
            for row in csv.DictReader(f)
            if row["status"] == "active" and row["non_geographic"] == "no"
        }


def locate(postcode: str) -> District | None:
    code = outward_code(postcode)
    return districts().get(code) if code else None


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(a))
