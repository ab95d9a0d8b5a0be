"""``catalogue seed-large``: a national-scale synthetic catalogue for load tests and benchmarks.

Deterministic for a given ``--seed`` and ``--today``: providers and campuses clustered around
real towns (the postcode districts in ``data/uk-outcodes.csv``), institutes as regional hubs,
courses whose titles, summaries and descriptions read like real ones, and one to three intakes
each around the usual September, January and April starts.

Synthetic rows are marked (institute slugs ``synthetic-…``, provider websites on the reserved
``.invalid`` domain), so running the command again replaces them and leaves demo data alone.
Regions and sectors are reused when present and otherwise created with the ids ``catalogue
seed`` gives them, so the two loaders can run in either order. Rows go in with bulk inserts (a
bulk path that bypasses the ORM's change log), so one ``all`` change at the end makes every
running catalogue process rebuild its search index.

This is a command, not a request handler: it uses a synchronous engine and plain SQL inserts.
"""

from __future__ import annotations

import csv
import math
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Connection, create_engine, delete, insert, select
from sqlmodel import col

from catalogue.geo import District, distance_km, districts
from catalogue.models import (
    Campus,
    CatalogueChange,
    Course,
    Institute,
    Intake,
    Provider,
    ProviderInstitute,
    Region,
    Sector,
)
from catalogue.vocab import slugify
from servicekit.db import sync_url

DATA = Path(__file__).parent / "data"
# The namespace `catalogue seed` derives its ids from: shared reference rows get the same ids.
DEMO_NAMESPACE = uuid.UUID("6f1d3c8e-2a4b-4f0e-9c57-0d6c1b7e5a10")
SYNTHETIC_WEBSITE = "https://synthetic.invalid/"
SYNTHETIC_SLUG = "synthetic-"
COURSES_PER_PROVIDER = 100
BATCH = 5000
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

