"""docker-compose.yml and the Kubernetes manifests are validated here (no Docker engine or cluster
runs on this machine): they parse, render, and every setting they pass names a real setting of the
service it configures."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["identity", "catalogue", "partnerships", "applications", "gateway"]
COMMON_SETTINGS = {"ENVIRONMENT", "DATABASE_URL", "JWT_ISSUER", "JWT_JWKS_URL", "LOG_LEVEL"}


def settings_fields(service: str) -> set[str] | None:
    """Upper-case names of the service's settings, or None when the service is not built yet."""
    try:
        config = importlib.import_module(f"{service}.config")
    except ModuleNotFoundError:
        return None
    return {name.upper() for name in config.Settings.model_fields}


def check_env(service: str, keys: set[str]) -> None:
    fields = settings_fields(service)
    prefix = service.upper() + "_"
    for key in keys:
        assert key.startswith(prefix), f"{key} configures {service} without its prefix"
        if fields is not None:
            name = key.removeprefix(prefix)
            assert name in fields, f"{key}: {service} has no setting {name.lower()}"


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_services_build_real_services_with_real_settings():
    doc = compose()
    built = set()
    for name, spec in doc["services"].items():
        args = (spec.get("build") or {}).get("args") or {}
        if "SERVICE" in args:
            service = args["SERVICE"]
            assert (ROOT / "services" / service).is_dir(), f"{name} builds unknown {service}"
            built.add(service)
        image = spec.get("image", "")
        if image.startswith("iot-platform/"):
            service = image.removeprefix("iot-platform/")
            check_env(service, set((spec.get("environment") or {}).keys()))
    assert {"identity", "catalogue", "partnerships", "gateway"} <= built
    assert (ROOT / "infra/docker/Dockerfile").is_file()


def test_compose_requires_secrets_instead_of_defaulting_them():
    text = (ROOT / "docker-compose.yml").read_text()
    for secret in ("POSTGRES_PASSWORD", "IDENTITY_KEY_PASSPHRASE", "PARTNERSHIPS_CLIENT_SECRET"):
        assert re.search(r"\$\{" + secret + r":\?", text), f"{secret} must be required"
    assert "demo-" not in text


def test_every_database_of_compose_is_created():
    init = (ROOT / "infra/postgres/init.sql").read_text()
    urls = re.findall(r"@postgres:5432/(\w+)", (ROOT / "docker-compose.yml").read_text())
    for database in set(urls):
        assert f"CREATE DATABASE {database};" in init


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed: cannot render the kustomizations")
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(ROOT / "infra/k8s/platform")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


def test_kustomize_renders_every_service(manifests: list[dict[str, Any]]):
    kinds: dict[str, set[str]] = {}
    for doc in manifests:
        kinds.setdefault(doc["kind"], set()).add(doc["metadata"]["name"])
    for service in SERVICES:
        assert f"{service}-app" in kinds["Deployment"]
        assert f"{service}-app" in kinds["Service"]
        assert f"{service}-app" in kinds["HorizontalPodAutoscaler"]
    for service in ("identity", "catalogue", "partnerships", "applications"):
        assert f"{service}-migrate" in kinds["Job"]


def test_deployments_are_probed_limited_and_unprivileged(manifests: list[dict[str, Any]]):
    for doc in manifests:
        if doc["kind"] != "Deployment":
            continue
        pod = doc["spec"]["template"]["spec"]
        container = pod["containers"][0]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["readinessProbe"]["httpGet"]["path"] in {"/readyz", "/healthz"}
        assert "memory" in container["resources"]["limits"]
        secret = container["envFrom"][1]["secretRef"]["name"]
        assert secret == doc["metadata"]["name"].removesuffix("-app") + "-secrets"


def test_configmaps_name_real_settings(manifests: list[dict[str, Any]]):
    for doc in manifests:
        if doc["kind"] == "ConfigMap":
            service = doc["metadata"]["name"].split("-config")[0]
            check_env(service, set(doc["data"]))
