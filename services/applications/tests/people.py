"""Tokens for the people and systems in the tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from servicekit.testing.tokens import TokenFactory


@dataclass
class Learner:
    tokens: TokenFactory
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def headers(self) -> dict[str, str]:
        return self.tokens.bearer(sub=self.id, roles=["learner"])


def staff(tokens: TokenFactory, provider_id: str) -> dict[str, str]:
    return tokens.bearer(
        roles=["provider_staff"], orgs=[{"type": "provider", "id": provider_id, "role": "member"}]
    )


def integrator(
    tokens: TokenFactory, provider_id: str | None, scope: str = "applications:read"
) -> dict[str, str]:
    orgs = [{"type": "provider", "id": provider_id, "role": "member"}] if provider_id else []
    return tokens.bearer(
        sub="client:student-records", orgs=orgs, scope=scope, client_id="student-records"
    )


def service(tokens: TokenFactory) -> dict[str, str]:
    return tokens.bearer(sub="client:svc-identity", scope="internal", client_id="svc-identity")
