"""A tiny real HTTP proxy that makes a dependency slow or failing on chosen requests.

It forwards every request to the real service behind it, except where a rule says otherwise:

- ``delay(method, pattern, seconds)``: wait before forwarding (a slow dependency);
- ``fail(method, pattern)``: answer 503 without forwarding (a failing dependency);
- ``lose_answer(method, pattern, seconds)``: forward, let the service act, then hold the answer
  for ``seconds`` (the caller gives up: the work was done but its answer was lost);
- ``after(method, pattern, action)``: forward, run ``action`` (e.g. really stop the service
  behind it, so the caller's next call finds nothing there), then answer.

It also remembers the headers of every request it saw (``seen``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


@dataclass
class Rule:
    method: str
    pattern: re.Pattern[str]
    kind: str
    seconds: float = 0.0
    action: Callable[[], None] | None = None
    times: int | None = None  # None: every matching request

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and self.pattern.search(path) is not None


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.rules: list[Rule] = []
        self.seen: list[tuple[str, str, dict[str, str]]] = []

    def clear(self) -> None:
        self.rules.clear()
        self.seen.clear()

    def _add(self, method: str, pattern: str, kind: str, **values: Any) -> None:
        self.rules.append(Rule(method.upper(), re.compile(pattern), kind, **values))

    def delay(self, method: str, pattern: str, seconds: float) -> None:
        self._add(method, pattern, "delay", seconds=seconds)

    def fail(self, method: str, pattern: str) -> None:
        self._add(method, pattern, "fail")

    def lose_answer(self, method: str, pattern: str, seconds: float) -> None:
        self._add(method, pattern, "lose", seconds=seconds)

    def after(self, method: str, pattern: str, action: Callable[[], None], times: int = 1) -> None:
        self._add(method, pattern, "after", action=action, times=times)

    def _rule(self, method: str, path: str) -> Rule | None:
        for rule in self.rules:
            if rule.matches(method, path) and rule.times != 0:
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        method, path = request.method, request.url.path
        self.seen.append((method, path, dict(request.headers)))
        rule = self._rule(method, path)
        # The whole request arrives first: a slow service still acts on it after the caller
        # gave up.
        body = await request.body()
        if rule is not None and rule.kind == "delay":
            await asyncio.sleep(rule.seconds)
        if rule is not None and rule.kind == "fail":
            response = Response(
                b'{"status": 503, "title": "injected failure"}',
                status_code=503,
                media_type="application/problem+json",
            )
            await response(scope, receive, send)
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        url = self.upstream + path + (f"?{request.url.query}" if request.url.query else "")
        try:
            async with httpx.AsyncClient(timeout=30) as client:
                upstream = await client.request(method, url, content=body, headers=headers)
        except httpx.TransportError:
            response = Response(b"", status_code=502)
            await response(scope, receive, send)
            return
        if rule is not None and rule.kind == "lose":
            await asyncio.sleep(rule.seconds)
        out_headers = {
            k: v
            for k, v in upstream.headers.items()
            if k.lower() not in HOP_HEADERS | {"content-encoding"}
        }
        if rule is not None and rule.kind == "after" and rule.action is not None:
            # Before the answer goes back, so the caller's next request already meets it.
            await asyncio.to_thread(rule.action)
        response = Response(upstream.content, status_code=upstream.status_code, headers=out_headers)
        await response(scope, receive, send)
