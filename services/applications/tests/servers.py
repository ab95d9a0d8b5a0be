"""Real servers for tests, that a test can really stop and start again on the same port.

- ``ThreadServer``: an ASGI app (a test double, a fault proxy) under uvicorn in a thread.
- ``ServiceProcess``: another platform service (the catalogue, identity, partnerships) as its own
  process, ``uvicorn <name>.main:app``, migrated, with its own database. Nothing of it is
  imported here: services never import each other.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

BIN = Path(sys.executable).parent
SERVICES = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, alive: Any = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if (alive is not None and not alive()) or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start")
        time.sleep(0.1)


class ThreadServer:
    def __init__(self, app: Any, port: int | None = None) -> None:
        self.app = app
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ThreadServer:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"test server on port {self.port} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None


class ServiceProcess:
    """``uvicorn <name>.main:app`` on a port of its own, with ``env`` (its settings)."""

    def __init__(self, name: str, env: dict[str, str], port: int | None = None) -> None:
        self.name = name
        self.env = {**os.environ, **env}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = SERVICES / name
        self.process: subprocess.Popen[bytes] | None = None

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """A command of the service (``alembic upgrade head``, ``identity seed``) in its folder."""
        return subprocess.run(
            [str(BIN / command[0]), *command[1:]],
            cwd=self.root,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )

    def start(self) -> ServiceProcess:
        self.process = subprocess.Popen(
            [
                str(BIN / "uvicorn"),
                f"{self.name}.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        process = self.process
        wait_until_up(self.url, alive=lambda: process.poll() is None)
        return self

    def stop(self) -> None:
        """Really stop it: afterwards nothing listens on its port."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
