"""``make run``'s supervisor, as real processes: the real catalogue and gateway, one SIGINT."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate

from gateway.config import REPO_ROOT
from gateway.devrun import PORTS, Service, discover, environment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def touch_service(root: Path, name: str) -> None:
    package = root / "services" / name / "src" / name
    package.mkdir(parents=True)
    (package / "main.py").write_text("app = None\n")


class TestDiscovery:
    def test_services_join_when_their_package_exists(self, tmp_path: Path) -> None:
        touch_service(tmp_path, "gateway")
        touch_service(tmp_path, "catalogue")
        (tmp_path / "services" / "identity").mkdir()  # started, no app yet
        assert [s.name for s in discover(tmp_path)] == ["catalogue", "gateway"]
        touch_service(tmp_path, "partnerships")
        touch_service(tmp_path, "identity")
        found = discover(tmp_path)
        assert [s.name for s in found] == ["catalogue", "identity", "partnerships", "gateway"]
        assert {s.name: s.port for s in found} == {
            "catalogue": 8001,
            "identity": 8004,
            "partnerships": 8002,
            "gateway": 8000,
        }
        assert discover(tmp_path, {"catalogue": 9101})[0].port == 9101

    def test_the_gateway_is_told_which_services_run(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for name in ("GATEWAY_CATALOGUE_URL", "GATEWAY_IDENTITY_URL", "GATEWAY_PARTNERSHIPS_URL"):
            monkeypatch.delenv(name, raising=False)
        services = [Service("catalogue", 9101), Service("gateway", 9100)]
        env = environment(services[1], services, tmp_path, "127.0.0.1")
        assert env["GATEWAY_CATALOGUE_URL"] == "http://127.0.0.1:9101"
        assert env["GATEWAY_IDENTITY_URL"] == ""  # not in the workspace yet: not routed
        assert env["GATEWAY_DATA_DIR"] == str(tmp_path / "data")
        assert set(PORTS) >= {"catalogue", "partnerships", "applications", "identity", "gateway"}

    def test_services_check_tokens_against_identity_wherever_it_runs(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("CATALOGUE_JWT_JWKS_URL", raising=False)
        monkeypatch.delenv("GATEWAY_IDENTITY_URL", raising=False)
        services = [Service("catalogue", 9101), Service("identity", 9104), Service("gateway", 9100)]
        catalogue = environment(services[0], services, tmp_path, "127.0.0.1")
        assert catalogue["CATALOGUE_JWT_JWKS_URL"] == "http://127.0.0.1:9104/v1/jwks.json"
        gateway = environment(services[2], services, tmp_path, "127.0.0.1")
        assert gateway["GATEWAY_IDENTITY_URL"] == "http://127.0.0.1:9104"
        # Without identity in the workspace, the services keep their own setting.
        alone = environment(services[0], services[:1], tmp_path, "127.0.0.1")
        assert "CATALOGUE_JWT_JWKS_URL" not in alone


@pytest.fixture
def catalogue_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A migrated SQLite database for the real catalogue, through its own Alembic."""
    env = {
        **os.environ,
        "CATALOGUE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'catalogue.db'}",
        "CATALOGUE_DATA_DIR": str(tmp_path),
        "CATALOGUE_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=REPO_ROOT / "services" / "catalogue",
        env=env,
        check=True,
        capture_output=True,
    )
    return env


def wait_until_healthy(url: str, deadline: float) -> httpx.Response:
    """The gateway's /healthz once 200: the processes start together, each at its own pace."""
    while True:
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200 or time.monotonic() > deadline:
                return response
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGHUP], ids=["ctrl-c", "terminal closed"])
def test_make_run_serves_the_catalogue_through_the_gateway_and_one_signal_stops_all(
    catalogue_database: dict[str, str], stop: signal.Signals
) -> None:
    gateway_port, catalogue_port = free_port(), free_port()
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gateway.devrun",
            "--only",
            "catalogue",
            "--only",
            "gateway",
            "--port",
            f"catalogue={catalogue_port}",
            "--port",
            f"gateway={gateway_port}",
        ],
        env={**catalogue_database, "GATEWAY_LOG_LEVEL": "INFO"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        gateway = f"http://127.0.0.1:{gateway_port}"
        health = wait_until_healthy(f"{gateway}/healthz", deadline)
        assert health.status_code == 200, health.text
        services = health.json()["services"]
        assert set(services) == {"catalogue"}
        assert services["catalogue"]["status"] == "ready"
        assert services["catalogue"]["checks"]["database"] == "ok"
        courses = httpx.get(f"{gateway}/api/catalogue/v1/courses", timeout=5)
        assert courses.status_code == 200, courses.text
        assert courses.json()["items"] == []
        merged = httpx.get(f"{gateway}/openapi.json", timeout=5).json()
        validate(merged)
        own = httpx.get(f"http://127.0.0.1:{catalogue_port}/openapi.json", timeout=5).json()
        assert {f"/api/catalogue{p}" for p in own["paths"]} <= set(merged["paths"])
        children = [
            int(pid)
            for pid in subprocess.check_output(["pgrep", "-P", str(supervisor.pid)]).split()
        ]
        assert len(children) == 2
    finally:
        supervisor.send_signal(stop)
        output, _ = supervisor.communicate(timeout=30)
    assert supervisor.returncode == 0
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    lines = output.decode().splitlines()
    assert any(line.startswith("catalogue ") and "|" in line for line in lines)
    assert any(line.startswith("gateway ") and "|" in line for line in lines)
    assert any("stopping every service" in line for line in lines)
    assert lines[-1].endswith("every service stopped")
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{catalogue_port}/healthz", timeout=1)


def test_when_one_service_dies_the_others_are_stopped_too(
    catalogue_database: dict[str, str],
) -> None:
    catalogue_port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy_port = taken.getsockname()[1]  # the gateway cannot bind here and exits
        supervisor = subprocess.run(
            [
                sys.executable,
                "-m",
                "gateway.devrun",
                "--only",
                "catalogue",
                "--only",
                "gateway",
                "--port",
                f"catalogue={catalogue_port}",
                "--port",
                f"gateway={busy_port}",
            ],
            env=catalogue_database,
            capture_output=True,
            timeout=60,
        )
    assert supervisor.returncode != 0
    output = supervisor.stdout.decode()
    assert "gateway stopped by itself" in output
    assert output.splitlines()[-1].endswith("every service stopped")
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{catalogue_port}/healthz", timeout=1)