SECTORS: dict[str, tuple[str, str]] = {
    "green-energy": (
        "Green energy",
        "Renewable generation, low-carbon heat, retrofit and net zero.",
    ),
    "digital": ("Digital", "Software, data, cyber security, cloud and networks."),
    "advanced-manufacturing": (
        "Advanced manufacturing",
        "Automation, robotics and smart factories.",
    ),
    "engineering": ("Engineering", "Electrical, mechanical and civil engineering."),
    "healthcare": (
        "Healthcare science",
        "Health technology, life sciences and clinical engineering.",
    ),
    "construction": ("Construction", "Modern methods of construction, BIM and site management."),
    "battery-electrification": (
        "Battery and electrification",
        "Battery manufacture, electric vehicles and power electronics.",
    ),
}
SECTOR_WEIGHTS = {
    "engineering": 24,
    "digital": 22,
    "advanced-manufacturing": 14,
    "green-energy": 12,
    "construction": 12,
    "healthcare": 10,
    "battery-electrification": 6,
}
SUBJECTS: dict[str, list[str]] = {
    "engineering": [
        "Electrical and Electronic Engineering",
        "Mechanical Engineering",
        "Civil Engineering",
        "Manufacturing Engineering",
        "Aerospace Engineering",
        "Marine Engineering",
        "Control and Instrumentation Engineering",
        "Engineering Maintenance",
        "Mechatronics",
        "Rail Engineering",
        "Building Services Engineering",
        "Structural Engineering",
    ],
    "digital": [
        "Cyber Security",
        "Software Development",
        "Data Analytics",
        "Cloud Computing",
        "Network Engineering",
        "Artificial Intelligence",
        "Digital Technologies",
        "Computing",
        "Games Development",
        "DevOps Engineering",
        "Digital Marketing",
        "Software Engineering",
    ],
    "advanced-manufacturing": [
        "Robotics and Automation",
        "Advanced Manufacturing",
        "Additive Manufacturing",
        "Precision Machining",
        "Industrial Automation",
        "Quality Engineering",
        "Food Manufacturing Technology",
        "Composite Materials",
        "Lean Manufacturing",
    ],
    "green-energy": [
        "Renewable Energy",
        "Offshore Wind Operations",
        "Solar PV Installation",
        "Heat Pump Installation",
        "Retrofit Coordination",
        "Energy Management",
        "Hydrogen Technologies",
        "Sustainable Construction",
        "Low Carbon Heating",
    ],
    "construction": [
        "Construction Management",
        "Building Information Modelling",
        "Quantity Surveying",
        "Site Supervision",
        "Modern Methods of Construction",
        "Architectural Technology",
        "Construction Design",
        "Surveying",
    ],
    "healthcare": [
        "Healthcare Science",
        "Clinical Engineering",
        "Medical Technology",
        "Biomedical Science",
        "Life Sciences Laboratory Practice",
        "Digital Health",
        "Assistive Technology",
    ],
    "battery-electrification": [
        "Electric Vehicle Technology",
        "Battery Manufacturing",
        "Power Electronics",
        "Electrification Engineering",
        "High Voltage Systems",
        "Battery Cell Technology",
    ],
}
TOPICS: dict[str, list[str]] = {
    "engineering": [
        "circuit analysis",
        "engineering mathematics",
        "CAD design",
        "thermodynamics",
        "materials science",
        "health and safety",
        "project management",
        "fluid mechanics",
        "electrical principles",
        "maintenance planning",
    ],
    "digital": [
        "programming in Python",
        "databases and SQL",
        "web development",
        "network security",
        "cloud platforms",
        "data visualisation",
        "machine learning",
        "agile delivery",
        "penetration testing",
        "user experience design",
    ],
    "advanced-manufacturing": [
        "PLC programming",
        "robot cell design",
        "CNC machining",
        "metrology",
        "lean and six sigma",
        "industrial networks",
        "3D printing",
        "production planning",
    ],
    "green-energy": [
        "wind turbine maintenance",
        "solar PV design",
        "heat pump commissioning",
        "energy efficiency",
        "building retrofit",
        "grid connection",
        "hydrogen safety",
        "net zero planning",
    ],
    "construction": [
        "BIM software",
        "site surveying",
        "construction law",
        "estimating and cost planning",
        "building regulations",
        "sustainable materials",
        "offsite manufacture",
    ],
    "healthcare": [
        "anatomy and physiology",
        "laboratory practice",
        "medical device maintenance",
        "clinical data",
        "infection control",
        "patient safety",
        "diagnostic equipment",
    ],
    "battery-electrification": [
        "battery chemistry",
        "high voltage safety",
        "electric drive systems",
        "charging infrastructure",
        "power electronics",
        "cell assembly",
        "thermal management",
    ],
}


@dataclass(frozen=True)
class QualificationSpec:
    code: str
    levels: tuple[int, ...]
    patterns: tuple[str, ...]
    months: tuple[int, ...]
    fee_pounds: tuple[int, int]
    part_time_share: float
    weight: int


