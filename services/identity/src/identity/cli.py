"""``identity``: the service's commands (seed, rotate-keys, create-admin, create-service-client,
keys). Run them where the service's database is reachable (the same IDENTITY_* settings)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from identity.bootstrap import create_network_admin
from identity.client.service import create_client
from identity.config import Settings
from identity.demo import (
    DEMO_ACCOUNTS,
    DEMO_INSTITUTE_ID,
    DEMO_INSTITUTE_NAME,
    DEMO_PASSWORDS,
    DEMO_PROVIDER_ID,
    DEMO_PROVIDER_NAME,
    DEMO_SERVICE_CLIENTS,
    DEMO_SPONSOR_EMPLOYER_ID,
    DEMO_SPONSOR_NAME,
)
from identity.keys import rotate
from identity.models import ApiClient, SigningKey
from identity.organisation.service import add_membership, ensure_organisation
from identity.security import Passwords
from identity.user.schemas import OrganisationRef
from identity.user.service import create_user, find_by_email
from identity.vocab import INTERNAL_SCOPE, OrgType
from servicekit.db import Database, utcnow
from servicekit.errors import ProblemError

app = typer.Typer(help="The identity service's commands.", no_args_is_help=True)
T = TypeVar("T")


def _run(work: Callable[[AsyncSession, Settings], Awaitable[T]]) -> T:
    settings = Settings()

    async def main() -> T:
        database = Database(settings.database_url)
        try:
            async with database.sessionmaker() as session, session.begin():
                return await work(session, settings)
        finally:
            await database.dispose()

    try:
        return asyncio.run(main())
    except ProblemError as exc:
        print(f"refused: {exc.detail}", file=sys.stderr)
        raise typer.Exit(2) from exc


def _passwords(settings: Settings) -> Passwords:
    return Passwords(
        memory_kib=settings.argon2_memory_kib,
        time_cost=settings.argon2_time_cost,
        parallelism=settings.argon2_parallelism,
    )


@app.command()
def seed() -> None:
    """Create one demo account per role and the demo service clients (idempotent; never in
    production). Prints their emails and passwords: for the local demo only."""
    settings = Settings()
    if settings.environment == "production":
        print("refused: demo accounts are never created in production", file=sys.stderr)
        raise typer.Exit(2)

    async def work(session: AsyncSession, settings: Settings) -> None:
        passwords = _passwords(settings)
        for account in DEMO_ACCOUNTS:
            user = await find_by_email(session, account.email)
            if user is None:
                user = await create_user(
                    session,
                    passwords,
                    email=account.email,
                    display_name=account.display_name,
                    password=account.password,
                    learner=account.learner,
                )
            if account.org_type and account.org_id and account.org_name:
                org = await ensure_organisation(
                    session,
                    OrganisationRef(
                        id=account.org_id, type=OrgType(account.org_type), name=account.org_name
                    ),
                )
                await add_membership(session, user.id, org, account.org_role)
        for demo_client in DEMO_SERVICE_CLIENTS:
            exists = (
                await session.execute(
                    select(ApiClient).where(col(ApiClient.client_id) == demo_client.client_id)
                )
            ).scalar_one_or_none()
            if exists is None:
                await create_client(
                    session,
                    name=demo_client.name,
                    kind="service",
                    scopes=[INTERNAL_SCOPE],
                    client_id=demo_client.client_id,
                    secret=demo_client.secret,
                )

    _run(work)
    print("Demo accounts (local demo only; identity refuses to start in production with these):")
    for account in DEMO_ACCOUNTS:
        print(f"  {account.role:<16} {account.email:<28} {account.password}")
    print("Demo organisations (fixed ids in identity/demo.py, shared with the other seeds):")
    print(f"  employer  {DEMO_SPONSOR_EMPLOYER_ID}  {DEMO_SPONSOR_NAME}")
    print(f"  provider  {DEMO_PROVIDER_ID}  {DEMO_PROVIDER_NAME}")
    print(f"  institute {DEMO_INSTITUTE_ID}  {DEMO_INSTITUTE_NAME}")
    print("Demo service clients (scope internal):")
    for demo_client in DEMO_SERVICE_CLIENTS:
        print(f"  {demo_client.client_id:<22} {demo_client.secret}")


@app.command("rotate-keys")
def rotate_keys() -> None:
    """Make a new signing key. The old one stays published until its tokens have expired."""

    async def work(session: AsyncSession, settings: Settings) -> tuple[str, list[str]]:
        key, deleted = await rotate(session, settings)
        return key.kid, deleted

    kid, deleted = _run(work)
    print(f"new signing key {kid}")
    if deleted:
        print(f"deleted keys no longer published: {', '.join(deleted)}")


@app.command()
def keys() -> None:
    """List the signing keys and whether they sign, are published or wait for deletion."""

    async def work(session: AsyncSession, _settings: Settings) -> list[SigningKey]:
        stmt = select(SigningKey).order_by(col(SigningKey.created_at).desc())
        return list((await session.execute(stmt)).scalars().all())

    now = utcnow()
    for i, key in enumerate(_run(work)):
        if key.retired_at is None:
            state = "signing" if i == 0 else "published"
        elif key.publish_until and key.publish_until > now:
            state = f"published until {key.publish_until.isoformat(timespec='seconds')}"
        else:
            state = "expired (deleted at the next rotation)"
        print(f"{key.kid}  created {key.created_at.isoformat(timespec='seconds')}  {state}")


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(help="The admin's email")],
    name: Annotated[str, typer.Option(help="Display name")] = "Network administrator",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Create a network admin (or make an existing account one)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if Settings().environment == "production" and password in DEMO_PASSWORDS:
        print("refused: that is a demo password", file=sys.stderr)
        raise typer.Exit(2)

    async def work(session: AsyncSession, settings: Settings) -> str:
        user = await create_network_admin(
            session, _passwords(settings), email=email, password=password, name=name
        )
        return str(user.id)

    print(f"network admin {email} ({_run(work)})")


@app.command("create-service-client")
def create_service_client(
    name: Annotated[str, typer.Argument(help="The service, e.g. partnerships")],
) -> None:
    """A client for a platform service, with the `internal` scope. Prints its secret once."""

    async def work(session: AsyncSession, _settings: Settings) -> tuple[str, str]:
        client, secret = await create_client(
            session, name=f"{name} service", kind="service", scopes=[INTERNAL_SCOPE]
        )
        return client.client_id, secret

    client_id, secret = _run(work)
    print(f"client_id     {client_id}")
    print(f"client_secret {secret}")
    print("The secret is shown once; only its digest is stored.")
