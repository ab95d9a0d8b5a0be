"""The hot path: ``/api/<service>/<rest>`` to the service: a plain ASGI app over one aiohttp pool.

httpx's pool does not scale with concurrency (encode/httpx#3215): measured here, one shared
``httpx.AsyncClient`` managed about 440 requests/s where an aiohttp ``ClientSession`` managed about
3,600, so the hop uses aiohttp. Bodies stream both ways; nothing is buffered whole.

Per request, in order: the path is resolved and checked (400/404), the declared body size is checked
(413, before a byte of the body is read), a bearer token is verified (401), the rate limit is
counted (429), and the request is forwarded with hop-by-hop headers dropped and ``X-Forwarded-*``
and ``X-Request-ID`` set. A refused connection answers 503 at once, no answer in time 504, a broken
answer 502: always a problem document naming the service. An upload that stops arriving for the
read timeout answers 408.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from starlette.types import Message, Receive, Scope, Send
from yarl import URL

from gateway.config import Settings
from gateway.edge import EdgeVerifier, caller_key
from gateway.paths import resolve
from gateway.ratelimit import Decision, RateLimiter
from servicekit.errors import (
    BadRequest,
    PayloadTooLarge,
    ProblemError,
    ServiceUnavailable,
    Unauthorized,
)
from servicekit.requestid import current_request_id

logger = logging.getLogger("gateway.proxy")

# Never forwarded upstream: hop-by-hop headers (RFC 9110 7.6.1), the ones the gateway sets itself,
# and forwarding headers a client could forge.
REQUEST_DROPPED = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"expect",
        b"host",
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
        b"x-forwarded-prefix",
        b"x-real-ip",
        b"x-request-id",
    }
)
# Never passed back: hop-by-hop headers, and those the gateway's own server and middleware set.
RESPONSE_DROPPED = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authenticate",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"date",
        b"server",
        b"x-request-id",
    }
)
SAFE_TO_RETRY = frozenset({"GET", "HEAD", "OPTIONS"})


class BadGateway(ProblemError):
    status = 502
    code = "bad-gateway"
    title = "Bad gateway"


class GatewayTimeout(ProblemError):
    status = 504
    code = "gateway-timeout"
    title = "Gateway timeout"


class RequestTimeout(ProblemError):
    status = 408
    code = "request-timeout"
    title = "Request timeout"


class _BodyState:
    __slots__ = ("disconnected", "stalled", "too_large")

    def __init__(self) -> None:
        self.too_large = False
        self.disconnected = False
        self.stalled = False


class _BodyTooLarge(Exception):
    pass


class _ClientGone(Exception):
    pass


class _ClientStalled(Exception):
    pass


def new_session(settings: Settings) -> aiohttp.ClientSession:
    """The one upstream pool of a gateway process (made in the app's lifespan)."""
    connector = aiohttp.TCPConnector(
        limit=settings.upstream_max_connections,
        limit_per_host=0,
        keepalive_timeout=settings.upstream_keepalive_seconds,
        ttl_dns_cache=300,
    )
    timeout = aiohttp.ClientTimeout(
        total=None,
        # Waiting for a free pooled connection plus connecting.
        connect=settings.read_timeout_seconds,
        sock_connect=settings.connect_timeout_seconds,
        sock_read=settings.read_timeout_seconds,
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        auto_decompress=False,  # bodies pass through as the service encoded them
        cookie_jar=aiohttp.DummyCookieJar(),  # one pool serves every user: never keep cookies
        skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        trust_env=False,
        requote_redirect_url=False,
    )


class Proxy:
    """The ASGI app mounted at ``/api``."""

    def __init__(self, settings: Settings, limiter: RateLimiter | None, edge: EdgeVerifier) -> None:
        self.services = settings.services
        self.max_body = settings.max_body_bytes
        self.limiter = limiter
        self.edge = edge
        self.token_path = settings.token_path.encode()
        self.read_timeout = settings.read_timeout_seconds
        self.session: aiohttp.ClientSession | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        target = resolve(raw_path, self.services)

        content_length: int | None = None
        has_body = False
        authorization: bytes | None = None
        host = b""
        connection_tokens: set[bytes] = set()
        for name, value in scope["headers"]:
            if name == b"content-length":
                content_length = _content_length(value)
                has_body = content_length > 0
            elif name == b"transfer-encoding":
                has_body = True
            elif name == b"authorization":
                authorization = value
            elif name == b"host":
                host = value
            elif name == b"connection":
                connection_tokens.update(t.strip().lower() for t in value.split(b","))
        if content_length is not None and content_length > self.max_body:
            raise _too_large(self.max_body)

        client = scope.get("client")
        address = f"addr:{client[0] if client else 'unknown'}"
        claims = await self._claims(authorization, address)
        decision = await self._limit(raw_path, address, claims)
        if decision is not None and not decision.allowed:
            raise decision.refusal()

        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in scope["headers"]
            if name not in REQUEST_DROPPED and name not in connection_tokens
        ]
        headers.append(("X-Forwarded-For", client[0] if client else "unknown"))
        headers.append(("X-Forwarded-Proto", scope.get("scheme", "http")))
        if host:
            headers.append(("X-Forwarded-Host", host.decode("latin-1")))
        headers.append(("X-Forwarded-Prefix", f"/api/{target.service}"))
        headers.append(("X-Request-ID", current_request_id() or ""))

        query: bytes = scope.get("query_string", b"")
        url = self.services[target.service] + target.path
        if query:
            url += "?" + query.decode("latin-1")
        upstream = await self._open(
            target.service, scope["method"], URL(url, encoded=True), headers, has_body, receive
        )
        try:
            response_headers = _response_headers(upstream.raw_headers)
            if decision is not None:
                response_headers.extend(decision.headers())
            await send(
                {
                    "type": "http.response.start",
                    "status": upstream.status,
                    "headers": response_headers,
                }
            )
            await _stream(upstream.content, send)
        except (TimeoutError, aiohttp.ClientError) as exc:
            # The answer has started: all that is left is to cut it short, so the client sees a
            # broken answer rather than a complete-looking truncated one.
            logger.warning("%s broke off its answer: %r", target.service, exc)
        finally:
            upstream.release()

    async def _claims(self, authorization: bytes | None, address: str) -> dict[str, Any] | None:
        """The verified claims of a bearer token (``None`` without one); 401 for a bad one."""
        if authorization is None:
            return None
        try:
            return await self.edge.claims(authorization)
        except Unauthorized:
            # A bad token counts against its address, so a flood of them is limited as well.
            if self.limiter is not None:
                decision = await self.limiter.check(self.limiter.anonymous, address)
                if decision is not None and not decision.allowed:
                    raise decision.refusal() from None
            raise

    async def _limit(
        self, raw_path: bytes, address: str, claims: dict[str, Any] | None
    ) -> Decision | None:
        """Counts the request: per address, or per user or client when a token says who."""
        if self.limiter is None:
            return None
        if raw_path == self.token_path or raw_path.startswith(self.token_path + b"/"):
            # Per address whoever asks: this is where passwords and secrets are guessed.
            return await self.limiter.check(self.limiter.token, address)
        if claims is not None:
            return await self.limiter.check(self.limiter.authenticated, caller_key(claims))
        return await self.limiter.check(self.limiter.anonymous, address)

    async def _open(
        self,
        service: str,
        method: str,
        url: URL,
        headers: list[tuple[str, str]],
        has_body: bool,
        receive: Receive,
    ) -> aiohttp.ClientResponse:
        assert self.session is not None, "the gateway's lifespan has not started"
        state = _BodyState()
        retries = 0 if has_body or method not in SAFE_TO_RETRY else 1
        while True:
            try:
                return await self.session.request(
                    method,
                    url,
                    headers=headers,
                    data=_body(receive, self.max_body, self.read_timeout, state)
                    if has_body
                    else None,
                    allow_redirects=False,
                )
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
                self._body_failure(state, exc)
                if isinstance(exc, aiohttp.ClientConnectorError):
                    raise ServiceUnavailable(
                        f"The {service} service is not answering (connection refused). "
                        "Try again shortly.",
                        extra={"service": service},
                    ) from exc
                if retries > 0:
                    # A pooled connection the service had just closed: safe to try once more.
                    retries -= 1
                    continue
                raise BadGateway(
                    f"The {service} service closed the connection without answering.",
                    extra={"service": service},
                ) from exc
            except TimeoutError as exc:
                raise GatewayTimeout(
                    f"The {service} service did not answer within {self.read_timeout:g} s.",
                    extra={"service": service},
                ) from exc
            except aiohttp.ClientError as exc:
                self._body_failure(state, exc)
                logger.warning("%s answered something unreadable: %r", service, exc)
                raise BadGateway(
                    f"The {service} service answered something that is not valid HTTP.",
                    extra={"service": service},
                ) from exc

    def _body_failure(self, state: _BodyState, exc: Exception) -> None:
        """The request failed because of the client's body, not the service: say so."""
        if state.too_large:
            raise _too_large(self.max_body) from exc
        if state.stalled:
            raise RequestTimeout(
                f"The request body stopped arriving for {self.read_timeout:g} s."
            ) from exc
        if state.disconnected:
            raise BadRequest("The client went away while sending the body.") from exc