QUALIFICATIONS = [
    QualificationSpec(
        "hnc",
        (4,),
        ("HNC in {s}", "Higher National Certificate in {s}"),
        (12, 24),
        (4500, 7500),
        0.7,
        16,
    ),
    QualificationSpec(
        "hnd", (5,), ("HND in {s}", "Higher National Diploma in {s}"), (24,), (6000, 9250), 0.3, 10
    ),
    QualificationSpec(
        "htq",
        (4, 5),
        ("HTQ {s}", "{s} (Higher Technical Qualification)"),
        (12, 24),
        (5000, 9250),
        0.5,
        14,
    ),
    QualificationSpec(
        "foundation_degree",
        (5,),
        ("FdSc {s}", "Foundation Degree in {s}"),
        (24,),
        (7000, 9250),
        0.3,
        9,
    ),
    QualificationSpec(
        "apprenticeship",
        (3, 4),
        ("{s} Technician Apprenticeship", "Level {level} {s} Apprenticeship"),
        (18, 24, 36),
        (0, 0),
        0.0,
        14,
    ),
    QualificationSpec(
        "degree_apprenticeship", (6,), ("{s} Degree Apprenticeship",), (36, 48), (0, 0), 0.0, 8
    ),
    QualificationSpec(
        "bootcamp", (3, 4, 5), ("Skills Bootcamp in {s}", "{s} Bootcamp"), (3, 4), (0, 0), 0.6, 10
    ),
    QualificationSpec(
        "short_course",
        (3, 4),
        ("Introduction to {s}", "{s} Short Course"),
        (1, 2, 3),
        (250, 1500),
        0.9,
        8,
    ),
    QualificationSpec("t_level", (3,), ("T Level in {s}",), (24,), (0, 0), 0.0, 4),
    QualificationSpec(
        "bachelors_degree", (6,), ("BEng (Hons) {s}", "BSc (Hons) {s}"), (36,), (9250, 9250), 0.2, 5
    ),
    QualificationSpec("masters_degree", (7,), ("MSc {s}",), (12, 24), (8000, 14000), 0.5, 2),
]
SUFFIXES = [
    " with Industrial Placement",
    " for Employers",
    " (Evening)",
    " with Foundation Year",
    " (Fast Track)",
]
PROVIDER_NAMES = {
    "fe_college": [
        "{t} College",
        "{t} College of Technology",
        "{t} Technical College",
        "{t} City College",
        "North {t} College",
        "{t} College of Further Education",
    ],
    "university": [
        "University of {t}",
        "{t} Metropolitan University",
        "{t} University Technical Centre",
    ],
    "independent_training_provider": [
        "{t} Training Academy",
        "{t} Skills Centre",
        "{t} Engineering Training",
        "{t} Digital Academy",
        "{t} Green Skills Hub",
    ],
}
STREETS = ["High", "Station", "College", "Park", "Mill", "Church", "Queen's", "Victoria"]
CAMPUS_NAMES = [
    "Main campus",
    "Technology Centre",
    "Engineering Centre",
    "Digital Hub",
    "Skills Centre",
    "Innovation Campus",
    "Energy Centre",
    "City Centre campus",
]


@dataclass
class SeedLargeReport:
    courses: int = 0
    intakes: int = 0
    campuses: int = 0
    providers: int = 0
    institutes: int = 0
    removed_courses: int = 0
    seconds: float = 0.0


@dataclass
class _Provider:
    id: uuid.UUID
    town: str
    district: District
    institute_id: uuid.UUID
    campuses: list[uuid.UUID] = field(default_factory=list)


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{key}")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _towns() -> dict[str, list[District]]:
    """Towns with at least three postcode districts: real places with real suburbs."""
    by_town: dict[str, list[District]] = defaultdict(list)
    for d in sorted(districts().values(), key=lambda d: d.outcode):
        if d.town:
            by_town[d.town].append(d)
    return {town: ds for town, ds in sorted(by_town.items()) if len(ds) >= 3}


def _centre(ds: Sequence[District]) -> tuple[float, float]:
    return (sum(d.latitude for d in ds) / len(ds), sum(d.longitude for d in ds) / len(ds))


