from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlmodel import col

from identity.deps import (
    CurrentUser,
    NetworkAdmin,
    PasswordsDep,
    ServiceClient,
    SettingsDep,
    SignedIn,
    memberships_of,
)
from identity.models import Membership, Organisation, User
from identity.organisation import service
from identity.organisation.schemas import (
    InternalMembershipCreate,
    InternalMembershipRead,
    InvitationAccept,
    InvitationAccepted,
    InvitationCreate,
    InvitationCreated,
    MemberRead,
)
from identity.user import service as user_service
from identity.user.schemas import MembershipRead, OrganisationRead, OrganisationRef
from identity.vocab import OrgRole, OrgType
from servicekit.auth import OptionalPrincipal
from servicekit.db import SessionDep
from servicekit.errors import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    Unauthorized,
    Unprocessable,
)
from servicekit.paging import Page, Paging, fetch_page, paginate

router = APIRouter(prefix="/v1")
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


async def visible_organisation(
    session: SessionDep, current: SignedIn, organisation_id: uuid.UUID
) -> Organisation:
    """An organisation the caller belongs to (or any, for a network admin); else 404."""
    org = await session.get(Organisation, organisation_id)
    if org is None or not (current.is_network_admin or current.role_in(org.id)):
        raise NotFound(f"No organisation with id {organisation_id}.")
    return org


def can_manage(current: SignedIn, organisation_id: uuid.UUID) -> bool:
    return current.is_network_admin or current.role_in(organisation_id) in (
        OrgRole.owner,
        OrgRole.admin,
    )


@router.post(
    "/organisations",
    tags=["organisations"],
    summary="Record an organisation (network admins)",
    description="Use the id the owning service gave it (catalogue's provider or institute id, "
    "partnerships' employer id).",
    status_code=201,
    responses=ERRORS,
)
async def create_organisation(
    session: SessionDep, _admin: NetworkAdmin, body: OrganisationRef
) -> OrganisationRead:
    if body.type == OrgType.network:
        raise Unprocessable.for_field("body.type", "There is one network; it exists already.")
    if await session.get(Organisation, body.id) is not None:
        raise Conflict(f"Organisation {body.id} exists already.")
    org = await service.ensure_organisation(session, body, "body")
    return OrganisationRead.model_validate(org)


@router.get(
    "/organisations",
    tags=["organisations"],
    summary="Organisations I belong to (every one, for network admins)",
    response_model=Page[OrganisationRead],
    responses=ERRORS,
)
async def list_organisations(
    session: SessionDep,
    current: CurrentUser,
    paging: Paging,
    type: Annotated[OrgType | None, Query(description="Only this kind")] = None,
) -> Page[OrganisationRead]:
    stmt = select(Organisation).order_by(col(Organisation.name), col(Organisation.id))
    if not current.is_network_admin:
        stmt = stmt.where(col(Organisation.id).in_([o.id for _m, o in current.memberships]))
    if type is not None:
        stmt = stmt.where(col(Organisation.type) == type.value)
    return await fetch_page(session, stmt, paging, OrganisationRead.model_validate)


