"""Reading what the search index is derived from: courses with their intakes, and the small
reference tables (sectors, institutes, regions, providers, campuses) held in memory beside it.

Every read is by primary key or an indexed foreign key, in chunks; only a full build reads whole
tables.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, Table, Uuid, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from catalogue.models import (
    Campus,
    CatalogueChange,
    Course,
    Institute,
    Intake,
    Provider,
    Region,
    Sector,
)

CHUNK = 1000


@dataclass(frozen=True, slots=True)
class SectorRef:
    id: uuid.UUID
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class InstituteRef:
    id: uuid.UUID
    name: str
    region_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class CampusRef:
    id: uuid.UUID
    provider_id: uuid.UUID
    name: str
    town: str
    postcode: str
    latitude: float
    longitude: float


@dataclass
class Reference:
    """The small tables, by id. Mutated on the event loop only, so no search sees half a change."""

    sectors: dict[uuid.UUID, SectorRef] = field(default_factory=dict)
    institutes: dict[uuid.UUID, InstituteRef] = field(default_factory=dict)
    regions: dict[uuid.UUID, str] = field(default_factory=dict)
    providers: dict[uuid.UUID, str] = field(default_factory=dict)
    campuses: dict[uuid.UUID, CampusRef] = field(default_factory=dict)
    campuses_by_provider: dict[uuid.UUID, list[uuid.UUID]] = field(
        default_factory=lambda: defaultdict(list)
    )
    version: int = 0  # bumped on every change, so derived caches (the campus geo arrays) refresh

    def sector_by_slug(self) -> dict[str, SectorRef]:
        return {s.slug: s for s in self.sectors.values()}

    def set_campuses(self, provider_id: uuid.UUID, campuses: Iterable[CampusRef]) -> None:
        for old in self.campuses_by_provider.pop(provider_id, []):
            self.campuses.pop(old, None)
        for campus in campuses:
            self.campuses[campus.id] = campus
            self.campuses_by_provider[provider_id].append(campus.id)
        self.version += 1


@dataclass(frozen=True, slots=True)
class IntakeRow:
    id: str
    campus_id: str
    start_date: date
    application_deadline: date
    capacity: int


@dataclass(slots=True)
class CourseRow:
    """A course as the index needs it: its API fields (ids as text) and its intakes."""

    fields: dict[str, Any]
    intakes: list[IntakeRow] = field(default_factory=list)

    @property
    def id(self) -> str:
        value: str = self.fields["id"]
        return value


def uuid_text(value: Any) -> str:
    """A UUID read as text: PostgreSQL says '1b4e28ba-2fa1-…', SQLite stores 32 hex digits."""
    text = str(value)
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _as_text(column: Any) -> Any:
    """UUID columns come back as text: building 100,000s of uuid.UUID objects is the slowest
    part of reading the catalogue, and the index wants text anyway."""
    return cast(column, String(36)).label(column.name) if isinstance(column.type, Uuid) else column


_COURSE_COLUMNS = [_as_text(c) for c in _table(Course).columns]
_INTAKE_COLUMNS = [
    _as_text(_table(Intake).c.course_id),
    _as_text(_table(Intake).c.id),
    _as_text(_table(Intake).c.campus_id),
    col(Intake.start_date),
    col(Intake.application_deadline),
    col(Intake.capacity),
]
_UUID_FIELDS = ("id", "sector_id", "institute_id", "provider_id")


def _course_row(row: Any) -> CourseRow:
    fields = dict(row._mapping)
    for name in _UUID_FIELDS:
        fields[name] = uuid_text(fields[name])
    return CourseRow(fields)


def _chunks(ids: Sequence[uuid.UUID], size: int = CHUNK) -> Iterable[Sequence[uuid.UUID]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _campus(row: Any) -> CampusRef:
    return CampusRef(
        row.id, row.provider_id, row.name, row.town, row.postcode, row.latitude, row.longitude
    )


async def load_reference(conn: AsyncConnection) -> Reference:
    ref = Reference()
    for s in await conn.execute(select(_table(Sector))):
        ref.sectors[s.id] = SectorRef(s.id, s.slug, s.name)
    for i in await conn.execute(select(_table(Institute))):
        ref.institutes[i.id] = InstituteRef(i.id, i.name, i.region_id)
    for r in await conn.execute(select(col(Region.id), col(Region.name))):
        ref.regions[r.id] = r.name
    for p in await conn.execute(select(col(Provider.id), col(Provider.name))):
        ref.providers[p.id] = p.name
    campuses = await conn.execute(select(_table(Campus)).order_by(col(Campus.name), col(Campus.id)))
    for c in campuses:
        ref.campuses[c.id] = _campus(c)
        ref.campuses_by_provider[c.provider_id].append(c.id)
    return ref


async def _by_id(conn: AsyncConnection, stmt: Any) -> dict[uuid.UUID, Any]:
    return {row.id: row for row in await conn.execute(stmt)}


async def refresh_reference(
    conn: AsyncConnection, ref: Reference, changed: dict[str, set[uuid.UUID]]
) -> None:
    """Reload the named reference rows (and a changed provider's campuses); drop deleted ones."""
    if ids := sorted(changed.get("sector", set())):
        rows = {
            s.id: s
            for s in await conn.execute(select(_table(Sector)).where(col(Sector.id).in_(ids)))
        }
        for i in ids:
            row = rows.get(i)
            if row is None:
                ref.sectors.pop(i, None)
            else:
                ref.sectors[i] = SectorRef(row.id, row.slug, row.name)
    if ids := sorted(changed.get("institute", set())):
        stmt = select(_table(Institute)).where(col(Institute.id).in_(ids))
        rows = {r.id: r for r in await conn.execute(stmt)}
        for i in ids:
            row = rows.get(i)
            if row is None:
                ref.institutes.pop(i, None)
            else:
                ref.institutes[i] = InstituteRef(row.id, row.name, row.region_id)
    if ids := sorted(changed.get("region", set())):
        stmt = select(col(Region.id), col(Region.name)).where(col(Region.id).in_(ids))
        rows = {r.id: r for r in await conn.execute(stmt)}
        for i in ids:
            if i in rows:
                ref.regions[i] = rows[i].name
            else:
                ref.regions.pop(i, None)
    if ids := sorted(changed.get("provider", set())):
        stmt = select(col(Provider.id), col(Provider.name)).where(col(Provider.id).in_(ids))
        rows = {r.id: r for r in await conn.execute(stmt)}
        campus_stmt = (
            select(_table(Campus))
            .where(col(Campus.provider_id).in_(ids))
            .order_by(col(Campus.name), col(Campus.id))
        )
        campuses: dict[uuid.UUID, list[CampusRef]] = defaultdict(list)
        for c in await conn.execute(campus_stmt):
            campuses[c.provider_id].append(_campus(c))
        for i in ids:
            if i in rows:
                ref.providers[i] = rows[i].name
            else:
                ref.providers.pop(i, None)
            ref.set_campuses(i, campuses.get(i, []))
    ref.version += 1


async def affected_courses(
    conn: AsyncConnection, changed: dict[str, set[uuid.UUID]]
) -> set[uuid.UUID]:
    """Every course whose search document a set of changes may alter (by indexed columns)."""
    ids = set(changed.get("course", set()))
    by_column = (
        ("provider", col(Course.provider_id)),
        ("institute", col(Course.institute_id)),
        ("sector", col(Course.sector_id)),
    )
    for entity, column in by_column:
        owners = sorted(changed.get(entity, set()))
        for chunk in _chunks(owners, 500):
            rows = await conn.execute(select(col(Course.id)).where(column.in_(chunk)))
            ids.update(r[0] for r in rows)
    return ids


async def _attach_intakes(conn: AsyncConnection, courses: dict[str, CourseRow]) -> None:
    for chunk in _chunks([uuid.UUID(c) for c in courses]):
        stmt = (
            select(*_INTAKE_COLUMNS)
            .where(col(Intake.course_id).in_(chunk))
            .order_by(col(Intake.start_date), col(Intake.id))
        )
        for row in await conn.execute(stmt):
            courses[uuid_text(row.course_id)].intakes.append(
                IntakeRow(
                    uuid_text(row.id),
                    uuid_text(row.campus_id),
                    row.start_date,
                    row.application_deadline,
                    row.capacity,
                )
            )


async def load_courses(conn: AsyncConnection, ids: Sequence[uuid.UUID]) -> dict[str, CourseRow]:
    """The named courses that still exist, by id as text (a missing id is a deletion)."""
    found: dict[str, CourseRow] = {}
    for chunk in _chunks(sorted(ids)):
        stmt = select(*_COURSE_COLUMNS).where(col(Course.id).in_(chunk))
        for row in await conn.execute(stmt):
            course = _course_row(row)
            found[course.id] = course
    await _attach_intakes(conn, found)
    return found


async def iterate_all_courses(conn: AsyncConnection, chunk: int = 2000) -> Any:
    """Every course, in id order, ``chunk`` at a time (keyset paging: no huge result sets)."""
    after: uuid.UUID | None = None
    while True:
        stmt = select(*_COURSE_COLUMNS).order_by(col(Course.id)).limit(chunk)
        if after is not None:
            stmt = stmt.where(col(Course.id) > after)
        rows = {}
        for row in await conn.execute(stmt):
            course = _course_row(row)
            rows[course.id] = course
        if not rows:
            return
        await _attach_intakes(conn, rows)
        yield list(rows.values())
        after = uuid.UUID(max(rows))
        if len(rows) < chunk:
            return


@dataclass(frozen=True, slots=True)
class ChangeRow:
    seq: int
    entity: str
    entity_id: uuid.UUID | None


async def changes_after(conn: AsyncConnection, after: int, limit: int) -> list[ChangeRow]:
    stmt = (
        select(
            col(CatalogueChange.seq), col(CatalogueChange.entity), col(CatalogueChange.entity_id)
        )
        .where(col(CatalogueChange.seq) > after)
        .order_by(col(CatalogueChange.seq))
        .limit(limit)
    )
    return [ChangeRow(r.seq, r.entity, r.entity_id) for r in await conn.execute(stmt)]


async def last_change(conn: AsyncConnection) -> int | None:
    value = (await conn.execute(select(func.max(col(CatalogueChange.seq))))).scalar_one_or_none()
    return int(value) if value is not None else None


async def prune_changes(conn: AsyncConnection, before: datetime) -> int:
    """Forget changes older than ``before``, always keeping the newest (the numbering's anchor)."""
    newest = await last_change(conn)
    if newest is None:
        return 0
    table = _table(CatalogueChange)
    result = await conn.execute(
        table.delete().where(
            col(CatalogueChange.changed_at) < before, col(CatalogueChange.seq) < newest
        )
    )
    return int(result.rowcount or 0)