def _chunks(rows: list[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _term_starts(today: date) -> list[date]:
    """September, January and April starts from last spring to two years ahead."""
    starts = []
    for year in range(today.year - 1, today.year + 3):
        starts += [date(year, 1, 8), date(year, 4, 15), date(year, 9, 9)]
    return [s for s in starts if today - timedelta(days=200) <= s <= today + timedelta(days=640)]


class _Loader:
    def __init__(self, conn: Connection, rng: random.Random, today: date, progress: Progress):
        self.conn = conn
        self.rng = rng
        self.today = today
        self.stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
        self.progress = progress

    # -- clearing -------------------------------------------------------------------------------

    def clear(self) -> int:
        providers = select(col(Provider.id)).where(
            col(Provider.website).startswith(SYNTHETIC_WEBSITE)
        )
        courses = select(col(Course.id)).where(col(Course.provider_id).in_(providers))
        removed = self.conn.execute(select(col(Course.id)).where(col(Course.id).in_(courses)))
        count = len(removed.all())
        self.conn.execute(delete(Intake).where(col(Intake.course_id).in_(courses)))
        self.conn.execute(delete(Course).where(col(Course.provider_id).in_(providers)))
        self.conn.execute(delete(Campus).where(col(Campus.provider_id).in_(providers)))
        self.conn.execute(
            delete(ProviderInstitute).where(col(ProviderInstitute.provider_id).in_(providers))
        )
        self.conn.execute(
            delete(Provider).where(col(Provider.website).startswith(SYNTHETIC_WEBSITE))
        )
        self.conn.execute(delete(Institute).where(col(Institute.slug).startswith(SYNTHETIC_SLUG)))
        return count

    # -- reference data -------------------------------------------------------------------------

    def regions(self) -> dict[str, uuid.UUID]:
        """Region id by name, creating the ITL1 regions that are missing."""
        existing = {r.code: r for r in self.conn.execute(select(Region.__table__))}  # type: ignore[attr-defined]
        names = {r.name: r.id for r in existing.values()}
        with (DATA / "regions.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["itl1_code"] in existing or row["name"] in names:
                    continue
                region_id = demo_id("region", row["itl1_code"])
                self.conn.execute(
                    insert(Region).values(
                        id=region_id,
                        code=row["itl1_code"],
                        name=row["name"],
                        slug=slugify(row["name"]),
                    )
                )
                names[row["name"]] = region_id
        return names

    def sectors(self) -> dict[str, uuid.UUID]:
        existing = {s.slug: s.id for s in self.conn.execute(select(Sector.__table__))}  # type: ignore[attr-defined]
        names = {s.name for s in self.conn.execute(select(col(Sector.name)))}
        for slug, (name, description) in SECTORS.items():
            if slug in existing:
                continue
            if name in names:
                name = f"{name} ({slug})"
            sector_id = demo_id("sector", slug)
            self.conn.execute(
                insert(Sector).values(id=sector_id, slug=slug, name=name, description=description)
            )
            existing[slug] = sector_id
        return {slug: existing[slug] for slug in SECTORS}

    # -- places and organisations ---------------------------------------------------------------

    def institutes(
        self, towns: dict[str, list[District]], regions: dict[str, uuid.UUID], count: int
    ) -> list[tuple[uuid.UUID, tuple[float, float]]]:
        """Hubs in the largest towns, spread over the regions."""
        taken = {n for (n,) in self.conn.execute(select(col(Institute.name)))}
        by_region: dict[str, list[str]] = defaultdict(list)
        for town, ds in sorted(towns.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if ds[0].region in regions:
                by_region[ds[0].region].append(town)
        hubs: list[str] = []
        depth = 0
        while len(hubs) < count and any(len(v) > depth for v in by_region.values()):
            hubs += [v[depth] for _, v in sorted(by_region.items()) if len(v) > depth]
            depth += 1
        out = []
        rows = []
        for town in hubs[:count]:
            name = f"{town} Institute of Technology"
            if name in taken:
                name = f"{town} Technical Partnership"
            institute_id = _uuid(self.rng)
            rows.append(
                {
                    "id": institute_id,
                    "name": name,
                    "slug": f"{SYNTHETIC_SLUG}{slugify(town)}",
                    "region_id": regions[towns[town][0].region],
                    "licence_status": "active",
                    "licence_expires_on": date(2028, 7, 31),
                    "website": None,
                    "summary": f"A synthetic Institute of Technology centred on {town}.",
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                }
            )
            out.append((institute_id, _centre(towns[town])))
        self.conn.execute(insert(Institute), rows)
        return out

    def providers(
        self,
        towns: dict[str, list[District]],
        hubs: list[tuple[uuid.UUID, tuple[float, float]]],
        count: int,
    ) -> list[_Provider]:
        rng = self.rng
        names = list(towns)
        weights = [min(len(towns[t]), 25) for t in names]
        used_ukprns = {u for (u,) in self.conn.execute(select(col(Provider.ukprn)))}
        next_ukprn = 18_000_000
        providers: list[_Provider] = []
        provider_rows, link_rows, campus_rows = [], [], []
        seen_names: set[str] = set()
        for town in rng.choices(names, weights, k=count):
            kind = rng.choices(list(PROVIDER_NAMES), [60, 15, 25])[0]
            name = rng.choice(PROVIDER_NAMES[kind]).format(t=town)
            home = rng.choice(towns[town])
            if name in seen_names:
                name = f"{name} ({home.outcode})"
            seen_names.add(name)
            while str(next_ukprn) in used_ukprns:
                next_ukprn += 1
            lat, lng = _centre(towns[town])
            institute_id = min(hubs, key=lambda h: distance_km(lat, lng, *h[1]))[0]
            provider = _Provider(_uuid(rng), town, home, institute_id)
            provider_rows.append(
                {
                    "id": provider.id,
                    "name": name,
                    "ukprn": str(next_ukprn),
                    "type": kind,
                    "website": f"{SYNTHETIC_WEBSITE}{next_ukprn}",
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                }
            )
            next_ukprn += 1
            link_rows.append({"provider_id": provider.id, "institute_id": institute_id})
            sites = [home] + rng.sample(towns[town], k=min(len(towns[town]), rng.choice([0, 1, 2])))
            for n, district in enumerate(dict.fromkeys(sites)):
                campus_id = _uuid(rng)
                provider.campuses.append(campus_id)
                campus_rows.append(
                    {
                        "id": campus_id,
                        "provider_id": provider.id,
                        "name": CAMPUS_NAMES[n] if n else "Main campus",
                        "address": f"{rng.randint(1, 180)} {rng.choice(STREETS)} Road",
                        "town": town,
                        "postcode": self._postcode(district),
                        "latitude": round(district.latitude + rng.uniform(-0.008, 0.008), 6),
                        "longitude": round(district.longitude + rng.uniform(-0.012, 0.012), 6),
                        "created_at": self.stamp,
                        "updated_at": self.stamp,
                    }
                )
            providers.append(provider)
        for table, rows in (
            (Provider, provider_rows),
            (ProviderInstitute, link_rows),
            (Campus, campus_rows),
        ):
            for chunk in _chunks(rows):
                self.conn.execute(insert(table), chunk)
        return providers

    def _postcode(self, district: District) -> str:
        rng = self.rng
        letters = "".join(rng.choice(INWARD_LETTERS) for _ in range(2))
        return f"{district.outcode} {rng.randint(0, 9)}{letters}"

    # -- courses --------------------------------------------------------------------------------

    def courses(
        self,
        providers: list[_Provider],
        sectors: dict[str, uuid.UUID],
        count: int,
        seed: int,
    ) -> tuple[int, int]:
        rng = self.rng
        sector_slugs = list(SECTOR_WEIGHTS)
        sector_weights = list(SECTOR_WEIGHTS.values())
        qual_weights = [q.weight for q in QUALIFICATIONS]
        starts = _term_starts(self.today)
        course_task = self.progress.add_task("courses and intakes", total=count)
        course_rows: list[dict[str, Any]] = []
        intake_rows: list[dict[str, Any]] = []
        intakes = 0
        for i in range(count):
            provider = providers[rng.randrange(len(providers))]
            slug = rng.choices(sector_slugs, sector_weights)[0]
            spec = rng.choices(QUALIFICATIONS, qual_weights)[0]
            subject = rng.choice(SUBJECTS[slug])
            level = rng.choice(spec.levels)
            title = rng.choice(spec.patterns).format(s=subject, level=level)
            if rng.random() < 0.15:
                title += rng.choice(SUFFIXES)
            topics = rng.sample(TOPICS[slug], k=3)
            part_time = rng.random() < spec.part_time_share
            delivery = rng.choices(["in_person", "blended", "online"], [65, 25, 10])[0]
            fee = rng.randint(*spec.fee_pounds) // 50 * 50 * 100
            status = rng.choices(["published", "draft", "archived"], [96, 3, 1])[0]
            course_id = _uuid(rng)
            course_rows.append(
                {
                    "id": course_id,
                    "title": title[:200],
                    "slug": f"syn{seed}-{i:07d}-{slugify(title)[:150]}",
                    "summary": (
                        f"{subject} at level {level}: {topics[0]}, {topics[1]} and {topics[2]}."
                    ),
                    "description": (
                        f"This {title} course is delivered by our {provider.town} team "
                        f"{'part time' if part_time else 'full time'}. You will study "
                        f"{', '.join(topics)} with employers from across the region, using "
                        f"industry-standard equipment. Assessment combines practical projects, "
                        f"written assignments and a final showcase for local employers."
                    ),
                    "sector_id": sectors[slug],
                    "level": level,
                    "qualification": spec.code,
                    "delivery_mode": delivery,
                    "study_mode": "part_time" if part_time else "full_time",
                    "duration_months": rng.choice(spec.months),
                    "fee_pence": fee,
                    "entry_requirements": rng.choice(
                        [
                            "A level 3 qualification in a related subject.",
                            "GCSE English and maths at grade 4 or above.",
                            "Relevant work experience; no formal qualifications needed.",
                            "An employer willing to support you through the programme.",
                        ]
                    ),
                    "institute_id": provider.institute_id,
                    "provider_id": provider.id,
                    "employer_ids": [],
                    "status": status,
                    "created_at": self.stamp,
                    "updated_at": self.stamp,
                }
            )
            for start in sorted(rng.sample(starts, k=rng.choice([1, 1, 2, 2, 3]))):
                intake_rows.append(
                    {
                        "id": _uuid(rng),
                        "course_id": course_id,
                        "campus_id": rng.choice(provider.campuses),
                        "start_date": start,
                        "application_deadline": start
                        - timedelta(days=rng.choice([14, 30, 45, 60])),
                        "capacity": rng.randrange(10, 61, 2),
                        "created_at": self.stamp,
                        "updated_at": self.stamp,
                    }
                )
            if len(course_rows) >= BATCH:
                intakes += self._flush(course_rows, intake_rows)
                self.progress.advance(course_task, len(course_rows))
                course_rows, intake_rows = [], []
        intakes += self._flush(course_rows, intake_rows)
        self.progress.advance(course_task, len(course_rows))
        return count, intakes

    def _flush(self, courses: list[dict[str, Any]], intakes: list[dict[str, Any]]) -> int:
        if courses:
            self.conn.execute(insert(Course), courses)
        if intakes:
            self.conn.execute(insert(Intake), intakes)
        return len(intakes)


def seed_large(
    database_url: str,
    count: int,
    seed: int = 1,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> SeedLargeReport:
    """Replace the synthetic part of the catalogue with ``count`` courses (see the module doc)."""
    began = time.perf_counter()
    today = today or datetime.now(UTC).date()
    rng = random.Random(seed)
    report = SeedLargeReport()
    progress = progress or Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    towns = _towns()
    engine = create_engine(sync_url(database_url))
    try:
        with progress, engine.begin() as conn:
            loader = _Loader(conn, rng, today, progress)
            setup = progress.add_task("places and organisations", total=4)
            report.removed_courses = loader.clear()
            progress.advance(setup)
            regions = loader.regions()
            sectors = loader.sectors()
            progress.advance(setup)
            hubs = loader.institutes(towns, regions, max(6, min(40, math.ceil(count / 4000))))
            report.institutes = len(hubs)
            progress.advance(setup)
            providers = loader.providers(
                towns, hubs, max(3, math.ceil(count / COURSES_PER_PROVIDER))
            )
            report.providers = len(providers)
            report.campuses = sum(len(p.campuses) for p in providers)
            progress.advance(setup)
            report.courses, report.intakes = loader.courses(providers, sectors, count, seed)
        with engine.begin() as conn:  # its own short transaction, after the data is visible
            conn.execute(insert(CatalogueChange).values(entity="all", changed_at=datetime.now(UTC)))
    finally:
        engine.dispose()
    report.seconds = time.perf_counter() - began
    return report


def command(
    count: Annotated[
        int, typer.Option("--count", "-n", min=1, max=2_000_000, help="Courses to create")
    ] = 100_000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed")] = 1,
    today: Annotated[
        str | None, typer.Option(help="Date the intakes are planned around (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Replace the synthetic catalogue with COUNT deterministic courses around real towns."""
    from catalogue.config import Settings

    console = Console()
    planned = date.fromisoformat(today) if today else None
    report = seed_large(Settings().database_url, count, seed, today=planned)
    console.print(
        f"[green]synthetic catalogue[/green] (seed {seed}): {report.courses:,} courses, "
        f"{report.intakes:,} intakes, {report.campuses:,} campuses, {report.providers:,} "
        f"providers, {report.institutes} institutes in {report.seconds:.1f} s"
        + (f" (replaced {report.removed_courses:,} earlier)" if report.removed_courses else "")
    )
