"""Prints how long a failed sign-in takes for a wrong password and for an unknown email.

Both verify one argon2id hash (a dummy one for unknown emails), so the two should be close.
Runs identity in-process on a throwaway SQLite database. Run from the repository root:
``.venv/bin/python services/identity/scripts/bench_login_timing.py [rounds]``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from identity.config import SERVICE_ROOT, Settings
from identity.main import build_app
from servicekit.migrations import upgrade

PASSWORD = "a long walk by the humber"


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(SERVICE_ROOT, url)
        settings = Settings(
            database_url=url,
            environment="test",
            login_account_free_failures=10_000,
            login_address_free_failures=10_000,
        )
        app = build_app(settings)
        async with LifespanManager(app):
            async with AsyncClient(transport=ASGITransport(app=app), base_url="http://b") as c:
                emails = [f"bench{i}@example.org" for i in range(rounds)]
                for email in emails:
                    await c.post(
                        "/v1/users",
                        json={"email": email, "display_name": "B", "password": PASSWORD},
                    )
                timings: dict[str, list[float]] = {"wrong password": [], "unknown email": []}
                for i, email in enumerate(emails):
                    for kind, username in (
                        ("wrong password", email),
                        ("unknown email", f"nobody{i}@example.org"),
                    ):
                        begin = time.perf_counter()
                        response = await c.post(
                            "/v1/token",
                            data={
                                "grant_type": "password",
                                "username": username,
                                "password": "not the password",
                            },
                        )
                        timings[kind].append((time.perf_counter() - begin) * 1000)
                        assert response.status_code == 400
    print(f"{rounds} failed sign-ins of each kind (ms):")  # noqa: T201
    for kind, values in timings.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1]
        print(  # noqa: T201
            f"  {kind:<15} median {statistics.median(values):6.1f}  p95 {p95:6.1f}"
            f"  min {values[0]:6.1f}  max {values[-1]:6.1f}"
        )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 40))
