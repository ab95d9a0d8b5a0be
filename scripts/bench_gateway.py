"""What the gateway's hop costs: one request mix at the catalogue, directly and through the gateway.

Starts the real catalogue (a fresh SQLite database, migrated, a few hundred published courses
created through its own API) and the real gateway in front of it, both under uvicorn with uvloop,
httptools and no access log, as ``make run`` does. Then drives one request mix (a page of the
course list, one course by id, alternately) at 1 and at 32 concurrent clients, first directly, then
through the gateway, and prints throughput, p50 and p99 latency and their ratios.

``--upstream small`` puts a small FastAPI app (two fixed answers, no database) in place of the
catalogue, to show the hop's own cost against an upstream that costs almost nothing.

The load comes from ``wrk`` when it is installed (``apt-get install wrk``: it costs the measured
processes little CPU), else from an aiohttp client in this process. The gateway's rate limiter runs
(counting every request, with a limit too high to refuse any). Only 127.0.0.1 is used.

    .venv/bin/python scripts/bench_gateway.py [--courses 300] [--duration 10] [--clients 1 32]
        [--repeat 3] [--upstream catalogue|small] [--tool auto|wrk|aiohttp]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from fastapi import FastAPI

from servicekit.testing.tokens import TokenFactory

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


small_app = FastAPI()
SMALL_COURSE = {"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "title": "HNC in Cyber Security"}


@small_app.get("/v1/courses")
async def small_list(limit: int = 20, offset: int = 0) -> dict[str, Any]:
    return {"items": [SMALL_COURSE] * limit, "total": 300, "limit": limit, "offset": offset}


@small_app.get("/v1/courses/{course_id}")
async def small_one(course_id: str) -> dict[str, Any]:
    return {**SMALL_COURSE, "id": course_id}


@small_app.get("/readyz")
async def small_ready() -> dict[str, str]:
    return {"status": "ready"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def uvicorn(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(ROOT / "scripts"),
            app,
            "--host",
            HOST,
            "--port",
            str(port),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


async def wait_ready(session: aiohttp.ClientSession, url: str, deadline: float) -> None:
    while True:
        try:
            async with session.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not become ready")
        await asyncio.sleep(0.2)


async def post(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    async with session.post(url, json=body, headers=headers) as response:
        if response.status != 201:
            raise SystemExit(f"POST {url} answered {response.status}: {await response.text()}")
        result: dict[str, Any] = await response.json()
        return result


async def seed(base: str, tokens: TokenFactory, courses: int) -> list[str]:
    """A region, sector, institute, provider and campus, then ``courses`` published courses."""
    admin = tokens.bearer(roles=["network_admin"], orgs=[{"type": "network", "role": "admin"}])
    async with aiohttp.ClientSession() as session:
        region = await post(
            session, f"{base}/v1/regions", admin, {"code": "BN", "name": "Bench", "slug": "bench"}
        )
        sector = await post(
            session, f"{base}/v1/sectors", admin, {"slug": "digital", "name": "Digital"}
        )
        institute = await post(
            session,
            f"{base}/v1/institutes",
            admin,
            {
                "name": "Bench Institute of Technology",
                "slug": "bench-iot",
                "region_id": region["id"],
                "licence_expires_on": "2028-07-31",
            },
        )
        provider = await post(
            session,
            f"{base}/v1/providers",
            admin,
            {
                "name": "Bench College",
                "ukprn": "10000001",
                "type": "fe_college",
                "institute_ids": [institute["id"]],
            },
        )
        staff = tokens.bearer(
            roles=["provider_staff"],
            orgs=[{"type": "provider", "id": provider["id"], "role": "member"}],
        )
        campus = await post(
            session,
            f"{base}/v1/campuses",
            staff,
            {"provider_id": provider["id"], "name": "Main campus", "postcode": "HU1 3DX"},
        )
        start = date.today() + timedelta(days=120)

        async def course(n: int) -> str:
            created = await post(
                session,
                f"{base}/v1/courses",
                staff,
                {
                    "title": f"HNC in Cyber Security {n:04d}",
                    "summary": "Protect networks and systems.",
                    "description": "A two-year part-time Higher National Certificate.",
                    "sector_id": sector["id"],
                    "level": 4 + n % 3,
                    "qualification": "hnc",
                    "delivery_mode": "in_person",
                    "study_mode": "part_time",
                    "duration_months": 24,
                    "fee_pence": 650000 + n,
                    "entry_requirements": "A level 3 qualification.",
                    "institute_id": institute["id"],
                    "provider_id": provider["id"],
                    "status": "published",
                },
            )
            if n % 2 == 0:
                await post(
                    session,
                    f"{base}/v1/courses/{created['id']}/intakes",
                    staff,
                    {
                        "campus_id": campus["id"],
                        "start_date": start.isoformat(),
                        "application_deadline": (start - timedelta(days=30)).isoformat(),
                        "capacity": 20,
                    },
                )
            return str(created["id"])

        ids: list[str] = []
        for first in range(0, courses, 20):
            batch = range(first, min(first + 20, courses))
            ids += await asyncio.gather(*(course(n) for n in batch))
        return ids


def request_mix(ids: list[str], count: int = 2000) -> list[str]:
    """Alternately a page of the list (at varying offsets) and one course, the same every run."""
    rng = random.Random(7)
    paths = []
    for i in range(count):
        if i % 2 == 0:
            paths.append(f"/v1/courses?limit=20&offset={rng.randrange(0, max(1, len(ids) - 20))}")
        else:
            paths.append(f"/v1/courses/{rng.choice(ids)}")
    return paths


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (Linux /proc), whatever else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    target: str
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    upstream_cpu_ms: float = 0.0  # CPU per request, the upstream process
    gateway_cpu_ms: float = 0.0  # CPU per request, the gateway process

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


WRK_SCRIPT = """
local paths = {%s}
local n = #paths
local prefix = "%s"
local i = 0
request = function()
  i = i %% n + 1
  return wrk.format("GET", prefix .. paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def run_wrk(
    target: str, base: str, prefix: str, paths: list[str], clients: int, duration: float
) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ",".join(f'"{p}"' for p in paths)
        script.write(WRK_SCRIPT % (quoted, prefix))
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{clients}",
                f"-d{duration:g}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    requests, micros, p50, p99, errors = (int(v) for v in line.split()[1:])
    return Result(target, clients, requests, micros / 1e6, p50 / 1000, p99 / 1000, errors)


async def run_aiohttp(
    target: str, base: str, prefix: str, paths: list[str], clients: int, duration: float
) -> Result:
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        end = time.perf_counter() + duration

        async def client(offset: int) -> None:
            nonlocal errors
            i = offset
            while time.perf_counter() < end:
                path = paths[i % len(paths)]
                i += clients
                began = time.perf_counter()
                async with session.get(base + prefix + path) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(client(c) for c in range(clients)))
        seconds = time.perf_counter() - began
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    return Result(target, clients, len(latencies), seconds, p50, p99, errors)


