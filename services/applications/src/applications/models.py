"""Every applications table, for the app and for Alembic's ``target_metadata``."""

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


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _when(*, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)


class LearnerProfile(Base, table=True):
    """What a learner tells us about themselves; every field optional, kept only for their own
    applications, removed when they delete their account."""

    __tablename__ = "learner_profile"
    learner_id: uuid.UUID = Field(primary_key=True)
    full_name: str | None = Field(default=None, sa_type=String(200))
    date_of_birth: date | None = None
    email: str | None = Field(default=None, sa_type=String(254))
    phone: str | None = Field(default=None, sa_type=String(30))
    address: str | None = Field(default=None, sa_type=String(1000))
    home_postcode: str | None = Field(default=None, sa_type=String(10))
    household_income_band: str | None = Field(default=None, sa_type=String(20))
    care_leaver: bool | None = None
    first_in_family: bool | None = None
    young_carer: bool | None = None
    disabled: bool | None = None
    estranged: bool | None = None
    free_school_meals: bool | None = None
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Intake(Base, table=True):
    """The catalogue's intake as last seen: its capacity, and the row that offers and
    acceptances lock so that accepted places never exceed it."""

    id: uuid.UUID = Field(primary_key=True)  # the catalogue's intake id
    course_id: uuid.UUID = Field(nullable=False)
    provider_id: uuid.UUID = Field(nullable=False)
    institute_id: uuid.UUID = Field(nullable=False)
    course_title: str = Field(sa_type=String(200), nullable=False)
    start_date: date
    application_deadline: date
    capacity: int
    lock_version: int = Field(default=0, nullable=False)
    refreshed_at: datetime = _created()


class Application(Base, table=True):
    __table_args__ = (
        # One active application per learner per intake: `active_intake_id` is the intake while
        # the application is active and NULL once it ended (NULLs never collide).
        UniqueConstraint("learner_id", "active_intake_id", name="uq_application_one_active"),
        UniqueConstraint("learner_id", "idempotency_key", name="uq_application_idempotency"),
        Index("ix_application_provider_status", "provider_id", "status"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    learner_id: uuid.UUID | None = Field(default=None, index=True)  # NULL once anonymised
    intake_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("intake.id", ondelete="RESTRICT")], index=True, nullable=False
    )
    active_intake_id: uuid.UUID | None = None
    course_id: uuid.UUID = Field(nullable=False, index=True)
    provider_id: uuid.UUID = Field(nullable=False)
    institute_id: uuid.UUID = Field(nullable=False, index=True)
    course_title: str = Field(sa_type=String(200), nullable=False)
    start_date: date
    status: str = Field(sa_type=String(20), nullable=False)
    personal_statement: str = Field(default="", sa_type=Text, nullable=False)
    offer_type: str | None = Field(default=None, sa_type=String(20))
    offer_conditions: str | None = Field(default=None, sa_type=String(2000))
    idempotency_key: str | None = Field(default=None, sa_type=String(200))
    # The changes feed's cursor: a number taken from `change_counter` by each change, in commit
    # order (see `applications.changes`).
    change_seq: int = Field(sa_type=BigInteger, nullable=False, unique=True)
    submitted_at: datetime | None = _when()
    decided_at: datetime | None = _when()
    anonymised_at: datetime | None = _when()
    created_at: datetime = _created()
    updated_at: datetime = _created()


class StatusChange(Base, table=True):
    """Every transition of an application: who, when, from, to and why."""

    __tablename__ = "status_change"
    __table_args__ = (
        UniqueConstraint("application_id", "idempotency_key", name="uq_status_change_idempotency"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    application_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("application.id", ondelete="CASCADE")],
        index=True,
        nullable=False,
    )
    from_status: str | None = Field(default=None, sa_type=String(20))
    to_status: str = Field(sa_type=String(20), nullable=False)
    actor: str = Field(sa_type=String(20), nullable=False)  # learner, provider_staff, system
    actor_id: str | None = Field(default=None, sa_type=String(200))  # NULL once anonymised
    reason: str | None = Field(default=None, sa_type=String(1000))
    idempotency_key: str | None = Field(default=None, sa_type=String(200))
    at: datetime = _created()


class ChangeCounter(Base, table=True):
    """One row: the last change number handed out. Taking the next one locks the row until the
    transaction ends, so numbers become visible in the order they were taken."""

    __tablename__ = "change_counter"
    id: int = Field(primary_key=True)
    value: int = Field(sa_type=BigInteger, nullable=False)


class BursaryApplication(Base, table=True):
    __tablename__ = "bursary_application"
    __table_args__ = (
        UniqueConstraint("application_id", "scheme_id", name="uq_bursary_application_scheme"),
        UniqueConstraint("learner_id", "idempotency_key", name="uq_bursary_idempotency"),
        CheckConstraint("award_attempt >= 0", name="award_attempt_not_negative"),
        Index("ix_bursary_application_award_state", "award_state", "award_updated_at"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    learner_id: uuid.UUID | None = Field(default=None, index=True)  # NULL once anonymised
    application_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("application.id", ondelete="CASCADE")],
        index=True,
        nullable=False,
    )
    provider_id: uuid.UUID = Field(nullable=False, index=True)
    institute_id: uuid.UUID = Field(nullable=False)
    course_id: uuid.UUID = Field(nullable=False)
    scheme_id: uuid.UUID = Field(nullable=False, index=True)
    scheme_name: str = Field(sa_type=String(200), nullable=False)
    scheme_award_pence: int = Field(sa_type=BigInteger, nullable=False)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    eligible: bool
    failed_rules: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(sa_type=String(20), nullable=False)
    decision_reason: str | None = Field(default=None, sa_type=String(1000))
    decided_by: str | None = Field(default=None, sa_type=String(200))
    decided_at: datetime | None = _when()
    # The award in flight: attempt n reserves under key `reservation_key(id, n)`.
    award_state: str | None = Field(default=None, sa_type=String(20))
    award_attempt: int = Field(default=0, nullable=False)
    reservation_id: uuid.UUID | None = None
    awarded_pence: int | None = Field(default=None, sa_type=BigInteger)
    award_requested_by: str | None = Field(default=None, sa_type=String(200))
    award_updated_at: datetime | None = _when()
    idempotency_key: str | None = Field(default=None, sa_type=String(200))
    anonymised_at: datetime | None = _when()
    created_at: datetime = _created()
    updated_at: datetime = _created()
