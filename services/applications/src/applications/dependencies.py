"""Typed clients for the services this one calls: the catalogue and partnerships.

Every call goes through ``servicekit.http`` (one pooled session, a deadline per call, retries only
for safe or keyed requests, a circuit breaker per dependency, the request id and this service's
token passed on). A dependency that is down, slow, failing or answering something unreadable
raises ``DependencyUnavailable`` naming it: a 503 for the caller. Answers that mean "no" (an
unknown intake, a full scheme) come back as values or ``PartnershipsRefused``, for the caller to
turn into its own 4xx.

``within(budget, ...)`` bounds a request's calls to one dependency together, so a request that
makes two calls still answers within its budget.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, ValidationError

from applications.config import Settings
from servicekit.errors import FieldError, Unprocessable
from servicekit.http import (
    CircuitBreaker,
    ClientCredentials,
    DependencyUnavailable,
    ServiceClient,
    ServiceClients,
    ServiceResponse,
    TokenProvider,
)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


async def within(budget: float, dependency: str, call: Callable[[], Awaitable[T]]) -> T:
    """Run ``call`` (one or several calls to ``dependency``) within ``budget`` seconds."""
    try:
        async with asyncio.timeout(budget):
            return await call()
    except TimeoutError:
        raise DependencyUnavailable(dependency, f"no answer within {budget:g} s") from None


def _read(model: type[M], response: ServiceResponse, dependency: str) -> M:
    try:
        return model.model_validate(response.json())
    except (ValidationError, ValueError):
        raise DependencyUnavailable(dependency, "an answer this service cannot read") from None


def _unexpected(dependency: str, response: ServiceResponse) -> DependencyUnavailable:
    if response.status in (401, 403):
        return DependencyUnavailable(
            dependency, f"it refused this service's token ({response.status})"
        )
    return DependencyUnavailable(dependency, f"unexpected answer {response.status}")


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")


class IntakeInfo(_Answer):
    """The catalogue's ``IntakeDetail`` (the fields this service relies on)."""

    id: uuid.UUID
    course_id: uuid.UUID
    start_date: date
    application_deadline: date
    capacity: int
    is_open: bool
    provider_id: uuid.UUID
    institute_id: uuid.UUID
    course_title: str
    course_status: str


class Catalogue:
    name = "catalogue"

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def intake(self, intake_id: uuid.UUID) -> IntakeInfo | None:
        """The intake as a service caller sees it (published courses only); ``None`` when the
        catalogue has no such intake, or it belongs to a course that is not published."""
        response = await self.client.request("GET", f"/v1/intakes/{intake_id}")
        if response.status == 404:
            return None
        if response.status != 200:
            raise _unexpected(self.name, response)
        return _read(IntakeInfo, response, self.name)


class SchemeInfo(_Answer):
    """Partnerships' ``SchemeRead`` (the fields this service relies on)."""

    id: uuid.UUID
    employer_id: uuid.UUID
    name: str
    status: str
    award_pence: int
    institute_ids: list[uuid.UUID]
    course_ids: list[uuid.UUID]


class FailedRuleInfo(_Answer):
    rule: str
    field: str | None = None
    reason: str


class EligibilityInfo(_Answer):
    scheme_id: uuid.UUID
    eligible: bool
    failed: list[FailedRuleInfo]


class ReservationInfo(_Answer):
    """Partnerships' ``ReservationRead``: status is held, awarded, released or expired."""

    id: uuid.UUID
    scheme_id: uuid.UUID
    key: str
    status: str
    amount_pence: int


@dataclass
class PartnershipsRefused(Exception):
    """Partnerships answered "no" (a 4xx problem): its status, stable code and detail."""

    status: int
    code: str
    detail: str


def _refusal(response: ServiceResponse) -> PartnershipsRefused:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    return PartnershipsRefused(
        response.status, str(body.get("code") or "refused"), str(body.get("detail") or "")
    )


