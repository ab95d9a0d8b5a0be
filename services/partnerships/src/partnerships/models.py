"""Every partnerships table, for the app and for Alembic's ``target_metadata``.

Money is integer pence. A fund's balances are never stored: they are sums over its append-only
``ledger_entry`` rows. ``lock_version`` columns exist only so that SQLite (one writer at a time)
can take a fund's, scheme's or event's lock with a write; see ``partnerships.locking``.
"""

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
    String,
    Text,
    UniqueConstraint,
)
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


def _when() -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=True)


class Employer(Base, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(sa_type=String(200), nullable=False, index=True)
    companies_house_number: str = Field(sa_type=String(8), unique=True, nullable=False)
    sector: str = Field(sa_type=String(120), nullable=False)
    size_band: str = Field(sa_type=String(20), nullable=False)
    region: str = Field(sa_type=String(40), nullable=False)
    website: str | None = Field(default=None, sa_type=String(300))
    status: str = Field(sa_type=String(20), nullable=False, index=True)
    # The user who signed it up (identity's user id) and the key that sign-up was sent with.
    signed_up_by: uuid.UUID | None = Field(default=None, unique=True)
    signup_key: str | None = Field(default=None, sa_type=String(200))
    verified_at: datetime | None = _when()
    verified_by: str | None = Field(default=None, sa_type=String(200))
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Partnership(Base, table=True):
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", "dates"),
        Index("ix_partnership_institute_status", "institute_id", "status"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    employer_id: uuid.UUID = _fk("employer.id")
    institute_id: uuid.UUID = Field(nullable=False)  # the catalogue's institute id
    kind: str = Field(sa_type=String(30), nullable=False)
    status: str = Field(sa_type=String(20), nullable=False)
    starts_on: date | None = None
    ends_on: date | None = None
    description: str = Field(default="", sa_type=Text, nullable=False)
    contacts: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    proposed_by: str = Field(sa_type=String(200), nullable=False)
    accepted_at: datetime | None = _when()
    accepted_by: str | None = Field(default=None, sa_type=String(200))
    ended_at: datetime | None = _when()
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Fund(Base, table=True):
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", "dates"),
        UniqueConstraint("employer_id", "idempotency_key"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    employer_id: uuid.UUID = _fk("employer.id")
    name: str = Field(sa_type=String(200), nullable=False)
    description: str = Field(default="", sa_type=Text, nullable=False)
    starts_on: date
    ends_on: date
    status: str = Field(sa_type=String(20), nullable=False)
    idempotency_key: str | None = Field(default=None, sa_type=String(200))
    lock_version: int = Field(default=0, nullable=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class FundInstitute(Base, table=True):
    """The institutes a fund's money is for (the catalogue's institute ids)."""

    __tablename__ = "fund_institute"
    fund_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("fund.id", ondelete="CASCADE")], primary_key=True
    )
    institute_id: uuid.UUID = Field(primary_key=True, index=True)


class BursaryScheme(Base, table=True):
    __tablename__ = "bursary_scheme"
    __table_args__ = (
        CheckConstraint("award_pence > 0", "award_positive"),
        CheckConstraint("max_awards > 0", "max_awards_positive"),
        CheckConstraint("closes_on >= opens_on", "window"),
        UniqueConstraint("fund_id", "idempotency_key"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    fund_id: uuid.UUID = _fk("fund.id")
    employer_id: uuid.UUID = _fk("employer.id")
    name: str = Field(sa_type=String(200), nullable=False)
    description: str = Field(default="", sa_type=Text, nullable=False)
    award_pence: int = Field(sa_type=BigInteger, nullable=False)
    max_awards: int
    opens_on: date
    closes_on: date
    status: str = Field(sa_type=String(20), nullable=False, index=True)
    eligibility: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    idempotency_key: str | None = Field(default=None, sa_type=String(200))
    lock_version: int = Field(default=0, nullable=False)
    opened_at: datetime | None = _when()
    closed_at: datetime | None = _when()
    created_at: datetime = _created()
    updated_at: datetime = _created()


class SchemeTarget(Base, table=True):
    """Who and what a scheme is for: ``institute``, ``course`` (ids), ``sector`` (slug) and
    ``level`` rows. No rows of a kind (other than institute) means any."""

    __tablename__ = "scheme_target"
    __table_args__ = (Index("ix_scheme_target_kind_value", "kind", "value"),)
    scheme_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("bursary_scheme.id", ondelete="CASCADE")], primary_key=True
    )
    kind: str = Field(sa_type=String(20), primary_key=True)
    value: str = Field(sa_type=String(120), primary_key=True)


class Reservation(Base, table=True):
    __table_args__ = (
        UniqueConstraint("scheme_id", "key"),
        CheckConstraint("amount_pence > 0", "amount_positive"),
        Index("ix_reservation_status_expires", "status", "expires_at"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    scheme_id: uuid.UUID = _fk("bursary_scheme.id")
    fund_id: uuid.UUID = _fk("fund.id")
    key: str = Field(sa_type=String(200), nullable=False)
    status: str = Field(sa_type=String(20), nullable=False)
    amount_pence: int = Field(sa_type=BigInteger, nullable=False)
    course_id: uuid.UUID | None = None
    institute_id: uuid.UUID | None = None
    sector: str | None = Field(default=None, sa_type=String(120))
    reserved_by: str = Field(sa_type=String(200), nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    decided_at: datetime | None = _when()
    created_at: datetime = _created()


class OutreachEvent(Base, table=True):
    __tablename__ = "outreach_event"
    __table_args__ = (
        CheckConstraint("capacity_pupils > 0", "capacity_positive"),
        CheckConstraint("ends_at >= starts_at", "times"),
        CheckConstraint("year_groups_mask > 0", "year_groups_given"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    employer_id: uuid.UUID = _fk("employer.id")
    institute_id: uuid.UUID = Field(nullable=False, index=True)
    fund_id: uuid.UUID | None = _fk("fund.id", nullable=True)
    kind: str = Field(sa_type=String(30), nullable=False)
    title: str = Field(sa_type=String(200), nullable=False)
    description: str = Field(default="", sa_type=Text, nullable=False)
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    venue: str = Field(sa_type=String(300), nullable=False)
    venue_postcode: str = Field(sa_type=String(8), nullable=False)
    capacity_pupils: int
    # School year groups as bits (bit n: Year n), so lists can filter on them in SQL.
    year_groups_mask: int = Field(nullable=False)
    status: str = Field(sa_type=String(20), nullable=False, index=True)
    lock_version: int = Field(default=0, nullable=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class SchoolRegistration(Base, table=True):
    __tablename__ = "school_registration"
    __table_args__ = (
        UniqueConstraint("event_id", "urn"),
        CheckConstraint("pupils > 0", "pupils_positive"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    event_id: uuid.UUID = _fk("outreach_event.id", ondelete="CASCADE")
    school_name: str = Field(sa_type=String(200), nullable=False)
    urn: str = Field(sa_type=String(6), nullable=False)
    teacher_name: str = Field(sa_type=String(200), nullable=False)
    teacher_email: str = Field(sa_type=String(254), nullable=False)
    teacher_phone: str | None = Field(default=None, sa_type=String(30))
    pupils: int
    year_group: int
    created_at: datetime = _created()


class LedgerEntry(Base, table=True):
    """One movement of a fund's money. Rows are only ever inserted."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", "amount_positive"),
        CheckConstraint(
            "kind IN ('pledge', 'allocate', 'assign', 'reserve', 'award', 'release', 'spend')",
            "kind_known",
        ),
        UniqueConstraint("fund_id", "idempotency_key"),
        Index("ix_ledger_entry_fund_created", "fund_id", "created_at"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    fund_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("fund.id", ondelete="RESTRICT")], nullable=False
    )
    kind: str = Field(sa_type=String(20), nullable=False)
    amount_pence: int = Field(sa_type=BigInteger, nullable=False)
    purpose: str | None = Field(default=None, sa_type=String(20))
    scheme_id: uuid.UUID | None = _fk("bursary_scheme.id", nullable=True)
    reservation_id: uuid.UUID | None = _fk("reservation.id", nullable=True)
    event_id: uuid.UUID | None = _fk("outreach_event.id", nullable=True)
    idempotency_key: str | None = Field(default=None, sa_type=String(200))
    actor: str = Field(sa_type=String(200), nullable=False)
    note: str = Field(default="", sa_type=String(500), nullable=False)
    created_at: datetime = _created()


class Opportunity(Base, table=True):
    __table_args__ = (Index("ix_opportunity_status_closes", "status", "closes_on"),)
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    employer_id: uuid.UUID = _fk("employer.id")
    institute_id: uuid.UUID | None = Field(default=None, index=True)
    kind: str = Field(sa_type=String(30), nullable=False)
    sector: str = Field(sa_type=String(120), nullable=False, index=True)
    title: str = Field(sa_type=String(200), nullable=False)
    description: str = Field(default="", sa_type=Text, nullable=False)
    town: str = Field(default="", sa_type=String(120), nullable=False)
    postcode_district: str = Field(sa_type=String(4), nullable=False, index=True)
    postcode_area: str = Field(sa_type=String(2), nullable=False, index=True)
    closes_on: date
    status: str = Field(sa_type=String(20), nullable=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()
