"""Start the platform's services as real processes (uvicorn) on free loopback ports, each with its
own fresh SQLite database, migrated and seeded exactly as ``make run`` does."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from servicekit.testing.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Start order: identity first (everyone verifies its tokens), the gateway last.
ORDER = ["identity", "catalogue", "partnerships", "applications", "gateway"]


def available_services() -> list[str]:
    return [s for s in ORDER if (ROOT / "services" / s / "src" / s / "main.py").exists()]


@dataclass
class Platform:
    workdir: Path
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
        jwks = f"{self.url('identity')}/v1/jwks.json"
        for service in self.ports:
            prefix = service.upper()
            if service != "gateway":
                env[f"{prefix}_DATABASE_URL"] = f"sqlite+aiosqlite:///{self.workdir / service}.db"
            env[f"{prefix}_JWT_JWKS_URL"] = jwks
            env[f"{prefix}_LOG_LEVEL"] = "WARNING"
            # Where each service finds the others (names as in each service's settings).
            for other in self.ports:
                env[f"{prefix}_{other.upper()}_URL"] = self.url(other)
        for missing in set(ORDER) - set(self.ports):
            env[f"GATEWAY_{missing.upper()}_URL"] = ""  # not built yet: the gateway leaves it out
        return env

    def run(self, *args: str) -> None:
        subprocess.run(args, cwd=ROOT, env=self.env(), check=True, capture_output=True)

    def start(self, services: list[str]) -> None:
        for service in services:
            self.ports[service] = free_port()
        for service in services:
            if (ROOT / "services" / service / "alembic.ini").exists():
                self.run(
                    str(BIN / "alembic"), "-c", f"services/{service}/alembic.ini", "upgrade", "head"
                )
        for service in services:
            if service != "gateway" and (BIN / service).exists():
                self.run(str(BIN / service), "seed")
        for service in services:
            log = (self.workdir / f"{service}.log").open("wb")
            self.processes[service] = subprocess.Popen(
                [
                    str(BIN / "uvicorn"),
                    f"{service}.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.ports[service]),
                    "--no-access-log",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        for service in services:
            self.wait_ready(service)

    def wait_ready(self, service: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        path = "/healthz" if service == "gateway" else "/readyz"
        while time.monotonic() < deadline:
            if self.processes[service].poll() is not None:
                raise RuntimeError(f"{service} exited: {self.log(service)}")
            try:
                if httpx.get(self.url(service) + path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{service} not ready in {timeout} s: {self.log(service)}")

    def log(self, service: str) -> str:
        return (self.workdir / f"{service}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
