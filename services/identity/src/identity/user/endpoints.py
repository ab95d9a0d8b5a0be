from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlmodel import col

from identity.deps import (
    CurrentUser,
    NetworkAdmin,
    PasswordsDep,
    SettingsDep,
    ThrottlerDep,
    memberships_of,
)
from identity.models import ApiClient, Organisation, User
from identity.oauth.errors import SignInThrottled
from identity.oauth.service import revoke_user_tokens
from identity.organisation.service import add_membership, ensure_organisation
from identity.throttle import client_address
from identity.user import service
from identity.user.schemas import (
    AccountCreate,
    ClientIdentity,
    MeRead,
    OrganisationRead,
    PasswordChange,
    UserCreate,
    UserDetail,
    UserRead,
    UserUpdate,
)
from identity.vocab import UserStatus, email_key
from servicekit.auth import CurrentPrincipal
from servicekit.db import SessionDep, utcnow
from servicekit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
    Unprocessable,
)
from servicekit.paging import Page, Paging, fetch_page

router = APIRouter(prefix="/v1")
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


@router.post(
    "/users",
    tags=["users"],
    summary="Register as a learner",
    description="Passwords need at least 12 characters and must not be a common password; "
    "there are no other composition rules. Emails are unique regardless of letter case.",
    status_code=201,
    responses={**Conflict.schema_response(), **Unprocessable.schema_response()},
)
async def register(session: SessionDep, passwords: PasswordsDep, body: UserCreate) -> UserDetail:
    user = await service.create_user(
        session,
        passwords,
        email=body.email,
        display_name=body.display_name,
        password=body.password,
        learner=True,
    )
    return service.detail(user, [])


@router.get(
    "/me",
    tags=["users"],
    summary="Who am I: the signed-in user (roles, memberships) or the API client",
    responses=Unauthorized.schema_response(),
)
async def me(session: SessionDep, principal: CurrentPrincipal) -> MeRead:
    if principal.client_id:
        client = (
            await session.execute(
                select(ApiClient).where(col(ApiClient.client_id) == principal.client_id)
            )
        ).scalar_one_or_none()
        if client is None or client.status != "active":
            raise Unauthorized("This client no longer exists or is disabled.")
        org = (
            await session.get(Organisation, client.organisation_id)
            if client.organisation_id
            else None
        )
        return MeRead(
            kind="client",
            client=ClientIdentity(
                client_id=client.client_id,
                scopes=sorted(principal.scopes),
                organisation=OrganisationRead.model_validate(org) if org else None,
            ),
        )
    user = await session.get(User, principal.user_id) if principal.user_id else None
    if user is None or user.status != "active":
        raise Unauthorized("This account no longer exists or is disabled.")
    return MeRead(kind="user", user=service.detail(user, await memberships_of(session, user.id)))


@router.post(
    "/me/password",
    tags=["users"],
    summary="Change my password (signs out every other session)",
    status_code=204,
    responses=ERRORS,
)
async def change_password(
    request: Request,
    session: SessionDep,
    current: CurrentUser,
    passwords: PasswordsDep,
    throttler: ThrottlerDep,
    settings: SettingsDep,
    body: PasswordChange,
) -> Response:
    user = current.user
    keys = throttler.keys(user.email_key, client_address(request, settings))
    wait = await throttler.retry_after(session, keys)
    if wait is not None:
        raise SignInThrottled(wait)
    if not await passwords.verify(user.password_hash, body.current_password):
        await throttler.record_failure(session, keys)
        await session.commit()
        raise Unprocessable.for_field(
            "body.current_password", "The current password is not right.", "wrong_password"
        )
    service.check_password(body.new_password, user.email, "body.new_password")
    now = utcnow()
    user.password_hash = await passwords.hash(body.new_password)
    user.password_changed_at = now
    user.updated_at = now
    await revoke_user_tokens(session, user.id)
    return Response(status_code=204)


@router.get(
    "/users",
    tags=["users"],
    summary="List accounts (network admins)",
    response_model=Page[UserRead],
    responses=ERRORS,
)
async def list_users(
    session: SessionDep,
    _admin: NetworkAdmin,
    paging: Paging,
    email: Annotated[str | None, Query(max_length=254, description="Exact email")] = None,
    status: UserStatus | None = None,
) -> Page[UserRead]:
    stmt = select(User).order_by(col(User.email_key), col(User.id))
    if email:
        stmt = stmt.where(col(User.email_key) == email_key(email))
    if status:
        stmt = stmt.where(col(User.status) == status.value)
    return await fetch_page(session, stmt, paging, UserRead.model_validate)


@router.get(
    "/users/{user_id}",
    tags=["users"],
    summary="One account with its roles and memberships (network admins)",
    responses=ERRORS,
)
async def get_user(session: SessionDep, _admin: NetworkAdmin, user_id: uuid.UUID) -> UserDetail:
    return await service.user_detail(session, user_id)


@router.patch(
    "/users/{user_id}",
    tags=["users"],
    summary="Rename, disable or re-enable an account (network admins)",
    description="Disabling revokes every refresh token of the account at once; its access "
    "tokens stop working at identity at once and elsewhere when they expire (15 minutes).",
    responses=ERRORS,
)
async def update_user(
    session: SessionDep, admin: NetworkAdmin, user_id: uuid.UUID, body: UserUpdate
) -> UserDetail:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    changes = body.model_dump(exclude_unset=True)
    if "display_name" in changes:
        if changes["display_name"] is None:
            raise Unprocessable.for_field("body.display_name", "display_name cannot be null.")
        user.display_name = changes["display_name"]
    if "status" in changes:
        if changes["status"] is None:
            raise Unprocessable.for_field("body.status", "status cannot be null.")
        if user.id == admin.user.id and changes["status"] == UserStatus.disabled:
            raise Conflict("You cannot disable your own account.")
        user.status = UserStatus(changes["status"]).value
        if user.status == UserStatus.disabled:
            await revoke_user_tokens(session, user.id)
    user.updated_at = utcnow()
    await session.flush()
    return await service.user_detail(session, user.id)


@router.post(
    "/accounts",
    tags=["users"],
    summary="Create a staff or employer account in an organisation (network admins)",
    status_code=201,
    responses=ERRORS,
)
async def create_account(
    session: SessionDep, _admin: NetworkAdmin, passwords: PasswordsDep, body: AccountCreate
) -> UserDetail:
    user = await service.create_user(
        session,
        passwords,
        email=body.email,
        display_name=body.display_name,
        password=body.password,
        learner=False,
    )
    organisation = await ensure_organisation(session, body.organisation)
    await add_membership(session, user.id, organisation, body.role.value)
    return await service.user_detail(session, user.id)
