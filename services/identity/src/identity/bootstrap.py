"""What identity does when it starts, and the checks that stop a production start."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity.config import Settings
from identity.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORDS, DEMO_SERVICE_CLIENTS
from identity.keys import KeyRing
from identity.models import ApiClient, Membership, Organisation, User
from identity.organisation.service import add_membership, network_organisation
from identity.security import Passwords
from identity.tokens import KeyRingVerifier
from identity.user.service import create_user, find_by_email
from identity.vocab import OrgType
from servicekit.db import Database

logger = logging.getLogger("identity.bootstrap")


class StartupRefused(RuntimeError):
    """Identity will not start with this configuration or data; the message says why."""


async def count_network_admins(session: AsyncSession) -> int:
    stmt = (
        select(func.count())
        .select_from(Membership)
        .join(Organisation, col(Organisation.id) == col(Membership.organisation_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(col(Organisation.type) == OrgType.network, col(User.status) == "active")
    )
    return int((await session.execute(stmt)).scalar_one())


async def demo_credentials_present(session: AsyncSession) -> list[str]:
    users = (
        (
            await session.execute(
                select(col(User.email)).where(col(User.email_key).like(f"%@{DEMO_EMAIL_DOMAIN}"))
            )
        )
        .scalars()
        .all()
    )
    clients = (
        (
            await session.execute(
                select(col(ApiClient.client_id)).where(
                    col(ApiClient.client_id).in_([c.client_id for c in DEMO_SERVICE_CLIENTS])
                )
            )
        )
        .scalars()
        .all()
    )
    return [*users, *clients]


async def create_network_admin(
    session: AsyncSession, passwords: Passwords, *, email: str, password: str, name: str
) -> User:
    """A network admin (creating the account, or promoting an existing one)."""
    user = await find_by_email(session, email)
    if user is None:
        user = await create_user(
            session, passwords, email=email, display_name=name, password=password, learner=False
        )
    await add_membership(session, user.id, await network_organisation(session), "admin")
    return user


async def check_production(session: AsyncSession, settings: Settings) -> None:
    demo = await demo_credentials_present(session)
    if demo:
        raise StartupRefused(
            "production start refused: demo credentials are stored "
            f"({', '.join(sorted(demo)[:5])}). Remove them; never run `identity seed` here."
        )
    if settings.key_passphrase is None:
        raise StartupRefused(
            "production start refused: set IDENTITY_KEY_PASSPHRASE (signing keys are stored "
            "encrypted with it)."
        )
    if settings.bootstrap_admin_password is not None and (
        settings.bootstrap_admin_password.get_secret_value() in DEMO_PASSWORDS
    ):
        raise StartupRefused("production start refused: the bootstrap admin uses a demo password.")


async def bootstrap_admin(session: AsyncSession, settings: Settings, passwords: Passwords) -> None:
    if await count_network_admins(session) > 0:
        return
    email = settings.bootstrap_admin_email
    secret = settings.bootstrap_admin_password
    if email and secret:
        await create_network_admin(
            session,
            passwords,
            email=email,
            password=secret.get_secret_value(),
            name=settings.bootstrap_admin_name,
        )
        logger.info("created the first network admin from IDENTITY_BOOTSTRAP_ADMIN_EMAIL")
    elif settings.environment == "production":
        raise StartupRefused(
            "production start refused: there is no network admin. Set "
            "IDENTITY_BOOTSTRAP_ADMIN_EMAIL and IDENTITY_BOOTSTRAP_ADMIN_PASSWORD, or run "
            "`identity create-admin`."
        )


async def startup(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    database: Database = app.state.database
    passwords: Passwords = app.state.passwords
    async with database.sessionmaker() as session, session.begin():
        if settings.environment == "production":
            await check_production(session, settings)
        await bootstrap_admin(session, settings, passwords)
    keyring = KeyRing(database, settings)
    try:
        await keyring.ensure_key()
    except Exception as exc:
        raise StartupRefused(f"the signing keys cannot be used: {exc}") from exc
    app.state.keyring = keyring
    app.state.token_verifier = KeyRingVerifier(keyring, settings)
