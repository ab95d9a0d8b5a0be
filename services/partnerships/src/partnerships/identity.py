"""Calls to the identity service (over HTTP, with this service's own client-credentials token)."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from partnerships.config import Settings
from servicekit.http import ClientCredentials, DependencyUnavailable, ServiceClient, ServiceClients

logger = logging.getLogger("partnerships.identity")


class IdentityClient:
    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def make_owner(self, user_id: uuid.UUID, employer_id: uuid.UUID, name: str) -> None:
        """Make ``user_id`` the owner of the employer organisation. Identity's endpoint is
        idempotent (it keeps an existing membership), so the call is retried safely."""
        response = await self.client.request(
            "POST",
            "/v1/internal/memberships",
            json_body={
                "user_id": str(user_id),
                "organisation": {"type": "employer", "id": str(employer_id), "name": name},
                "role": "owner",
            },
            idempotency_key=f"employer-owner:{employer_id}:{user_id}",
        )
        if not response.ok:
            logger.warning(
                "identity refused the owner membership",
                extra={"status": response.status, "employer_id": str(employer_id)},
            )
            raise DependencyUnavailable("identity", f"membership refused with {response.status}")


async def start_clients(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    clients = ServiceClients(
        token_provider=ClientCredentials(
            settings.token_url, settings.client_id, settings.client_secret, scope="internal"
        )
    )
    app.state.clients = clients
    app.state.identity = IdentityClient(
        clients.for_service(
            "identity", settings.identity_url, timeout=settings.identity_timeout_seconds
        )
    )


async def close_clients(app: FastAPI) -> None:
    await app.state.clients.close()


def get_identity(request: Request) -> IdentityClient:
    identity: IdentityClient = request.app.state.identity
    return identity


IdentityDep = Annotated[IdentityClient, Depends(get_identity)]
