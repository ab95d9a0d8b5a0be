"""The inter-service HTTP client: one pooled aiohttp session per process, short timeouts, retries
only where repeating is safe, a circuit breaker per dependency, and the request id and a service
token passed on.

    clients = ServiceClients(token_provider=ClientCredentials(...))   # once, in the lifespan
    catalogue = clients.for_service("catalogue", "http://127.0.0.1:8001")
    intake = await catalogue.get_json(f"/v1/intakes/{intake_id}")

A dependency that is down, slow or failing answers :class:`DependencyUnavailable` (a 503 problem
naming the dependency) within the caller's deadline; a 4xx from it is returned to the caller to
interpret (``ServiceResponse.status``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from servicekit.errors import ServiceUnavailable
from servicekit.requestid import REQUEST_ID_HEADER, current_request_id

logger = logging.getLogger("servicekit.http")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})


class DependencyUnavailable(ServiceUnavailable):
    code = "dependency-unavailable"
    title = "A service this request depends on is unavailable"

    def __init__(self, dependency: str, reason: str) -> None:
        super().__init__(
            f"The {dependency} service is unavailable ({reason}). Nothing was changed; "
            "try again shortly.",
            extra={"dependency": dependency},
            headers={"Retry-After": "5"},
        )
        self.dependency = dependency
        self.reason = reason


class CircuitBreaker:
    """Opens after ``threshold`` consecutive failures; after ``reset_after`` seconds one trial call
    goes through (half-open): success closes it, failure opens it again."""

    def __init__(self, threshold: int = 5, reset_after: float = 10.0) -> None:
        self.threshold = threshold
        self.reset_after = reset_after
        self.failures = 0
        self.opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if time.monotonic() - self.opened_at >= self.reset_after:
            return "half-open"
        return "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self._trial_in_flight = False

    def record_failure(self) -> None:
        self.failures += 1
        self._trial_in_flight = False
        if self.failures >= self.threshold or self.opened_at is not None:
            self.opened_at = time.monotonic()


class TokenProvider(Protocol):
    async def token(self, session: aiohttp.ClientSession) -> str | None: ...


class ClientCredentials:
    """A service's own access token (OAuth2 client credentials), cached until near expiry."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str = "internal"):
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self, session: aiohttp.ClientSession) -> str | None:
        if self._token and time.monotonic() < self._expires_at:
            return self._token
        async with self._lock:
            if self._token and time.monotonic() < self._expires_at:
                return self._token
            form = {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": self.scope,
            }
            try:
                async with session.post(
                    self.token_url, data=form, timeout=aiohttp.ClientTimeout(total=3)
                ) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200:
                        raise DependencyUnavailable("identity", f"token refused: {response.status}")
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                raise DependencyUnavailable("identity", "no service token") from exc
            self._token = str(body["access_token"])
            self._expires_at = time.monotonic() + max(10, int(body.get("expires_in", 900)) - 60)
            return self._token


@dataclass(frozen=True)
class ServiceResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class ServiceClient:
    def __init__(
        self,
        name: str,
        base_url: str,
        clients: ServiceClients,
        *,
        timeout: float,
        retries: int,
        breaker: CircuitBreaker,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.clients = clients
        self.timeout = timeout
        self.retries = retries
        self.breaker = breaker

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        authenticate: bool = True,
    ) -> ServiceResponse:
        """One call with the whole deadline ``timeout`` (retries included). Retries happen only for
        safe methods or when an ``idempotency_key`` makes repeating harmless."""
        method = method.upper()
        may_retry = method in SAFE_METHODS or idempotency_key is not None
        attempts = 1 + (self.retries if may_retry else 0)
        deadline = time.monotonic() + self.timeout
        session = self.clients.session
        send_headers = {"Accept": "application/json", **(headers or {})}
        if (rid := current_request_id()) is not None:
            send_headers[REQUEST_ID_HEADER] = rid
        if idempotency_key is not None:
            send_headers["Idempotency-Key"] = idempotency_key
        if authenticate and self.clients.token_provider is not None:
            token = await self.clients.token_provider.token(session)
            if token:
                send_headers["Authorization"] = f"Bearer {token}"
        last_reason = "no attempt made"
        for attempt in range(attempts):
            if not self.breaker.allow():
                raise DependencyUnavailable(self.name, "circuit open after repeated failures")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                async with session.request(
                    method,
                    self.base_url + path,
                    json=json_body,
                    params=params,
                    headers=send_headers,
                    timeout=aiohttp.ClientTimeout(total=remaining),
                ) as response:
                    body = await response.read()
                    result = ServiceResponse(response.status, dict(response.headers), body)
            except TimeoutError:
                self.breaker.record_failure()
                last_reason = f"no answer within {self.timeout:g} s"
            except aiohttp.ClientError as exc:
                self.breaker.record_failure()
                last_reason = f"connection failed: {type(exc).__name__}"
            else:
                if result.status in RETRY_STATUSES or result.status >= 500:
                    self.breaker.record_failure()
                    last_reason = f"answered {result.status}"
                    if result.status not in RETRY_STATUSES:
                        break
                else:
                    self.breaker.record_success()
                    return result
            if attempt + 1 < attempts:
                await asyncio.sleep(min(0.05 * 2**attempt, max(0.0, deadline - time.monotonic())))
        logger.warning("call to %s %s%s failed: %s", self.name, method, path, last_reason)
        raise DependencyUnavailable(self.name, last_reason)

    async def get_json(self, path: str, **kwargs: Any) -> Any:
        response = await self.request("GET", path, **kwargs)
        return response.json()


class ServiceClients:
    """The process's one pooled HTTP session and a client (with its own breaker) per dependency."""

    def __init__(self, *, token_provider: TokenProvider | None = None, limit: int = 100) -> None:
        self.token_provider = token_provider
        self._limit = limit
        self._session: aiohttp.ClientSession | None = None
        self._clients: dict[str, ServiceClient] = {}

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session

    def for_service(
        self,
        name: str,
        base_url: str,
        *,
        timeout: float = 2.0,
        retries: int = 2,
        breaker: CircuitBreaker | None = None,
    ) -> ServiceClient:
        if name not in self._clients:
            self._clients[name] = ServiceClient(
                name,
                base_url,
                self,
                timeout=timeout,
                retries=retries,
                breaker=breaker or CircuitBreaker(),
            )
        return self._clients[name]

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
