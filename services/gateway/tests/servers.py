"""Real servers for the gateway's tests: ASGI apps under uvicorn on free ports, and raw HTTP.

The upstream "services" here are small FastAPI apps that record what reached them, so a test can
tell that a refused request never got through. Identity's stand-in also serves a real JWKS with the
public key of the test run's ``TokenFactory``.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, Request
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2, OAuth2PasswordBearer
from jose import jwk
from pydantic import BaseModel

from servicekit.testing.tokens import TokenFactory

BEARER = HTTPBearer(auto_error=False)
PASSWORD = OAuth2PasswordBearer(tokenUrl="v1/token", scopes={"openid": "who you are"})
CLIENTS = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(
            tokenUrl="v1/token", scopes={"catalogue:read": "read the catalogue"}
        )
    ),
    scheme_name="ClientCredentials",
    auto_error=False,
)


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class Running:
    url: str
    port: int
    server: uvicorn.Server
    task: asyncio.Task[None]

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


async def start(app: Any, **config: Any) -> Running:
    sock = free_socket()
    port = sock.getsockname()[1]
    options: dict[str, Any] = {
        "lifespan": "on",
        "log_level": "warning",
        "access_log": False,
        "http": "httptools",
        "timeout_graceful_shutdown": 1,
    }
    options.update(config)
    server = uvicorn.Server(uvicorn.Config(app, **options))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the server stopped while starting")
        await asyncio.sleep(0.01)
    return Running(f"http://127.0.0.1:{port}", port, server, task)


@asynccontextmanager
async def serve(app: Any, **config: Any) -> AsyncIterator[Running]:
    running = await start(app, **config)
    try:
        yield running
    finally:
        if not running.task.done():
            await running.stop()


@dataclass
class Seen:
    """What reached a fake service."""

    requests: list[dict[str, Any]] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [r["raw_path"] for r in self.requests]

    def find(self, marker: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if marker in r["raw_path"] + r["query"]]


def fake_service(name: str, course_fields: dict[str, Any]) -> tuple[FastAPI, Seen]:
    """A service with a ``Course`` of its own shape, an echo, a sleeper and an upload sink."""
    app = FastAPI(title=f"fake {name}", version="1.0.0")
    seen = Seen()
    course = type("Course", (BaseModel,), {"__annotations__": course_fields})

    async def record(request: Request, body_bytes: int) -> dict[str, Any]:
        entry = {
            "method": request.method,
            "raw_path": request.scope["raw_path"].decode("latin-1"),
            "query": request.scope["query_string"].decode("latin-1"),
            "headers": [
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"]
            ],
            "body_bytes": body_bytes,
        }
        seen.requests.append(entry)
        return entry

    @app.get("/v1/courses", tags=["courses"], response_model=list[course])  # type: ignore[valid-type]
    async def list_courses(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    ) -> list[Any]:
        return []

    @app.get("/v1/courses/{course_id}", tags=["courses"], response_model=course)
    async def get_course(course_id: str) -> Any:
        return JSONResponse({"id": course_id}, status_code=404)

    helper = {"include_in_schema": False}  # test plumbing, not part of the fake's API

    @app.api_route(
        "/echo/{rest:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        **helper,
    )
    async def echo(request: Request, rest: str) -> JSONResponse:
        body = await request.body()
        entry = await record(request, len(body))
        response = JSONResponse({**entry, "service": name})
        response.headers["X-Upstream"] = name
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["Connection"] = "keep-alive, X-Secret-Hop"
        response.headers["X-Secret-Hop"] = "must not pass"
        return response

    @app.get("/sleep", **helper)
    async def sleep(seconds: float) -> dict[str, str]:
        await asyncio.sleep(seconds)
        return {"slept": str(seconds)}

    @app.get("/stream", **helper)
    async def stream(chunks: int = 5, size: int = 65536) -> StreamingResponse:
        async def body() -> AsyncIterator[bytes]:
            for i in range(chunks):
                yield bytes([65 + i % 26]) * size
                await asyncio.sleep(0)

        return StreamingResponse(body(), media_type="application/octet-stream")

    @app.post("/upload", **helper)
    async def upload(request: Request) -> dict[str, int]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        await record(request, size)
        return {"received": size}

    @app.get("/readyz")
    async def readyz() -> dict[str, Any]:
        return {"status": "ready", "checks": {"database": "ok"}}

    app.state.record = record
    return app, seen


def fake_identity(tokens: TokenFactory) -> tuple[FastAPI, Seen]:
    """Identity's stand-in: a real JWKS for the test key, OAuth2 schemes and a token endpoint."""
    app, seen = fake_service("identity", {"id": str, "email": str})
    record = app.state.record
    key = jwk.construct(tokens.public_pem, "RS256").to_dict()
    key = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in key.items()}
    key.update({"kid": tokens.kid, "use": "sig", "alg": "RS256"})

    @app.get("/v1/jwks.json", tags=["keys"])
    async def jwks() -> dict[str, Any]:
        return {"keys": [key]}

    @app.post("/v1/token", tags=["tokens"])
    async def token(request: Request) -> dict[str, str]:
        await record(request, len(await request.body()))
        return {"access_token": "not-a-real-token", "token_type": "bearer"}

    @app.get("/v1/me", tags=["users"])
    async def me(token: Annotated[str, Depends(PASSWORD)]) -> dict[str, str]:
        return {"token": token[:8]}

    @app.get("/v1/clients/me", tags=["clients"])
    async def client_me(token: Annotated[str | None, Depends(CLIENTS)]) -> dict[str, str]:
        return {}

    return app, seen


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    raw_headers: list[tuple[str, str]]


async def read_response(reader: asyncio.StreamReader) -> RawResponse:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    raw = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            raw.append((name.strip().lower(), value.strip()))
    headers = dict(raw)
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return RawResponse(status, headers, body, raw)


async def raw_request(port: int, data: bytes) -> RawResponse:
    """Sends bytes exactly as given (no client library normalising the path or headers)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(read_response(reader), 5)
    finally:
        writer.close()
