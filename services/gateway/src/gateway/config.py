"""The gateway's settings: ``GATEWAY_*`` environment variables.

Upstream services are one URL each (``GATEWAY_CATALOGUE_URL`` and so on); an empty URL switches a
service off, so it is neither routed nor checked nor merged into the OpenAPI document.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, field_validator, model_validator

from servicekit.settings import ServiceSettings, service_config

SERVICE_ROOT = Path(__file__).resolve().parents[2]
REPO_ROOT = SERVICE_ROOT.parents[1]

# The order here is the order of the merged OpenAPI document and of /healthz.
SERVICE_NAMES = ("catalogue", "partnerships", "applications", "identity")


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "gateway"
    model_config = service_config("GATEWAY_")

    # The gateway has no database; the inherited field stays unused.
    database_url: str = "unused"

    catalogue_url: str = "http://127.0.0.1:8001"
    partnerships_url: str = "http://127.0.0.1:8002"
    applications_url: str = "http://127.0.0.1:8003"
    identity_url: str = "http://127.0.0.1:8004"

    # Upstream calls: a refused connection answers 503 at once; no answer in time answers 504.
    connect_timeout_seconds: float = Field(default=2.0, gt=0)
    read_timeout_seconds: float = Field(default=30.0, gt=0)
    upstream_max_connections: int = Field(default=512, ge=1)
    # Below uvicorn's 5 s keep-alive, so an idle pooled connection is dropped here first.
    upstream_keepalive_seconds: float = Field(default=4.0, gt=0)

    max_body_bytes: int = Field(default=1024 * 1024, ge=0)

    # Rate limits (the `limits` package's notation). In memory unless a Redis URL is set, in which
    # case every gateway replica shares them.
    redis_url: str | None = None
    rate_limit_enabled: bool = True
    rate_limit_anonymous: str = "600/minute"
    rate_limit_authenticated: str = "1200/minute"
    rate_limit_token: str = "20/minute"
    rate_limit_key_prefix: str = "gateway"
    token_path: str = "/api/identity/v1/token"

    # Browser safety.
    cors_origins: list[str] = ["http://127.0.0.1:5173", "http://localhost:5173"]
    content_security_policy: str = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    api_content_security_policy: str = "default-src 'none'; frame-ancestors 'none'"
    hsts_seconds: int = 63072000

    # The merged OpenAPI document is rebuilt at most this often.
    openapi_cache_seconds: float = 5.0
    health_timeout_seconds: float = 2.0

    spa_dir: Path = REPO_ROOT / "frontend" / "dist"

    @field_validator("catalogue_url", "partnerships_url", "applications_url", "identity_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _jwks_from_identity(self) -> Settings:
        # Unless set on its own, the JWKS is identity's, wherever identity is.
        if "jwt_jwks_url" not in self.model_fields_set and self.identity_url:
            self.jwt_jwks_url = f"{self.identity_url}/v1/jwks.json"
        return self

    @property
    def services(self) -> dict[str, str]:
        """Every routed service and its base URL, in a stable order."""
        urls = {name: getattr(self, f"{name}_url") for name in SERVICE_NAMES}
        return {name: url for name, url in urls.items() if url}
