"""Accounts: registration, staff accounts, the caller's view and administration."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity.deps import memberships_of
from identity.models import Membership, Organisation, User
from identity.roles import derive_roles
from identity.security import Passwords, password_problem
from identity.user.schemas import MembershipRead, OrganisationRead, UserDetail
from identity.vocab import email_key
from servicekit.db import utcnow
from servicekit.errors import Conflict, FieldError, NotFound, Unprocessable


def check_password(password: str, email: str | None, field: str = "body.password") -> None:
    problem = password_problem(password, email=email)
    if problem is not None:
        raise Unprocessable.for_field(field, problem, "weak_password")


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    stmt = select(User).where(col(User.email_key) == email_key(email))
    return (await session.execute(stmt)).scalar_one_or_none()


async def ensure_email_free(session: AsyncSession, email: str) -> None:
    if await find_by_email(session, email) is not None:
        message = "An account with this email address already exists."
        raise Conflict(
            message, errors=[FieldError(field="body.email", message=message, code="duplicate")]
        )


async def create_user(
    session: AsyncSession,
    passwords: Passwords,
    *,
    email: str,
    display_name: str,
    password: str,
    learner: bool,
) -> User:
    check_password(password, email)
    await ensure_email_free(session, email)
    now = utcnow()
    user = User(
        email=email,
        email_key=email_key(email),
        display_name=display_name,
        password_hash=await passwords.hash(password),
        learner=learner,
        created_at=now,
        updated_at=now,
        password_changed_at=now,
    )
    session.add(user)
    await session.flush()
    return user


def detail(user: User, memberships: Sequence[tuple[Membership, Organisation]]) -> UserDetail:
    return UserDetail(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        status=user.status,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        roles=derive_roles(user, memberships),
        memberships=[
            MembershipRead(organisation=OrganisationRead.model_validate(o), role=m.role)
            for m, o in memberships
        ],
    )


async def user_detail(session: AsyncSession, user_id: uuid.UUID) -> UserDetail:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return detail(user, await memberships_of(session, user.id))
