"""Course search benchmark: 100,000 synthetic courses, a fixed query mix, over HTTP.

    .venv/bin/python services/catalogue/bench/bench_search.py            # both backends
    .venv/bin/python services/catalogue/bench/bench_search.py --count 20000 --backends sqlite

For each backend (PostgreSQL at TEST_POSTGRES_URL, and a SQLite file) it makes a throwaway
database, migrates it, loads ``--count`` courses with ``seed_large`` and starts the catalogue
under uvicorn (uvloop, httptools, no access log) on a free port. It then sends a fixed mix of
300 searches (one and two words, misspellings, filters, a postcode with a 25 km radius on a
fifth of them; facets always on) from 1 and from 16 concurrent keep-alive clients, times
type-ahead, and measures freshness: a course created through a second catalogue process (a
replica on the same database) until the first process's search finds it. It prints p50, p95
and p99 latency as the client sees it and the throughput, and a Markdown summary at the end.

Everything stays on 127.0.0.1; every loop is bounded; the databases are dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from catalogue.config import SERVICE_ROOT
from catalogue.seed_large import SUBJECTS, seed_large
from servicekit.migrations import upgrade
from servicekit.testing.databases import temporary_database
from servicekit.testing.tokens import TokenFactory

HOST = "127.0.0.1"
MIX_SIZE = 300
RADIUS_KM = 25
PLACES = ["HU1", "LS1", "M1", "B1", "NG1", "LN2", "NE1", "S1", "L1", "BS1", "CF10", "G1"]
PLACES += ["EH1", "SO14", "NR1", "PL1", "CB1", "OX1", "LE1", "YO1", "DN1", "MK9", "RG1", "EC1V"]
WORDS = [
    "engineering",
    "digital",
    "cyber",
    "renewable",
    "robotics",
    "construction",
    "software",
    "electrical",
    "mechanical",
    "manufacturing",
    "healthcare",
    "battery",
    "automation",
    "data",
    "solar",
    "apprenticeship",
    "hnc",
    "bootcamp",
    "surveying",
    "hydrogen",
]
PAIRS = [
    "cyber security",
    "mechanical engineering",
    "software development",
    "electric vehicle",
    "heat pump",
    "data analytics",
    "civil engineering",
    "renewable energy",
    "cloud computing",
    "power electronics",
    "building information",
    "precision machining",
    "clinical engineering",
    "offshore wind",
    "quantity surveying",
]
SECTORS = ["engineering", "digital", "green-energy", "construction", "advanced-manufacturing"]
QUALIFICATIONS = ["hnc", "hnd", "htq", "apprenticeship", "bootcamp", "degree_apprenticeship"]


# -- the query mix ---------------------------------------------------------------------------


def misspell(word: str, rng: random.Random) -> str:
    """One edit (drop, double, swap or replace a letter), as people type."""
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(["drop", "double", "swap", "replace"])
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    if edit == "double":
        return word[:i] + word[i] + word[i:]
    if edit == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aeioustnr") + word[i + 1 :]


def query_mix(seed: int = 2026) -> list[dict[str, Any]]:
    """300 searches: 30% one word, 25% two words, 10% misspelt, 15% filters (some with words),
    20% a postcode with a 25 km radius (with one or two words); facets on for all."""
    rng = random.Random(seed)
    long_words = [w for w in WORDS if len(w) >= 6] + [
        s.split()[0].lower() for subjects in SUBJECTS.values() for s in subjects
    ]
    mix: list[dict[str, Any]] = []
    for n in range(MIX_SIZE):
        kind = n % 20
        params: dict[str, Any]
        if kind < 6:
            params = {"q": rng.choice(WORDS)}
        elif kind < 11:
            params = {"q": rng.choice(PAIRS)}
        elif kind < 13:
            params = {"q": misspell(rng.choice([w for w in long_words if len(w) >= 6]), rng)}
        elif kind < 16:
            params = {rng.choice(["sector", "qualification"]): None}
            if "sector" in params:
                params["sector"] = rng.choice(SECTORS)
            else:
                params["qualification"] = rng.choice(QUALIFICATIONS)
            params[rng.choice(["level", "study_mode", "has_open_intake"])] = None
            if "level" in params:
                params["level"] = rng.choice([3, 4, 5, 6])
            elif "study_mode" in params:
                params["study_mode"] = rng.choice(["full_time", "part_time"])
            else:
                params["has_open_intake"] = "true"
            if rng.random() < 0.5:
                params["q"] = rng.choice(WORDS)
            if rng.random() < 0.3:
                params["sort"] = "start_date"
        else:
            params = {
                "q": rng.choice(WORDS + PAIRS),
                "postcode": rng.choice(PLACES),
                "radius_km": RADIUS_KM,
            }
        mix.append(params)
    return mix


def prefixes(seed: int = 7) -> list[str]:
    """What people type into the search box, letter by letter."""
    rng = random.Random(seed)
    words = WORDS + [p.split()[1] for p in PAIRS]
    out = []
    for _ in range(60):
        word = rng.choice(words)
        out += [word[:n] for n in range(1, min(len(word), 6) + 1)]
    return out


# -- a lean HTTP/1.1 keep-alive client (so the load generator eats little of the 2 cores) ------


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def search_path(params: dict[str, Any], path: str = "/v1/courses") -> str:
    return f"{path}?{urlencode(params, doseq=True)}"


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1)] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def line(self, label: str) -> str:
        return (
            f"{label:34s} n={len(self.latencies):5d}  p50 {self.pct(50):6.2f} ms  "
            f"p95 {self.pct(95):6.2f} ms  p99 {self.pct(99):6.2f} ms  "
            f"{self.throughput:7.1f} req/s  errors {self.errors}"
        )


async def load(port: int, paths: list[str], clients: int, total: int) -> Run:
    """``total`` requests from ``clients`` concurrent connections, cycling through ``paths``."""
    run = Run()
    queue: Iterator[str] = (paths[i % len(paths)] for i in range(total))

    async def client() -> None:
        conn = Connection(port)
        try:
            for path in queue:
                began = time.perf_counter()
                status, _ = await conn.request("GET", path)
                run.latencies.append(time.perf_counter() - began)
                if status != 200:
                    run.errors += 1
        finally:
            conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    run.seconds = time.perf_counter() - began
    return run


# -- processes and databases -----------------------------------------------------------------


def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = int(s.getsockname()[1])
        if not 8000 <= port <= 8004:
            return port


@contextmanager
def catalogue_server(url: str, tokens: TokenFactory, workers: int) -> Iterator[tuple[int, float]]:
    """A catalogue under uvicorn; yields its port and the seconds until /readyz said ready."""
    port = free_port()
    env = {
        **os.environ,
        "CATALOGUE_DATABASE_URL": url,
        "CATALOGUE_JWT_PUBLIC_KEY_PEM": tokens.public_pem,
        "CATALOGUE_JWT_JWKS_URL": "",
        "CATALOGUE_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "catalogue.main:app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--workers",
        str(workers),
    ]
    began = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=SERVICE_ROOT)
    try:
        ready = asyncio.run(wait_ready(port, process, consecutive=4 * workers))
        yield port, ready - began
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


async def wait_ready(port: int, process: subprocess.Popen[bytes], consecutive: int) -> float:
    """Until /readyz answers 200 ``consecutive`` times in a row (every worker built its index)."""
    deadline = time.perf_counter() + 600
    streak = 0
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the catalogue exited before it was ready")
        conn = Connection(port)
        try:
            status, _ = await conn.request("GET", "/readyz")
            streak = streak + 1 if status == 200 else 0
        except OSError:
            streak = 0
        finally:
            conn.close()
        if streak >= consecutive:
            return time.perf_counter()
        await asyncio.sleep(0.2)
    raise RuntimeError("the catalogue was not ready within 10 minutes")


async def freshness(port: int, replica: int, tokens: TokenFactory, probes: int) -> list[float]:
    """Seconds from a replica's 201 until this process's search finds the new course."""
    main, other = Connection(port), Connection(replica)
    admin = tokens.bearer(roles=["network_admin"], orgs=[{"type": "network", "role": "admin"}])
    try:
        status, body = await main.request("GET", "/v1/courses?limit=1&facets=false")
        template = json.loads(body)["items"][0]
        delays = []
        for n in range(probes):
            word = f"probe{uuid.uuid4().hex[:10]}"
            course = {
                k: template[k]
                for k in (
                    "sector_id",
                    "level",
                    "qualification",
                    "delivery_mode",
                    "study_mode",
                    "duration_months",
                    "fee_pence",
                    "institute_id",
                    "provider_id",
                )
            }
            course.update(title=f"Freshness {word}", status="published")
            status, answer = await other.request(
                "POST", "/v1/courses", json.dumps(course).encode(), admin
            )
            if status != 201:
                raise RuntimeError(f"the replica refused the write: {status} {answer[:300]!r}")
            written = time.perf_counter()
            for _ in range(1000):  # at most ~20 s
                status, found = await main.request("GET", f"/v1/courses?q={word}&facets=false")
                if json.loads(found)["total"] == 1:
                    delays.append(time.perf_counter() - written)
                    break
                await asyncio.sleep(0.02)
            else:
                delays.append(float("inf"))
            await asyncio.sleep(0.3 + 0.17 * n)  # land the writes at varied points of a poll
        return delays
    finally:
        main.close()
        other.close()


def example(port: int) -> list[str]:
    async def ask() -> list[str]:
        conn = Connection(port)
        try:
            _, body = await conn.request("GET", "/v1/courses?q=engineering&postcode=HU1&limit=5")
        finally:
            conn.close()
        answer = json.loads(body)
        return [
            f"{i['title']} ({i['nearest_campus']['town']}, {i['distance_km']} km)"
            for i in answer["items"]
        ] + [f"total {answer['total']}, sectors: {answer['facets']['sector'][:3]}"]

    return asyncio.run(ask())


# -- the run -----------------------------------------------------------------------------------


def bench_backend(
    backend: str, args: argparse.Namespace, say: Callable[[str], None]
) -> dict[str, Any]:
    result: dict[str, Any] = {"backend": backend}
    tokens = TokenFactory()
    with (
        tempfile.TemporaryDirectory() as tmp,
        temporary_database(backend, "catalogue_bench", Path(tmp)) as url,
    ):
        upgrade(SERVICE_ROOT, url)
        report = seed_large(url, args.count, seed=1)
        result["seed_seconds"] = report.seconds
        say(
            f"[{backend}] seed-large: {report.courses:,} courses, {report.intakes:,} intakes, "
            f"{report.campuses:,} campuses in {report.seconds:.1f} s"
        )
        with catalogue_server(url, tokens, args.workers) as (port, ready):
            result["ready_seconds"] = ready
            say(f"[{backend}] catalogue ready (index built) {ready:.1f} s after start")
            for line in example(port):
                say(f"[{backend}]   engineering near HU1: {line}")
            paths = [search_path(p) for p in query_mix()]
            typeahead = [search_path({"q": p}, "/v1/courses/suggest") for p in prefixes()]
            asyncio.run(load(port, paths, 4, len(paths)))  # warm up
            for clients in (1, 16):
                total = args.requests * (1 if clients == 1 else 4)
                run = asyncio.run(load(port, paths, clients, total))
                result[f"search_{clients}"] = run
                say(f"[{backend}] " + run.line(f"search, {clients} client(s)"))
            run = asyncio.run(load(port, typeahead, 1, len(typeahead)))
            result["typeahead"] = run
            say(f"[{backend}] " + run.line("type-ahead, 1 client"))
            with catalogue_server(url, tokens, 1) as (replica, _):
                delays = asyncio.run(freshness(port, replica, tokens, args.probes))
            result["freshness"] = delays
            say(
                f"[{backend}] freshness (write in another process -> found here): "
                + ", ".join(f"{d:.2f} s" for d in delays)
            )
    return result


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load1, load5, _ = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"load average {load1:.1f}/{load5:.1f} at start"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="courses to load")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument(
        "--requests", type=int, default=1500, help="searches at 1 client (x4 at 16)"
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--probes", type=int, default=5, help="freshness measurements")
    args = parser.parse_args()

    def say(line: str) -> None:
        print(line, flush=True)  # noqa: T201

    say(
        f"course search benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
        f"{args.count:,} courses, {args.workers} uvicorn worker(s); {machine()}"
    )
    results = [bench_backend(b.strip(), args, say) for b in args.backends.split(",")]
    say(
        "\n| backend | search p50 / p95 / p99, 1 client | 16 clients: p50 / p95 / p99, throughput "
        "| type-ahead p50 / p95 / p99 | freshness (max of probes) | seed / index ready |"
    )
    say("|---|---|---|---|---|---|")
    for r in results:
        one, many, ahead = r["search_1"], r["search_16"], r["typeahead"]
        say(
            f"| {r['backend']} | {one.pct(50):.1f} / {one.pct(95):.1f} / {one.pct(99):.1f} ms "
            f"| {many.pct(50):.1f} / {many.pct(95):.1f} / {many.pct(99):.1f} ms, "
            f"{many.throughput:.0f} /s | {ahead.pct(50):.1f} / {ahead.pct(95):.1f} / "
            f"{ahead.pct(99):.1f} ms | {max(r['freshness']):.2f} s (median "
            f"{statistics.median(r['freshness']):.2f} s) | {r['seed_seconds']:.0f} s / "
            f"{r['ready_seconds']:.0f} s |"
        )
    load1, load5, _ = os.getloadavg()
    say(f"load average at the end: {load1:.1f}/{load5:.1f}")


if __name__ == "__main__":
    main()
