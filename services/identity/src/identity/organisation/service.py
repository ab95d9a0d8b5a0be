"""Organisations, memberships and invitations."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity.models import Invitation, Membership, Organisation
from identity.security import digest, digests_match, new_secret, split_token
from identity.user.schemas import OrganisationRef
from identity.vocab import OrgRole, OrgType, email_key
from servicekit.db import utcnow
from servicekit.errors import Conflict, FieldError, Gone, NotFound

NETWORK_ORG_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
NETWORK_ORG_NAME = "National Network of Institutes of Technology"
_DUMMY_DIGEST = digest("no such invitation")


async def network_organisation(session: AsyncSession) -> Organisation:
    org = await session.get(Organisation, NETWORK_ORG_ID)
    if org is None:
        org = Organisation(id=NETWORK_ORG_ID, type=OrgType.network, name=NETWORK_ORG_NAME)
        session.add(org)
        await session.flush()
    return org


async def ensure_organisation(
    session: AsyncSession, ref: OrganisationRef, field: str = "body.organisation"
) -> Organisation:
    """The organisation ``ref`` names, recorded on first use; its type cannot change."""
    if ref.type == OrgType.network:
        if ref.id != NETWORK_ORG_ID:
            message = f"The network's organisation id is {NETWORK_ORG_ID}."
            raise Conflict(
                message, errors=[FieldError(field=f"{field}.id", message=message, code="invalid")]
            )
        return await network_organisation(session)
    org = await session.get(Organisation, ref.id)
    if org is None:
        org = Organisation(id=ref.id, type=ref.type, name=ref.name)
        session.add(org)
        await session.flush()
    elif org.type != ref.type:
        message = f"Organisation {ref.id} is a {org.type}, not a {ref.type}."
        raise Conflict(
            message,
            errors=[FieldError(field=f"{field}.type", message=message, code="type_mismatch")],
        )
    return org


async def add_membership(
    session: AsyncSession, user_id: uuid.UUID, organisation: Organisation, role: str
) -> tuple[Membership, bool]:
    """The user's membership of ``organisation`` with ``role``; ``True`` when newly made.
    An existing membership keeps the higher of its role and ``role``."""
    existing = (
        await session.execute(
            select(Membership).where(
                col(Membership.user_id) == user_id,
                col(Membership.organisation_id) == organisation.id,
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        order = [OrgRole.member, OrgRole.admin, OrgRole.owner]
        if order.index(OrgRole(role)) > order.index(OrgRole(existing.role)):
            existing.role = role
        await session.flush()
        return existing, False
    membership = Membership(user_id=user_id, organisation_id=organisation.id, role=role)
    session.add(membership)
    await session.flush()
    return membership, True


async def create_invitation(
    session: AsyncSession,
    organisation: Organisation,
    email: str,
    role: str,
    invited_by: uuid.UUID,
    ttl_seconds: int,
) -> tuple[Invitation, str]:
    secret = new_secret()
    now = utcnow()
    invitation = Invitation(
        organisation_id=organisation.id,
        email=email,
        email_key=email_key(email),
        role=role,
        secret_hash=digest(secret),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_seconds),
    )
    session.add(invitation)
    await session.flush()
    return invitation, f"{invitation.id.hex}.{secret}"


async def redeem_invitation(session: AsyncSession, token: str) -> Invitation:
    """Marks the invitation ``token`` names as accepted, exactly once (a conditional update,
    so two concurrent accepts cannot both succeed)."""
    parts = split_token(token)
    invitation = await session.get(Invitation, uuid.UUID(hex=parts[0])) if parts else None
    stored = invitation.secret_hash if invitation is not None else _DUMMY_DIGEST
    if parts is None or not digests_match(stored, parts[1]) or invitation is None:
        raise NotFound("No invitation matches this token.")
    now = utcnow()
    if invitation.accepted_at is not None:
        raise Gone("This invitation has already been used.")
    if invitation.revoked_at is not None:
        raise Gone("This invitation was withdrawn.")
    if invitation.expires_at <= now:
        raise Gone("This invitation has expired; ask for a new one.")
    result = await session.execute(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation.id,
            col(Invitation.accepted_at).is_(None),
            col(Invitation.revoked_at).is_(None),
        )
        .values(accepted_at=now)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise Gone("This invitation has already been used.")
    await session.refresh(invitation)
    return invitation
