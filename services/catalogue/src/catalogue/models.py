"""Every catalogue table, for the app and for Alembic's ``target_metadata``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from servicekit.db import UTCDateTime, new_id, new_registry, utcnow


class Base(SQLModel, registry=new_registry()):
    pass


metadata = Base.metadata


def _fk(target: str, *, nullable: bool = False, ondelete: str = "RESTRICT") -> Any:
    return Field(
        sa_column_args=[ForeignKey(target, ondelete=ondelete)],
        index=True,
        nullable=nullable,
    )


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Region(Base, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    code: str = Field(sa_type=String(8), unique=True, nullable=False)
    name: str = Field(sa_type=String(120), unique=True, nullable=False)
    slug: str = Field(sa_type=String(120), unique=True, nullable=False)


class Sector(Base, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    slug: str = Field(sa_type=String(120), unique=True, nullable=False)
    name: str = Field(sa_type=String(120), unique=True, nullable=False)
    description: str = Field(default="", sa_type=String(1000), nullable=False)


class Institute(Base, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(sa_type=String(200), unique=True, nullable=False)
    slug: str = Field(sa_type=String(200), unique=True, nullable=False)
    region_id: uuid.UUID = _fk("region.id")
    licence_status: str = Field(sa_type=String(20), nullable=False)
    licence_expires_on: date | None = None
    website: str | None = Field(default=None, sa_type=String(300))
    summary: str = Field(default="", sa_type=String(2000), nullable=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Provider(Base, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(sa_type=String(200), nullable=False, index=True)
    ukprn: str = Field(sa_type=String(8), unique=True, nullable=False)
    type: str = Field(sa_type=String(40), nullable=False)
    website: str | None = Field(default=None, sa_type=String(300))
    created_at: datetime = _created()
    updated_at: datetime = _created()


class ProviderInstitute(Base, table=True):
    """A provider belongs to an institute's partnership."""

    __tablename__ = "provider_institute"
    provider_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("provider.id", ondelete="CASCADE")], primary_key=True
    )
    institute_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("institute.id", ondelete="CASCADE")],
        primary_key=True,
        index=True,
    )


class Campus(Base, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    provider_id: uuid.UUID = _fk("provider.id")
    name: str = Field(sa_type=String(200), nullable=False)
    address: str = Field(default="", sa_type=String(500), nullable=False)
    town: str = Field(default="", sa_type=String(120), nullable=False)
    postcode: str = Field(sa_type=String(8), nullable=False)
    latitude: float
    longitude: float
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Course(Base, table=True):
    __table_args__ = (
        CheckConstraint("level BETWEEN 3 AND 7", name="level_range"),
        CheckConstraint("fee_pence >= 0", name="fee_not_negative"),
        Index("ix_course_status_title", "status", "title"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    title: str = Field(sa_type=String(200), nullable=False)
    slug: str = Field(sa_type=String(220), unique=True, nullable=False)
    summary: str = Field(default="", sa_type=String(500), nullable=False)
    description: str = Field(default="", sa_type=Text, nullable=False)
    sector_id: uuid.UUID = _fk("sector.id")
    level: int
    qualification: str = Field(sa_type=String(40), nullable=False)
    delivery_mode: str = Field(sa_type=String(20), nullable=False)
    study_mode: str = Field(sa_type=String(20), nullable=False)
    duration_months: int
    fee_pence: int
    entry_requirements: str = Field(default="", sa_type=String(2000), nullable=False)
    institute_id: uuid.UUID = _fk("institute.id")
    provider_id: uuid.UUID = _fk("provider.id")
    employer_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(sa_type=String(20), nullable=False, index=True)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Intake(Base, table=True):
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("application_deadline <= start_date", name="deadline_before_start"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    course_id: uuid.UUID = _fk("course.id", ondelete="CASCADE")
    campus_id: uuid.UUID = _fk("campus.id")
    start_date: date = Field(index=True)
    application_deadline: date
    capacity: int
    created_at: datetime = _created()
    updated_at: datetime = _created()


# The change log: every write to what course search shows adds a row, numbered in order, so each
# process's search index can follow other processes' writes (and deletions: the row outlives the
# record it names, a tombstone). Written by the listener below for every ORM flush; bulk loaders
# that bypass the ORM add an ``all`` row (rebuild) themselves.

CHANGE_ENTITIES = ("course", "provider", "institute", "sector", "region", "all")


class CatalogueChange(Base, table=True):
    __tablename__ = "catalogue_change"
    __table_args__ = ({"sqlite_autoincrement": True},)  # never reuse a number, even once pruned
    seq: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    entity: str = Field(sa_type=String(20), nullable=False)
    entity_id: uuid.UUID | None = None
    changed_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True
    )


def _change_keys(obj: object) -> tuple[str, uuid.UUID] | None:
    """Which search-relevant record a changed row belongs to (an intake belongs to its course,
    a campus to its provider)."""
    if isinstance(obj, Course):
        return ("course", obj.id)
    if isinstance(obj, Intake):
        return ("course", obj.course_id)
    if isinstance(obj, Campus):
        return ("provider", obj.provider_id)
    if isinstance(obj, Provider):
        return ("provider", obj.id)
    if isinstance(obj, Institute):
        return ("institute", obj.id)
    if isinstance(obj, Sector):
        return ("sector", obj.id)
    if isinstance(obj, Region):
        return ("region", obj.id)
    return None


def _record_changes(session: Session, _context: Any, _instances: Any) -> None:
    logged: set[tuple[str, uuid.UUID]] = session.info.setdefault("catalogue_changes", set())
    touched = [*session.new, *session.deleted]
    touched += [o for o in session.dirty if session.is_modified(o, include_collections=False)]
    for obj in touched:
        key = _change_keys(obj)
        if key is not None and key not in logged:
            logged.add(key)
            session.add(CatalogueChange(entity=key[0], entity_id=key[1]))


def _forget_changes(session: Session, *_args: Any) -> None:
    session.info.pop("catalogue_changes", None)


event.listen(Session, "before_flush", _record_changes)
event.listen(Session, "after_commit", _forget_changes)
event.listen(Session, "after_rollback", _forget_changes)
