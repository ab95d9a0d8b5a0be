from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, model_validator

from servicekit.settings import ServiceSettings, service_config

SERVICE_ROOT = Path(__file__).resolve().parents[2]
# identity's demo client for this service (`identity seed`); public, so refused in production.
DEMO_CLIENT_SECRET = "demo-applications-service-secret"


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "applications"
    model_config = service_config("APPLICATIONS_")

    # The services this one calls, and how it signs in to them (client credentials at identity).
    catalogue_url: str = "http://127.0.0.1:8001"
    partnerships_url: str = "http://127.0.0.1:8002"
    identity_url: str = "http://127.0.0.1:8004"
    client_id: str = "svc-applications"
    client_secret: str = DEMO_CLIENT_SECRET

    # One call to another service, retries included, answers within this many seconds; a
    # request that makes several calls has `dependency_budget_seconds` for all of them, so a
    # learner hears "unavailable" (503) within 2 seconds when a dependency is down or slow.
    dependency_timeout_seconds: float = Field(default=1.5, gt=0, le=30)
    dependency_budget_seconds: float = Field(default=1.8, gt=0, le=60)
    dependency_retries: int = Field(default=2, ge=0, le=5)
    # A dependency's circuit opens after this many failures in a row and lets one trial call
    # through after `breaker_reset_seconds`.
    breaker_threshold: int = Field(default=5, ge=1, le=100)
    breaker_reset_seconds: float = Field(default=10.0, gt=0, le=600)

    # Award recovery: an award still in flight this long after its last step is finished (when
    # partnerships already confirmed it) or released; the process sweeps every
    # `recover_interval_seconds` (0: only `applications recover`).
    award_stale_seconds: float = Field(default=120.0, ge=0, le=7 * 24 * 3600)
    recover_interval_seconds: float = Field(default=60.0, ge=0, le=24 * 3600)

    @property
    def token_url(self) -> str:
        return self.identity_url.rstrip("/") + "/v1/token"

    @model_validator(mode="after")
    def _no_demo_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.client_secret == DEMO_CLIENT_SECRET:
            raise ValueError(
                "APPLICATIONS_CLIENT_SECRET is the public demo secret; set this service's own "
                "client secret (identity create-service-client) in production"
            )
        return self