@router.get(
    "/organisations/{organisation_id}/members",
    tags=["organisations"],
    summary="An organisation's members (its owners and admins, network admins)",
    response_model=Page[MemberRead],
    responses=ERRORS,
)
async def list_members(
    session: SessionDep, current: CurrentUser, paging: Paging, organisation_id: uuid.UUID
) -> Page[MemberRead]:
    org = await visible_organisation(session, current, organisation_id)
    if not can_manage(current, org.id):
        raise Forbidden("Only the organisation's owners and admins see its members.")
    stmt = (
        select(Membership, User)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(col(Membership.organisation_id) == org.id)
        .order_by(col(User.email_key))
    )
    rows, total = await paginate(session, stmt, paging, scalars=False)
    items = [
        MemberRead(
            user_id=u.id,
            email=u.email,
            display_name=u.display_name,
            role=m.role,
            since=m.created_at,
        )
        for m, u in rows
    ]
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.post(
    "/organisations/{organisation_id}/invitations",
    tags=["organisations"],
    summary="Invite a colleague into this organisation (its owners and admins)",
    description="Answers the invitation token once; it works once and expires (7 days by "
    "default). Admins may invite admins and members; owners and network admins any role.",
    status_code=201,
    responses=ERRORS,
)
async def invite(
    session: SessionDep,
    current: CurrentUser,
    settings: SettingsDep,
    organisation_id: uuid.UUID,
    body: InvitationCreate,
) -> InvitationCreated:
    org = await visible_organisation(session, current, organisation_id)
    my_role = current.role_in(org.id)
    if not can_manage(current, org.id):
        raise Forbidden("Only the organisation's owners and admins invite colleagues.")
    if body.role == OrgRole.owner and not current.is_network_admin and my_role != OrgRole.owner:
        raise Forbidden("Only an owner can invite another owner.")
    invitation, token = await service.create_invitation(
        session, org, body.email, body.role.value, current.user.id, settings.invitation_ttl_seconds
    )
    return InvitationCreated(
        id=invitation.id,
        organisation_id=org.id,
        email=invitation.email,
        role=body.role,
        expires_at=invitation.expires_at,
        token=token,
    )


@router.post(
    "/invitations/accept",
    tags=["organisations"],
    summary="Accept an invitation: creates the account, or links an existing one",
    description="For a new account send `display_name` and `password`. When the invited "
    "email already has an account, sign in as that account and send its bearer token.",
    responses={**ERRORS, **Gone.schema_response("The invitation was used, withdrawn or expired")},
)
async def accept_invitation(
    session: SessionDep,
    passwords: PasswordsDep,
    principal: OptionalPrincipal,
    body: InvitationAccept,
) -> InvitationAccepted:
    invitation = await service.redeem_invitation(session, body.token)
    org = await session.get(Organisation, invitation.organisation_id)
    if org is None:  # pragma: no cover - the foreign key cascades
        raise NotFound("The organisation of this invitation no longer exists.")
    user = await user_service.find_by_email(session, invitation.email)
    created = False
    if user is not None:
        if principal is None or principal.user_id != user.id:
            raise Conflict(
                "An account with the invited email exists: sign in as it, then accept with "
                "its bearer token."
            )
        if user.status != "active":
            raise Forbidden("This account is disabled.")
    else:
        if body.display_name is None or body.password is None:
            raise Unprocessable.for_field(
                "body.password", "A new account needs display_name and password.", "missing"
            )
        user = await user_service.create_user(
            session,
            passwords,
            email=invitation.email,
            display_name=body.display_name,
            password=body.password,
            learner=False,
        )
        created = True
    invitation.accepted_by = user.id
    membership, _new = await service.add_membership(session, user.id, org, invitation.role)
    return InvitationAccepted(
        user=user_service.detail(user, await memberships_of(session, user.id)),
        membership=MembershipRead(
            organisation=OrganisationRead.model_validate(org), role=membership.role
        ),
        created_account=created,
    )


@router.post(
    "/internal/memberships",
    tags=["internal"],
    summary="Add a membership (platform services only: client tokens with `internal` scope)",
    description="Used, for example, by partnerships when an employer signs up. Idempotent: an "
    "existing membership is kept (raised to the given role if that is higher).",
    status_code=201,
    responses=ERRORS,
)
async def add_membership_internal(
    session: SessionDep, _service: ServiceClient, body: InternalMembershipCreate, response: Response
) -> InternalMembershipRead:
    user = await session.get(User, body.user_id)
    if user is None:
        raise Unprocessable.for_field(
            "body.user_id", f"No user with id {body.user_id}.", "not_found"
        )
    if body.organisation.type == OrgType.network:
        raise Forbidden("Services cannot make network administrators.")
    org = await service.ensure_organisation(session, body.organisation)
    membership, created = await service.add_membership(session, user.id, org, body.role.value)
    if not created:
        response.status_code = 200
    return InternalMembershipRead(
        user_id=user.id,
        membership=MembershipRead(
            organisation=OrganisationRead.model_validate(org), role=membership.role
        ),
        created=created,
    )