def _content_length(value: bytes) -> int:
    if not value.isdigit():
        raise BadRequest("The Content-Length header is not a number.")
    return int(value)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The request body is larger than the {limit} bytes accepted.",
        extra={"limit_bytes": limit},
    )


def _response_headers(raw: Any) -> list[tuple[bytes, bytes]]:
    drop = set(RESPONSE_DROPPED)
    for name, value in raw:
        if name.lower() == b"connection":
            drop.update(t.strip().lower() for t in value.split(b","))
    headers = []
    for name, value in raw:
        lowered = name.lower()
        if lowered not in drop:
            headers.append((lowered, value))
    return headers


async def _body(
    receive: Receive, limit: int, timeout: float, state: _BodyState
) -> AsyncIterator[bytes]:
    """The client's body as it arrives: refused past ``limit`` bytes (chunked uploads too), and
    cut off when nothing arrives for ``timeout`` seconds (a stalled upload must not hold a
    connection to the service for ever)."""
    received = 0
    while True:
        try:
            message: Message = await asyncio.wait_for(receive(), timeout)
        except TimeoutError:
            state.stalled = True
            raise _ClientStalled from None
        if message["type"] == "http.disconnect":
            state.disconnected = True
            raise _ClientGone
        chunk: bytes = message.get("body", b"")
        received += len(chunk)
        if received > limit:
            state.too_large = True
            raise _BodyTooLarge
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def _stream(content: aiohttp.StreamReader, send: Send) -> None:
    while True:
        chunk = await content.readany()
        if not chunk:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        more = not content.at_eof()
        await send({"type": "http.response.body", "body": chunk, "more_body": more})
        if not more:
            return