class Partnerships:
    name = "partnerships"

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def scheme(self, scheme_id: uuid.UUID) -> SchemeInfo | None:
        response = await self.client.request("GET", f"/v1/bursary-schemes/{scheme_id}")
        if response.status == 404:
            return None
        if response.status != 200:
            raise _unexpected(self.name, response)
        return _read(SchemeInfo, response, self.name)

    async def eligibility(self, scheme_id: uuid.UUID, answers: dict[str, Any]) -> EligibilityInfo:
        """Partnerships' verdict on the answers. Answers it cannot read are the caller's
        mistake: a 422 naming them (``body.answers.<field>``)."""
        response = await self.client.request(
            "POST",
            f"/v1/bursary-schemes/{scheme_id}/eligibility",
            json_body={"answers": answers},
            # Evaluating stores nothing, so repeating it is harmless.
            idempotency_key=f"eligibility-{uuid.uuid4()}",
        )
        if response.status == 422:
            body = response.json() if response.body else {}
            errors = [
                FieldError.model_validate(e)
                for e in (body.get("errors") or [])
                if isinstance(e, dict) and {"field", "message", "code"} <= e.keys()
            ]
            raise Unprocessable(
                str(body.get("detail") or "The answers are not valid."), errors=errors or None
            )
        if response.status != 200:
            raise _unexpected(self.name, response)
        return _read(EligibilityInfo, response, self.name)

    async def reserve(
        self, scheme_id: uuid.UUID, key: str, course_id: uuid.UUID, institute_id: uuid.UUID
    ) -> ReservationInfo:
        """Hold one award under ``key``: the same key always answers with the same
        reservation, whatever became of it."""
        response = await self.client.request(
            "POST",
            f"/v1/bursary-schemes/{scheme_id}/reservations",
            json_body={"course_id": str(course_id), "institute_id": str(institute_id)},
            idempotency_key=key,
        )
        if response.status in (200, 201):
            return _read(ReservationInfo, response, self.name)
        if response.status in (404, 409, 422):
            raise _refusal(response)
        raise _unexpected(self.name, response)

    async def _decide(self, reservation_id: uuid.UUID, action: str) -> ReservationInfo:
        # Awarding or releasing a reservation twice answers the same: safe to retry.
        response = await self.client.request(
            "POST",
            f"/v1/reservations/{reservation_id}/{action}",
            idempotency_key=f"{action}-{reservation_id}",
        )
        if response.status == 200:
            return _read(ReservationInfo, response, self.name)
        if response.status in (404, 409):
            raise _refusal(response)
        raise _unexpected(self.name, response)

    async def award(self, reservation_id: uuid.UUID) -> ReservationInfo:
        return await self._decide(reservation_id, "award")

    async def release(self, reservation_id: uuid.UUID) -> ReservationInfo:
        return await self._decide(reservation_id, "release")

    async def reservation(self, reservation_id: uuid.UUID) -> ReservationInfo | None:
        response = await self.client.request("GET", f"/v1/reservations/{reservation_id}")
        if response.status == 404:
            return None
        if response.status != 200:
            raise _unexpected(self.name, response)
        return _read(ReservationInfo, response, self.name)


@dataclass
class Dependencies:
    """The process's clients for the services it calls (``app.state.dependencies``)."""

    clients: ServiceClients
    catalogue: Catalogue
    partnerships: Partnerships

    @classmethod
    def create(cls, settings: Settings, token_provider: TokenProvider | None) -> Dependencies:
        provider = token_provider or ClientCredentials(
            settings.token_url, settings.client_id, settings.client_secret
        )
        clients = ServiceClients(token_provider=provider)

        def client(name: str, url: str) -> ServiceClient:
            return clients.for_service(
                name,
                url,
                timeout=settings.dependency_timeout_seconds,
                retries=settings.dependency_retries,
                breaker=CircuitBreaker(
                    threshold=settings.breaker_threshold,
                    reset_after=settings.breaker_reset_seconds,
                ),
            )

        return cls(
            clients=clients,
            catalogue=Catalogue(client("catalogue", settings.catalogue_url)),
            partnerships=Partnerships(client("partnerships", settings.partnerships_url)),
        )

    async def close(self) -> None:
        await self.clients.close()


def _catalogue(request: Request) -> Catalogue:
    deps: Dependencies = request.app.state.dependencies
    return deps.catalogue


def _partnerships(request: Request) -> Partnerships:
    deps: Dependencies = request.app.state.dependencies
    return deps.partnerships


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


CatalogueDep = Annotated[Catalogue, Depends(_catalogue)]
PartnershipsDep = Annotated[Partnerships, Depends(_partnerships)]
SettingsDep = Annotated[Settings, Depends(_settings)]
