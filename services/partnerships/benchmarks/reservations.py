"""Benchmark: bursary reservations under concurrency, through the real app, on SQLite or
PostgreSQL. Prints throughput and latency; checks the ledger still sums.

    .venv/bin/python services/partnerships/benchmarks/reservations.py --backend postgresql
    .venv/bin/python services/partnerships/benchmarks/reservations.py --backend sqlite --callers 20

Each scheme has room for ``--room`` awards; ``--requests`` reservations (distinct keys) are spread
over ``--schemes`` schemes with ``--callers`` in flight at once, so most of the contention is on
the same few scheme rows. Identity is replaced by a double of its contract (as in the tests).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from rich.console import Console

SERVICE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SERVICE))

from partnerships.config import SERVICE_ROOT  # noqa: E402
from partnerships.main import build_app  # noqa: E402
from servicekit.migrations import upgrade  # noqa: E402
from servicekit.testing.databases import temporary_database  # noqa: E402
from servicekit.testing.servers import serve  # noqa: E402
from servicekit.testing.tokens import TokenFactory  # noqa: E402
from tests.conftest import settings_for  # noqa: E402
from tests.factories import service, sign_up  # noqa: E402
from tests.identity_double import IdentityContractDouble  # noqa: E402

console = Console()


async def run(args: argparse.Namespace) -> None:
    tokens = TokenFactory()
    double = IdentityContractDouble()
    with (
        tempfile.TemporaryDirectory() as tmp,
        temporary_database(args.backend, "bench", Path(tmp)) as url,
        serve(double.app) as identity_url,
    ):
        upgrade(SERVICE_ROOT, url)
        app = build_app(settings_for(url, tokens, identity_url))
        async with (
            LifespanManager(app),
            AsyncClient(transport=ASGITransport(app=app), base_url="http://bench") as client,
        ):
            sponsor = await sign_up(client, tokens)
            schemes = []
            for _ in range(args.schemes):
                _fund, scheme = await sponsor.funded_scheme(client, max_awards=args.room)
                schemes.append(scheme)
            headers = service(tokens)
            gate = asyncio.Semaphore(args.callers)
            latencies: list[float] = []
            statuses: dict[int, int] = {}

            async def reserve(i: int) -> None:
                scheme = schemes[i % len(schemes)]
                async with gate:
                    began = time.perf_counter()
                    response = await client.post(
                        f"/v1/bursary-schemes/{scheme['id']}/reservations",
                        json={"key": f"bench-{i}"},
                        headers=headers,
                    )
                    latencies.append(time.perf_counter() - began)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

            began = time.perf_counter()
            await asyncio.gather(*(reserve(i) for i in range(args.requests)))
            elapsed = time.perf_counter() - began

            held = 0
            for scheme in schemes:
                read = await client.get(f"/v1/bursary-schemes/{scheme['id']}")
                balances = read.json()["balances"]
                assert balances["available_pence"] >= 0
                assert balances["awards_held"] <= args.room
                held += balances["awards_held"]
    latencies.sort()
    console.print(
        f"[bold]{args.backend}[/bold]: {args.requests} reservations over {args.schemes} "
        f"schemes (room {args.room} each), {args.callers} in flight"
    )
    console.print(f"  answers: {dict(sorted(statuses.items()))}; awards held {held}")
    console.print(f"  {args.requests / elapsed:.0f} requests/s in {elapsed:.2f} s")
    console.print(
        f"  latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--schemes", type=int, default=3)
    parser.add_argument("--room", type=int, default=150)
    parser.add_argument("--callers", type=int, default=50)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
