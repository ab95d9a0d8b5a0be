"""Every identity table, for the app and for Alembic's ``target_metadata``.

Secrets are never stored: passwords as argon2id hashes, refresh tokens, invitation tokens and
client secrets as SHA-256 digests of high-entropy random values.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from servicekit.db import UTCDateTime, new_id, new_registry, utcnow


class Base(SQLModel, registry=new_registry()):
    pass


metadata = Base.metadata


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _when() -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=True)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Any:
    if nullable:
        return Field(
            default=None,
            sa_column_args=[ForeignKey(target, ondelete=ondelete)],
            index=True,
            nullable=True,
        )
    return Field(sa_column_args=[ForeignKey(target, ondelete=ondelete)], index=True, nullable=False)


class User(Base, table=True):
    __table_args__ = (CheckConstraint("status IN ('active', 'disabled')", name="status_known"),)
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    email: str = Field(sa_type=String(254), nullable=False)
    # The lower-cased email: unique, so addresses differing only in letter case collide.
    email_key: str = Field(sa_type=String(254), unique=True, nullable=False)
    display_name: str = Field(sa_type=String(120), nullable=False)
    password_hash: str = Field(sa_type=String(255), nullable=False)
    status: str = Field(default="active", sa_type=String(20), nullable=False)
    # Self-registered users are learners; staff accounts get their roles from memberships.
    learner: bool = Field(default=False, nullable=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    last_login_at: datetime | None = _when()
    password_changed_at: datetime = _created()


class Organisation(Base, table=True):
    """An employer, provider, institute or the network; the id is the owning service's id."""

    __table_args__ = (
        CheckConstraint(
            "type IN ('employer', 'provider', 'institute', 'network')", name="type_known"
        ),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    type: str = Field(sa_type=String(20), nullable=False, index=True)
    name: str = Field(sa_type=String(200), nullable=False)
    created_at: datetime = _created()


class Membership(Base, table=True):
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id", name="uq_membership_user_organisation"),
        CheckConstraint("role IN ('owner', 'admin', 'member')", name="role_known"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = _fk("user.id")
    organisation_id: uuid.UUID = _fk("organisation.id")
    role: str = Field(sa_type=String(20), nullable=False)
    created_at: datetime = _created()


class Invitation(Base, table=True):
    """A single-use, expiring invitation; the token is ``<id>.<secret>`` and only its digest is
    kept."""

    __table_args__ = (CheckConstraint("role IN ('owner', 'admin', 'member')", name="role_known"),)
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = _fk("organisation.id")
    email: str = Field(sa_type=String(254), nullable=False)
    email_key: str = Field(sa_type=String(254), nullable=False, index=True)
    role: str = Field(sa_type=String(20), nullable=False)
    secret_hash: str = Field(sa_type=String(64), nullable=False)
    invited_by: uuid.UUID | None = _fk("user.id", nullable=True, ondelete="SET NULL")
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    accepted_at: datetime | None = _when()
    accepted_by: uuid.UUID | None = _fk("user.id", nullable=True, ondelete="SET NULL")
    revoked_at: datetime | None = _when()


class RefreshToken(Base, table=True):
    """One link of a rotation chain; every token of a login shares a ``family_id``."""

    __tablename__ = "refresh_token"
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    family_id: uuid.UUID = Field(nullable=False, index=True)
    user_id: uuid.UUID = _fk("user.id")
    secret_hash: str = Field(sa_type=String(64), nullable=False)
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    family_expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = _when()
    revoked_at: datetime | None = _when()


class ApiClient(Base, table=True):
    """An API client (client credentials) of an organisation, or a platform service."""

    __tablename__ = "api_client"
    __table_args__ = (
        CheckConstraint("kind IN ('api', 'service')", name="kind_known"),
        CheckConstraint("status IN ('active', 'disabled')", name="status_known"),
    )
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    client_id: str = Field(sa_type=String(64), unique=True, nullable=False)
    name: str = Field(sa_type=String(120), nullable=False)
    kind: str = Field(sa_type=String(20), nullable=False)
    organisation_id: uuid.UUID | None = _fk("organisation.id", nullable=True)
    scopes: str = Field(sa_type=String(500), nullable=False)
    secret_hash: str = Field(sa_type=String(64), nullable=False)
    status: str = Field(default="active", sa_type=String(20), nullable=False)
    created_by: uuid.UUID | None = _fk("user.id", nullable=True, ondelete="SET NULL")
    created_at: datetime = _created()
    last_used_at: datetime | None = _when()


class SigningKey(Base, table=True):
    """An RSA key pair. The newest key that is not retired signs; a retired key stays published
    until ``publish_until``, when every token it signed has expired."""

    __tablename__ = "signing_key"
    __table_args__ = (Index("ix_signing_key_retired_at_created_at", "retired_at", "created_at"),)
    kid: str = Field(sa_type=String(64), primary_key=True)
    algorithm: str = Field(default="RS256", sa_type=String(10), nullable=False)
    private_pem: str = Field(sa_type=Text, nullable=False)
    public_pem: str = Field(sa_type=Text, nullable=False)
    encrypted: bool = Field(default=False, nullable=False)
    created_at: datetime = _created()
    retired_at: datetime | None = _when()
    publish_until: datetime | None = _when()


class LoginThrottle(Base, table=True):
    """Failed sign-ins per account (a digest of the email) and per address."""

    __tablename__ = "login_throttle"
    key: str = Field(sa_type=String(80), primary_key=True)
    failures: int = Field(default=0, nullable=False)
    last_failure_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    locked_until: datetime | None = _when()
