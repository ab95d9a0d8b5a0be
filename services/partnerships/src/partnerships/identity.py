"""Calls to the identity service (over HTTP, with this service's own client-credentials token)."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from partnerships.config import Settings
from servicekit.http import ClientCredentials, DependencyUnavailable, ServiceClient, ServiceClients

logger = logging.getLogger("partnerships.identity")


class RenewableCredentials(ClientCredentials):
    """This service's client-credentials token, which can be dropped when identity no longer
    accepts it (identity restarted with new keys, say) so that the next call fetches a new one."""

    def forget(self) -> None:
        self._token = None
        self._expires_at = 0.0


class IdentityClient:
    def __init__(self, client: ServiceClient, credentials: RenewableCredentials) -> None:
        self.client = client
        self.credentials = credentials

    async def make_owner(self, user_id: uuid.UUID, employer_id: uuid.UUID, name: str) -> None:
        """Make ``user_id`` the owner of the employer organisation. Identity's endpoint is
        idempotent (it keeps an existing membership), so the call is retried safely."""
        body = {
            "user_id": str(user_id),
            "organisation": {"type": "employer", "id": str(employer_id), "name": name},
            "role": "owner",
        }
        key = f"employer-owner:{employer_id}:{user_id}"
        response = await self.client.request(
            "POST", "/v1/internal/memberships", json_body=body, idempotency_key=key
        )
        if response.status == 401:
            # Our cached token was refused: fetch a new one and try once more.
            self.credentials.forget()
            response = await self.client.request(
                "POST", "/v1/internal/memberships", json_body=body, idempotency_key=key
            )
        if not response.ok:
            logger.warning(
                "identity refused the owner membership",
                extra={"status": response.status, "employer_id": str(employer_id)},
            )
            raise DependencyUnavailable("identity", f"membership refused with {response.status}")


async def start_clients(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    credentials = RenewableCredentials(
        settings.token_url, settings.client_id, settings.client_secret, scope="internal"
    )
    clients = ServiceClients(token_provider=credentials)
    app.state.clients = clients
    app.state.identity = IdentityClient(
        clients.for_service(
            "identity", settings.identity_url, timeout=settings.identity_timeout_seconds
        ),
        credentials,
    )


async def close_clients(app: FastAPI) -> None:
    await app.state.clients.close()


def get_identity(request: Request) -> IdentityClient:
    identity: IdentityClient = request.app.state.identity
    return identity


IdentityDep = Annotated[IdentityClient, Depends(get_identity)]
