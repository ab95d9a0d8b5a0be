"""Employer sign-up and verification."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partnerships.access import can_read, is_network_admin
from partnerships.employer.schemas import EmployerCreate
from partnerships.errors import EmployerNotVerified, IdempotencyKeyReused, InvalidTransition
from partnerships.identity import IdentityClient
from partnerships.models import Employer
from partnerships.vocab import EmployerStatus
from servicekit.auth import Principal
from servicekit.db import new_id, utcnow
from servicekit.errors import Conflict, Forbidden
from servicekit.repository import ensure_unique, not_found

# Sign-up ids are derived from (user, idempotency key): a retry after a failed commit creates the
# same employer id, which identity (idempotent on user and organisation) already knows.
SIGNUP_NAMESPACE = uuid.UUID("0b7f4c1e-9d2a-4e63-8f15-3a6c2d9e7b40")


def signup_id(user_id: uuid.UUID, key: str | None) -> uuid.UUID:
    return uuid.uuid5(SIGNUP_NAMESPACE, f"{user_id}:{key}") if key else new_id()


async def sign_up(
    session: AsyncSession,
    identity: IdentityClient,
    principal: Principal,
    body: EmployerCreate,
    key: str | None,
) -> tuple[Employer, bool]:
    """Create the employer (pending) and make the caller its owner at identity.

    Identity is called after the insert is flushed and before the request's transaction commits:
    if identity is down or refuses, the transaction rolls back and nothing is stored. Returns the
    employer and whether this was a replay of an earlier sign-up with the same key.
    """
    user_id = principal.user_id
    if user_id is None or principal.client_id is not None:
        raise Forbidden("Only a signed-in person can sign up an employer.")
    existing = (
        await session.execute(select(Employer).where(col(Employer.signed_up_by) == user_id))
    ).scalar_one_or_none()
    if existing is not None:
        if key is not None and existing.signup_key == key:
            if existing.companies_house_number != body.companies_house_number:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key signed up a different company; use a new key."
                )
            return existing, True
        raise Conflict(f"You have already signed up an employer ({existing.name}).")
    if principal.org_ids("employer"):
        raise Conflict("You already belong to an employer; one sign-up per person.")
    await ensure_unique(session, Employer, "companies_house_number", body.companies_house_number)
    employer = Employer(
        id=signup_id(user_id, key),
        **body.model_dump(exclude={"idempotency_key"}),
        status=EmployerStatus.pending,
        signed_up_by=user_id,
        signup_key=key,
    )
    session.add(employer)
    await session.flush()
    await identity.make_owner(user_id, employer.id, employer.name)
    return employer, False


async def visible_employer(
    session: AsyncSession, principal: Principal | None, employer_id: uuid.UUID
) -> Employer:
    """Verified employers are public; others only to their members and to admins."""
    employer = await session.get(Employer, employer_id)
    if employer is None:
        raise not_found("employer", employer_id)
    if employer.status == EmployerStatus.verified:
        return employer
    if can_read(principal, employer.id) or (
        principal is not None and principal.has_role("institute_admin")
    ):
        return employer
    raise not_found("employer", employer_id)


def verify(employer: Employer, principal: Principal) -> None:
    if employer.status == EmployerStatus.verified:
        return
    if employer.status == EmployerStatus.suspended and not is_network_admin(principal):
        raise Forbidden("Only network admins may reinstate a suspended employer.")
    employer.status = EmployerStatus.verified
    employer.verified_at = utcnow()
    employer.verified_by = principal.subject
    employer.updated_at = utcnow()


def suspend(employer: Employer) -> None:
    if employer.status == EmployerStatus.suspended:
        return
    employer.status = EmployerStatus.suspended
    employer.updated_at = utcnow()


def require_verified(employer: Employer, doing: str) -> None:
    if employer.status == EmployerStatus.suspended:
        raise InvalidTransition(f"{employer.name} is suspended: it cannot {doing}.")
    if employer.status != EmployerStatus.verified:
        raise EmployerNotVerified(
            f"{employer.name} must be verified by an institute or network admin before it "
            f"can {doing}."
        )


def require_not_suspended(employer: Employer, doing: str) -> None:
    if employer.status == EmployerStatus.suspended:
        raise InvalidTransition(f"{employer.name} is suspended: it cannot {doing}.")
