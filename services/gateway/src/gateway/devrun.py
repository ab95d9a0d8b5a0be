"""``make run``'s supervisor: every service of the workspace, and one Ctrl-C stops them all.

A service takes part when its package exists (``services/<name>/src/<name>/main.py``), so services
join as they land, with no change here. Each runs as ``uvicorn <name>.main:app`` with uvloop,
httptools and no access log (it costs about 30% of throughput), its log lines prefixed with its
name. The gateway is told which services exist; the others' routes answer 404 until they do.

If one service stops by itself, the others are stopped too and the exit status says so: a platform
with a hole in it is not left running unnoticed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from gateway.config import REPO_ROOT, SERVICE_NAMES

# The platform's ports; the gateway starts last, once the services it fronts are starting.
PORTS = {
    "catalogue": 8001,
    "partnerships": 8002,
    "applications": 8003,
    "identity": 8004,
    "gateway": 8000,
}
START_ORDER = ("catalogue", "identity", "partnerships", "applications", "gateway")
STOP_SECONDS = 10.0
COLOURS = ("36", "33", "35", "32", "34", "31")


@dataclass(frozen=True)
class Service:
    name: str
    port: int

    @property
    def app(self) -> str:
        return f"{self.name}.main:app"


def discover(root: Path, ports: dict[str, int] | None = None) -> list[Service]:
    """The services whose package exists under ``root``, in start order."""
    ports = {**PORTS, **(ports or {})}
    found = []
    for name in START_ORDER:
        if (root / "services" / name / "src" / name / "main.py").is_file():
            found.append(Service(name, ports[name]))
    return found


def environment(
    service: Service, services: Sequence[Service], root: Path, host: str
) -> dict[str, str]:
    """The child's environment: ours, plus defaults that make the services find each other."""
    env = dict(os.environ)
    prefix = service.name.upper()
    # Every service keeps its SQLite file under the repository's data/ (as `make migrate` does).
    env.setdefault(f"{prefix}_DATA_DIR", str(root / "data"))
    env.setdefault("PYTHONUNBUFFERED", "1")
    running = {s.name: s for s in services}
    if "identity" in running and service.name not in ("identity", "gateway"):
        # Tokens are checked against identity's keys wherever it runs (the gateway derives
        # this from its identity URL).
        jwks = f"http://{host}:{running['identity'].port}/v1/jwks.json"
        env.setdefault(f"{prefix}_JWT_JWKS_URL", jwks)
    if service.name == "gateway":
        for name in SERVICE_NAMES:
            url = f"http://{host}:{running[name].port}" if name in running else ""
            env.setdefault(f"GATEWAY_{name.upper()}_URL", url)
    return env


def command(service: Service, host: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        service.app,
        "--host",
        host,
        "--port",
        str(service.port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
    ]


class Supervisor:
    def __init__(
        self, services: Sequence[Service], *, root: Path, host: str, out: IO[str] = sys.stdout
    ) -> None:
        self.services = list(services)
        self.root = root
        self.host = host
        self.out = out
        self.width = max((len(s.name) for s in services), default=0)
        self.colour = out.isatty()
        self.lock = threading.Lock()
        self.children: list[tuple[Service, subprocess.Popen[bytes]]] = []
        self.pumps: list[threading.Thread] = []
        self.stopping = threading.Event()

    def say(self, name: str, line: str, index: int = -1) -> None:
        label = f"{name:<{self.width}} |"
        if self.colour and index >= 0:
            label = f"\033[{COLOURS[index % len(COLOURS)]}m{label}\033[0m"
        with self.lock:
            self.out.write(f"{label} {line}\n")
            self.out.flush()

    def _pump(self, index: int, service: Service, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self.say(service.name, raw.decode(errors="replace").rstrip("\r\n"), index)
        stream.close()

    def start(self) -> None:
        for index, service in enumerate(self.services):
            child = subprocess.Popen(
                command(service, self.host),
                cwd=self.root,
                env=environment(service, self.services, self.root, self.host),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                # Its own process group: the terminal's Ctrl-C comes to us, and we stop each
                # service in order rather than all of them racing.
                start_new_session=True,
            )
            assert child.stdout is not None
            pump = threading.Thread(
                target=self._pump, args=(index, service, child.stdout), daemon=True
            )
            pump.start()
            self.children.append((service, child))
            self.pumps.append(pump)
            url = f"http://{self.host}:{service.port}"
            self.say("run", f"{service.name} on {url} (pid {child.pid})")

    def wait(self) -> int:
        """Until a signal asks us to stop (0) or a service stops by itself (its status, or 1)."""
        while not self.stopping.is_set():
            for service, child in self.children:
                code = child.poll()
                if code is not None:
                    self.say("run", f"{service.name} stopped by itself (status {code})")
                    return code or 1
            self.stopping.wait(0.2)
        return 0

    def stop(self) -> None:
        self.stopping.set()
        for _, child in reversed(self.children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for service, child in reversed(self.children):
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say("run", f"{service.name} did not stop in {STOP_SECONDS:g} s: killed")
                child.kill()
                child.wait()
        for pump in self.pumps:
            pump.join(timeout=2)

    def run(self) -> int:
        def on_signal(signum: int, _frame: object) -> None:
            self.say("run", f"{signal.Signals(signum).name}: stopping every service")
            self.stopping.set()

        # The services run in sessions of their own (so Ctrl-C stops them in order, through us),
        # so a closed terminal (SIGHUP) must stop them through us too.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, on_signal)
        try:
            self.start()
            gateway = next((s for s in self.services if s.name == "gateway"), None)
            if gateway is not None:
                url = f"http://{self.host}:{gateway.port}"
                self.say("run", f"the platform: {url} (Ctrl-C stops it)")
            status = self.wait()
        finally:
            self.stop()
        self.say("run", "every service stopped")
        return status


def parse_ports(values: Sequence[str]) -> dict[str, int]:
    ports = {}
    for value in values:
        name, _, port = value.partition("=")
        if name not in PORTS or not port.isdigit():
            raise SystemExit(f"--port takes NAME=PORT with NAME one of {', '.join(PORTS)}")
        ports[name] = int(port)
    return ports


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.devrun", description=__doc__)
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="the repository's folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", action="append", default=[], metavar="NAME=PORT", help="another port"
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="start only these"
    )
    args = parser.parse_args(argv)
    services = discover(args.root, parse_ports(args.port))
    if args.only:
        services = [s for s in services if s.name in args.only]
    if not services:
        sys.stderr.write(f"no service found under {args.root / 'services'}\n")
        return 1
    return Supervisor(services, root=args.root, host=args.host).run()


if __name__ == "__main__":
    sys.exit(main())
