"""Keeping each process's search index current.

- At start-up the index is built from the database in the background; ``/readyz`` says "not
  ready" until it is, and searches answer 503 meanwhile.
- Every change to what search shows is numbered in ``catalogue_change`` (see ``models.py``). The
  follower reads the numbers after the last one it applied, reloads the courses they touch (by
  primary or indexed foreign key) and replaces their documents. It polls every
  ``search_poll_seconds``, so other processes' writes show within about that time.
- A write answered by this process waits for the follower to apply it before the answer leaves
  (``CatchUpAfterWrites``), so the writer's next search already finds it.
- On PostgreSQL numbers are handed out when a row is inserted, not when its transaction commits,
  so a lower number can appear after a higher one. The follower remembers missing numbers for
  ``GAP_SECONDS`` and reads them again; rolled-back numbers simply expire.
- An ``all`` change (bulk loads), a change log that went backwards (a restored database) or a new
  day (the next open intake moves on) rebuilds the index beside the live one and swaps it in.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalogue.search.index import CourseIndex
from catalogue.search.source import (
    affected_courses,
    changes_after,
    iterate_all_courses,
    last_change,
    load_courses,
    load_reference,
    prune_changes,
    refresh_reference,
)

logger = logging.getLogger("catalogue.search")

BATCH = 2000
GAP_WINDOW = 1000
GAP_SECONDS = 120.0
LARGE = 200  # more documents than this are built off the event loop
PRUNE_EVERY = 600.0
WRITE_WAIT = 10.0


def utc_today() -> date:
    return datetime.now(UTC).date()


class SearchService:
    """The process's search index and the task that keeps it current."""

    def __init__(self, *, poll_seconds: float = 1.0, retention: timedelta = timedelta(days=1)):
        self.poll_seconds = poll_seconds
        self.retention = retention
        self.current: CourseIndex | None = None
        self.last_error: str | None = None
        self._engine: AsyncEngine | None = None
        self._lock = asyncio.Lock()
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._low = 0  # every number up to here is applied (or given up on)
        self._seen: set[int] = set()  # applied numbers above _low
        self._gaps: dict[int, float] = {}  # missing numbers above _low, since when
        self._requested = 0
        self._done = 0
        self._pruned_at = 0.0

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self, app: FastAPI) -> None:
        self._engine = app.state.database.engine
        self._task = asyncio.create_task(self._run(), name="search-follower")

    async def stop(self, _app: FastAPI | None = None) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def readiness(self) -> str | None:
        if self.current is None:
            reason = "search index is being built"
            return f"{reason} (last error: {self.last_error})" if self.last_error else reason
        return None

    async def wait_ready(self) -> None:
        await self._ready.wait()

    async def _run(self) -> None:
        while self.current is None:
            try:
                await self.rebuild()
            except Exception as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                logger.exception("building the search index failed; retrying")
                await asyncio.sleep(2.0)
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                if self.current is not None and self.current.today != utc_today():
                    await self.rebuild()
                else:
                    await self.catch_up()
                if time.monotonic() - self._pruned_at > PRUNE_EVERY:
                    await self._prune()
                self.last_error = None
            except Exception as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                logger.exception("following catalogue changes failed; retrying")

    # -- building -------------------------------------------------------------------------------

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("the search service has not been started")
        return self._engine

    async def rebuild(self) -> None:
        """Build a new index from the database and swap it in (searches go on meanwhile)."""
        async with self._lock:
            await self._rebuild_locked()

    async def _rebuild_locked(self) -> None:
        began = time.perf_counter()
        async with self.engine.connect() as conn:
            newest = await last_change(conn) or 0
            low = max(0, newest - GAP_WINDOW)
            recent = await changes_after(conn, low, GAP_WINDOW + 1)
            index = CourseIndex(await load_reference(conn), utc_today())
            indexing: asyncio.Future[None] | None = None
            async for rows in iterate_all_courses(conn):  # reading overlaps indexing
                if indexing is not None:
                    await indexing
                indexing = asyncio.ensure_future(asyncio.to_thread(index.put, rows))
            if indexing is not None:
                await indexing
        await asyncio.to_thread(index.commit)
        self.current = index
        self._low, self._seen, self._gaps = low, set(), {}
        self._record([c.seq for c in recent])
        self._ready.set()
        logger.info(
            "search index built: %d courses in %.1f s (changes up to %d)",
            index.documents,
            time.perf_counter() - began,
            newest,
        )

    # -- following ------------------------------------------------------------------------------

    async def catch_up(self) -> None:
        """Apply every change committed before this call (coalescing concurrent callers)."""
        self._requested += 1
        ticket = self._requested
        async with self._lock:
            if self._done >= ticket:
                return
            covered = self._requested
            await self._sync_locked()
            self._done = covered

    async def catch_up_quietly(self) -> None:
        """For writes: wait for the index (at most ``WRITE_WAIT``), never fail the write."""
        try:
            await asyncio.wait_for(asyncio.shield(self.catch_up()), WRITE_WAIT)
        except Exception:
            logger.exception("search index not updated after a write; the follower will retry")

    async def _sync_locked(self) -> None:
        index = self.current
        if index is None:
            return  # the build under way will include everything
        cursor = self._low
        while True:
            async with self.engine.connect() as conn:
                rows = await changes_after(conn, cursor, BATCH)
                new = [r for r in rows if r.seq not in self._seen]
                if not rows and cursor > 0 and (await last_change(conn) or 0) < cursor:
                    logger.warning("the change log went backwards; rebuilding the search index")
                    rebuild = True
                else:
                    rebuild = any(r.entity == "all" for r in new)
                changed: dict[str, set[uuid.UUID]] = defaultdict(set)
                for r in new:
                    if r.entity_id is not None:
                        changed[r.entity].add(r.entity_id)
                courses = {}
                ids: set[uuid.UUID] = set()
                if changed and not rebuild:
                    await refresh_reference(conn, index.ref, changed)
                    ids = await affected_courses(conn, changed)
                    courses = await load_courses(conn, sorted(ids))
            if rebuild:
                await self._rebuild_locked()
                return
            if ids:
                deleted = {str(i) for i in ids} - courses.keys()
                if len(courses) > LARGE:
                    await asyncio.to_thread(index.put, list(courses.values()), deleted)
                    await asyncio.to_thread(index.commit)
                else:
                    index.put(courses.values(), deleted)
                    index.commit()
            self._record(r.seq for r in new)
            if len(rows) < BATCH:
                return
            cursor = rows[-1].seq

    def _record(self, seqs: Iterable[int]) -> None:
        now = time.monotonic()
        for seq in seqs:
            if seq > self._low:
                self._seen.add(seq)
                self._gaps.pop(seq, None)
        if self._seen:
            top = max(self._seen)
            floor = top - GAP_WINDOW
            if floor > self._low:  # far behind: what lies below the window is given up on
                self._low = floor
                self._seen = {s for s in self._seen if s > floor}
                self._gaps = {s: t for s, t in self._gaps.items() if s > floor}
            for seq in range(self._low + 1, top):
                if seq not in self._seen:
                    self._gaps.setdefault(seq, now)
        for seq, since in list(self._gaps.items()):
            if now - since > GAP_SECONDS:
                del self._gaps[seq]
                self._seen.add(seq)
        while self._low + 1 in self._seen:
            self._low += 1
            self._seen.discard(self._low)

    @property
    def applied_through(self) -> int:
        """Every change up to this number is in the index."""
        return self._low

    async def _prune(self) -> None:
        self._pruned_at = time.monotonic()
        async with self.engine.begin() as conn:
            removed = await prune_changes(conn, datetime.now(UTC) - self.retention)
        if removed:
            logger.info("pruned %d old catalogue changes", removed)


class CatchUpAfterWrites:
    """Holds a successful write's answer until this process's index includes the write."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, app: ASGIApp, search: SearchService) -> None:
        self.app = app
        self.search = search

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in self.SAFE:
            await self.app(scope, receive, send)
            return

        async def send_after_index(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                await self.search.catch_up_quietly()
            await send(message)

        await self.app(scope, receive, send_after_index)
