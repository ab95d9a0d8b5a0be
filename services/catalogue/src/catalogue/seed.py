"""``catalogue seed``: the demo catalogue, idempotent (deterministic ids, updated in place)."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from catalogue.demo import (
    CO_DESIGNERS,
    FOCUS,
    SECTORS,
    SITES,
    TEMPLATES,
    CourseTemplate,
    demo_id,
)
from catalogue.geo import locate, normalise_postcode
from catalogue.models import (
    Campus,
    Course,
    Institute,
    Intake,
    Provider,
    ProviderInstitute,
    Region,
    Sector,
)
from catalogue.vocab import slugify
from servicekit.db import sync_url, utcnow

DATA = Path(__file__).parent / "data"
LICENCE_EXPIRY = date(2028, 7, 31)
COURSES_PER_INSTITUTE = 7
M = TypeVar("M")


@dataclass
class SeedReport:
    regions: int = 0
    sectors: int = 0
    institutes: int = 0
    providers: int = 0
    campuses: int = 0
    courses: int = 0
    intakes: int = 0


def _upsert(session: Session, model: type[M], obj_id: Any, **values: Any) -> M:
    obj = session.get(model, obj_id)
    if obj is None:
        obj = model(id=obj_id, **values)  # type: ignore[call-arg]
        session.add(obj)
    else:
        for key, value in values.items():
            setattr(obj, key, value)
    return obj


def ukprn_for(name: str) -> str:
    """An illustrative, stable 8-digit reference starting with 1 (not the provider's real UKPRN)."""
    return "1" + f"{demo_id('ukprn', name).int % 10_000_000:07d}"


def next_start(today: date, month: int, day: int) -> date:
    candidate = date(today.year, month, day)
    return candidate if candidate - timedelta(days=45) > today else date(today.year + 1, month, day)


def _course_description(t: CourseTemplate, institute: str, provider: str, town: str) -> str:
    return (
        f"{t.summary} Delivered by {provider} in {town} as part of {institute}, with teaching "
        f"shaped by the institute's employer partners. You learn in industry-standard facilities "
        f"and finish with a project set by a local employer."
    )


def _pick_templates(rng: random.Random, institute: str) -> list[CourseTemplate]:
    focus = FOCUS.get(institute, [])
    preferred = [t for t in TEMPLATES if t.sector in focus]
    others = [t for t in TEMPLATES if t.sector not in focus]
    rng.shuffle(preferred)
    rng.shuffle(others)
    return (preferred + others)[:COURSES_PER_INSTITUTE]


def seed(database_url: str, today: date | None = None) -> SeedReport:
    today = today or date.today()
    report = SeedReport()
    rng = random.Random(2026)
    engine = create_engine(sync_url(database_url))
    with Session(engine) as session, session.begin():
        regions: dict[str, Region] = {}
        with (DATA / "regions.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                regions[row["name"]] = _upsert(
                    session,
                    Region,
                    demo_id("region", row["itl1_code"]),
                    code=row["itl1_code"],
                    name=row["name"],
                    slug=slugify(row["name"]),
                )
                report.regions += 1
        sectors: dict[str, Sector] = {}
        for slug, name, description in SECTORS:
            sectors[slug] = _upsert(
                session,
                Sector,
                demo_id("sector", slug),
                slug=slug,
                name=name,
                description=description,
            )
            report.sectors += 1
        session.flush()

        with (DATA / "institutes.csv").open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            name = row["name"]
            region_name = row["region"].split(" / ")[0]
            slug = slugify(name.split(" (")[0])
            institute = _upsert(
                session,
                Institute,
                demo_id("institute", slug),
                name=name,
                slug=slug,
                region_id=regions[region_name].id,
                licence_status="active",
                licence_expires_on=LICENCE_EXPIRY,
                summary=(
                    f"An Institute of Technology led by {row['lead_provider']}, working with "
                    f"{row['partners'].split(';')[0].strip()} and employers across {region_name}."
                ),
                updated_at=utcnow(),
            )
            report.institutes += 1
            session.flush()
            campuses: list[tuple[Provider, Campus]] = []
            for site in SITES[name]:
                ukprn = ukprn_for(site.provider)
                provider = _upsert(
                    session,
                    Provider,
                    demo_id("provider", slugify(site.provider)),
                    name=site.provider,
                    ukprn=ukprn,
                    type=site.provider_type,
                    updated_at=utcnow(),
                )
                report.providers += 1
                session.flush()
                if session.get(ProviderInstitute, (provider.id, institute.id)) is None:
                    session.add(
                        ProviderInstitute(provider_id=provider.id, institute_id=institute.id)
                    )
                postcode = normalise_postcode(site.postcode)
                district = locate(site.postcode)
                if postcode is None or district is None:
                    raise ValueError(f"demo postcode {site.postcode} is not usable")
                campus = _upsert(
                    session,
                    Campus,
                    demo_id("campus", f"{ukprn}:{site.campus}"),
                    provider_id=provider.id,
                    name=site.campus,
                    address=f"{site.campus}, {district.town}",
                    town=district.town,
                    postcode=postcode,
                    latitude=district.latitude,
                    longitude=district.longitude,
                    updated_at=utcnow(),
                )
                report.campuses += 1
                campuses.append((provider, campus))
            session.flush()

            for i, template in enumerate(_pick_templates(rng, name)):
                provider, campus = campuses[i % len(campuses)]
                course_slug = f"{template.key}-{slug}"[:220]
                employers = [
                    str(demo_id("employer", e)) for e in CO_DESIGNERS.get(template.sector, [])
                ]
                course = _upsert(
                    session,
                    Course,
                    demo_id("course", course_slug),
                    title=template.title,
                    slug=course_slug,
                    summary=template.summary,
                    description=_course_description(template, name, provider.name, campus.town),
                    sector_id=sectors[template.sector].id,
                    level=template.level,
                    qualification=template.qualification,
                    delivery_mode=template.delivery,
                    study_mode=template.study,
                    duration_months=template.months,
                    fee_pence=template.fee_pence,
                    entry_requirements=template.entry,
                    institute_id=institute.id,
                    provider_id=provider.id,
                    employer_ids=employers,
                    status="published",
                    updated_at=utcnow(),
                )
                report.courses += 1
                session.flush()
                starts = [next_start(today, 9, 14)]
                if template.study == "part_time":
                    starts.append(next_start(today, 1, 12))
                for start in starts:
                    _upsert(
                        session,
                        Intake,
                        demo_id("intake", f"{course_slug}:{start.month}"),
                        course_id=course.id,
                        campus_id=campus.id,
                        start_date=start,
                        application_deadline=start - timedelta(days=28),
                        capacity=rng.choice([12, 16, 20, 24, 30]),
                        updated_at=utcnow(),
                    )
                    report.intakes += 1
    engine.dispose()
    return report
