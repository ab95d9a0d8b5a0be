"""API clients (an organisation's integrations) and service clients (the platform's services)."""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from identity.client.schemas import ClientRead
from identity.models import ApiClient, Organisation
from identity.security import digest, new_secret
from identity.user.schemas import OrganisationRead


def new_client_id(kind: str) -> str:
    return ("svc_" if kind == "service" else "cl_") + secrets.token_hex(12)


async def create_client(
    session: AsyncSession,
    *,
    name: str,
    kind: str,
    scopes: list[str],
    organisation_id: uuid.UUID | None = None,
    created_by: uuid.UUID | None = None,
    client_id: str | None = None,
    secret: str | None = None,
) -> tuple[ApiClient, str]:
    """A client and its secret (to show once). ``client_id``/``secret`` are for the demo seed."""
    secret = secret or new_secret()
    client = ApiClient(
        client_id=client_id or new_client_id(kind),
        name=name,
        kind=kind,
        organisation_id=organisation_id,
        scopes=" ".join(dict.fromkeys(scopes)),
        secret_hash=digest(secret),
        created_by=created_by,
    )
    session.add(client)
    await session.flush()
    return client, secret


async def read(session: AsyncSession, client: ApiClient) -> ClientRead:
    org = (
        await session.get(Organisation, client.organisation_id) if client.organisation_id else None
    )
    return ClientRead(
        id=client.id,
        client_id=client.client_id,
        name=client.name,
        kind=client.kind,
        organisation=OrganisationRead.model_validate(org) if org else None,
        scopes=client.scopes.split(),
        status=client.status,
        created_at=client.created_at,
        last_used_at=client.last_used_at,
    )
