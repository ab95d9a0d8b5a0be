"""A TEST DOUBLE of the identity service's contract, for partnerships' tests only.

It implements just the two identity endpoints partnerships calls, with identity's request and
response shapes (services/identity on the identity branch: ``POST /v1/token`` with
``grant_type=client_credentials``, and ``POST /v1/internal/memberships`` taking
``InternalMembershipCreate``: ``user_id``, ``organisation`` ``{id, type, name}``, ``role``). It runs
as a real HTTP server under uvicorn (``servicekit.testing.servers.serve``), so partnerships' real
inter-service client is exercised. A cross-service test against the real identity service belongs
with the lead once both branches are merged.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Form, Header, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

CLIENT_ID = "svc-partnerships"
CLIENT_SECRET = "test-partnerships-secret"


class OrgType(StrEnum):
    employer = "employer"
    provider = "provider"
    institute = "institute"
    network = "network"


class OrgRole(StrEnum):
    owner = "owner"
    admin = "admin"
    member = "member"


class OrganisationRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: uuid.UUID
    type: OrgType
    name: str = Field(min_length=1, max_length=200)


class InternalMembershipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: uuid.UUID
    organisation: OrganisationRef
    role: OrgRole = OrgRole.member


class IdentityContractDouble:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.memberships: dict[tuple[uuid.UUID, uuid.UUID], InternalMembershipCreate] = {}
        self.membership_calls: list[InternalMembershipCreate] = []
        self.refuse_memberships_with: int | None = None
        self.app = self._build()

    def forget_tokens(self) -> None:
        """As after identity restarts with new signing keys: issued tokens stop working."""
        with self._lock:
            self.tokens.clear()

    def owner_of(self, employer_id: uuid.UUID) -> list[uuid.UUID]:
        with self._lock:
            return [
                user
                for (user, org), m in self.memberships.items()
                if org == employer_id and m.role == OrgRole.owner
            ]

    def _build(self) -> FastAPI:
        app = FastAPI(title="identity contract double")

        @app.post("/v1/token")
        async def token(
            grant_type: str = Form(),
            client_id: str = Form(),
            client_secret: str = Form(),
            scope: str | None = Form(default=None),
        ) -> Response:
            with self._lock:
                self.token_requests += 1
            if grant_type != "client_credentials":
                return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
            if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            issued = secrets.token_urlsafe(24)
            with self._lock:
                self.tokens.add(issued)
            body: dict[str, Any] = {
                "access_token": issued,
                "token_type": "Bearer",
                "expires_in": 900,
                "scope": scope or "internal",
            }
            return JSONResponse(body, headers={"Cache-Control": "no-store"})

        @app.post("/v1/internal/memberships", status_code=201)
        async def add_membership(
            body: InternalMembershipCreate,
            response: Response,
            authorization: str = Header(default=""),
        ) -> Any:
            scheme, _, presented = authorization.partition(" ")
            with self._lock:
                known = scheme == "Bearer" and presented in self.tokens
            if not known:
                return JSONResponse(
                    {"status": 401, "code": "unauthorized"},
                    status_code=401,
                    media_type="application/problem+json",
                )
            if self.refuse_memberships_with is not None:
                return JSONResponse(
                    {"status": self.refuse_memberships_with, "code": "refused"},
                    status_code=self.refuse_memberships_with,
                    media_type="application/problem+json",
                )
            key = (body.user_id, body.organisation.id)
            with self._lock:
                self.membership_calls.append(body)
                created = key not in self.memberships
                if created:
                    self.memberships[key] = body
            if not created:
                response.status_code = 200
            return {
                "user_id": str(body.user_id),
                "membership": {
                    "organisation": body.organisation.model_dump(mode="json"),
                    "role": body.role.value,
                },
                "created": created,
            }

        return app