def measure(
    tool: str, target: str, base: str, prefix: str, paths: list[str], clients: int, seconds: float
) -> Result:
    if tool == "wrk":
        return run_wrk(target, base, prefix, paths, clients, seconds)
    return asyncio.run(run_aiohttp(target, base, prefix, paths, clients, seconds))


def report(results: list[Result], tool: str) -> None:
    print(f"\nload from {tool}; each row one run of the same request mix")
    print("cpu ms/req: CPU time each process spent per request (unaffected by other load)\n")
    print(
        f"{'target':<9} {'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'upstream cpu ms/req':>20} {'gateway cpu ms/req':>19}"
    )
    for r in results:
        print(
            f"{r.target:<9} {r.clients:>7} {r.requests:>9} {r.rps:>8.0f} "
            f"{r.p50_ms:>7.2f} {r.p99_ms:>7.2f} {r.upstream_cpu_ms:>20.3f} "
            f"{r.gateway_cpu_ms:>19.3f}" + (f"  ({r.errors} errors)" if r.errors else "")
        )
    print()
    for clients in sorted({r.clients for r in results}):
        direct = [r for r in results if r.clients == clients and r.target == "direct"]
        gateway = [r for r in results if r.clients == clients and r.target == "gateway"]
        if not direct or not gateway:
            continue
        d_rps = statistics.median(r.rps for r in direct)
        g_rps = statistics.median(r.rps for r in gateway)
        d_p50 = statistics.median(r.p50_ms for r in direct)
        g_p50 = statistics.median(r.p50_ms for r in gateway)
        print(
            f"{clients:>2} client(s), medians: gateway/direct throughput {g_rps / d_rps:.0%} "
            f"({g_rps:.0f} vs {d_rps:.0f} req/s), p50 {g_p50:.2f} vs {d_p50:.2f} ms "
            f"(+{g_p50 - d_p50:.2f} ms)"
        )
    hop = [r.gateway_cpu_ms for r in results if r.target == "gateway"]
    upstream = [r.upstream_cpu_ms for r in results if r.target == "direct"]
    if hop and upstream:
        print(
            f"CPU per request, medians: upstream {statistics.median(upstream):.3f} ms, "
            f"gateway hop {statistics.median(hop):.3f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=300)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--repeat", type=int, default=1, help="runs per target and level")
    parser.add_argument("--tool", choices=["auto", "wrk", "aiohttp"], default="auto")
    parser.add_argument("--upstream", choices=["catalogue", "small"], default="catalogue")
    args = parser.parse_args()
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "aiohttp"

    tokens = TokenFactory()
    work = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    catalogue_port, gateway_port = free_port(), free_port()
    catalogue_env = {
        **os.environ,
        "CATALOGUE_DATABASE_URL": f"sqlite+aiosqlite:///{work / 'catalogue.db'}",
        "CATALOGUE_DATA_DIR": str(work),
        "CATALOGUE_JWT_PUBLIC_KEY_PEM": tokens.public_pem,
        "CATALOGUE_JWT_JWKS_URL": "",
        "CATALOGUE_LOG_LEVEL": "WARNING",
    }
    gateway_env = {
        **os.environ,
        "GATEWAY_CATALOGUE_URL": f"http://{HOST}:{catalogue_port}",
        "GATEWAY_PARTNERSHIPS_URL": "",
        "GATEWAY_APPLICATIONS_URL": "",
        "GATEWAY_IDENTITY_URL": "",
        "GATEWAY_RATE_LIMIT_ANONYMOUS": "1000000000/minute",
        "GATEWAY_LOG_LEVEL": "WARNING",
    }
    if args.upstream == "catalogue":
        print(f"migrating a fresh catalogue database in {work}")
        subprocess.run(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=ROOT / "services" / "catalogue",
            env=catalogue_env,
            check=True,
            capture_output=True,
        )
    upstream_app = (
        "catalogue.main:app" if args.upstream == "catalogue" else "bench_gateway:small_app"
    )
    children = [
        uvicorn(upstream_app, catalogue_port, catalogue_env, work / "upstream.log"),
        uvicorn("gateway.main:app", gateway_port, gateway_env, work / "gateway.log"),
    ]
    try:
        direct = f"http://{HOST}:{catalogue_port}"
        gateway = f"http://{HOST}:{gateway_port}"

        async def prepare() -> list[str]:
            async with aiohttp.ClientSession() as session:
                deadline = time.monotonic() + 60
                await wait_ready(session, f"{direct}/readyz", deadline)
                await wait_ready(session, f"{gateway}/healthz", deadline)
            if args.upstream == "small":
                return [str(uuid.UUID(int=n)) for n in range(args.courses)]
            return await seed(direct, tokens, args.courses)

        if args.upstream == "catalogue":
            print(f"creating {args.courses} published courses through the catalogue's API")
        ids = asyncio.run(prepare())
        paths = request_mix(ids)
        print(
            f"upstream: {args.upstream}, {len(ids)} courses; "
            "mix: a page of /v1/courses, then one /v1/courses/{id}"
        )
        targets = [("direct", direct, ""), ("gateway", gateway, "/api/catalogue")]
        for name, base, prefix in targets:  # warm both processes and the gateway's pool
            measure(tool, name, base, prefix, paths, 8, 2)
        results = []
        print(f"load average before: {os.getloadavg()[0]:.2f} (on {os.cpu_count()} cores)")
        for clients in args.clients:
            for _ in range(args.repeat):
                for name, base, prefix in targets:
                    before = [cpu_seconds(c.pid) for c in children]
                    result = measure(tool, name, base, prefix, paths, clients, args.duration)
                    spent = [cpu_seconds(c.pid) - b for c, b in zip(children, before, strict=True)]
                    result.upstream_cpu_ms = spent[0] * 1000 / max(1, result.requests)
                    result.gateway_cpu_ms = spent[1] * 1000 / max(1, result.requests)
                    print(f"  {name:<8} {clients:>2} client(s): {result.rps:.0f} req/s", flush=True)
                    results.append(result)
        report(results, tool)
        print(f"load average after: {os.getloadavg()[0]:.2f} (on {os.cpu_count()} cores)")
        return 1 if any(r.errors for r in results) else 0
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
