from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, model_validator

from servicekit.settings import ServiceSettings, service_config

SERVICE_ROOT = Path(__file__).resolve().parents[2]
# identity's demo client for this service (`identity seed`); public, so refused in production.
DEMO_CLIENT_SECRET = "demo-partnerships-service-secret"


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "partnerships"
    model_config = service_config("PARTNERSHIPS_")

    # Identity: where employer sign-up makes the signing-up user the employer's owner.
    identity_url: str = "http://127.0.0.1:8004"
    identity_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    client_id: str = "svc-partnerships"
    client_secret: str = DEMO_CLIENT_SECRET

    # A held bursary reservation that is neither awarded nor released in time is released.
    reservation_hold_seconds: int = Field(default=900, ge=1, le=7 * 24 * 3600)
    # How often the process sweeps expired reservations (0: only lazily, on read and reserve).
    sweep_interval_seconds: float = Field(default=60.0, ge=0)
    # SQLite only: how long a write waits for the database's one write lock before answering
    # 503. Money movements queue on that lock, so bursts wait rather than fail.
    sqlite_busy_timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    @property
    def token_url(self) -> str:
        return self.identity_url.rstrip("/") + "/v1/token"

    @model_validator(mode="after")
    def _no_demo_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.client_secret == DEMO_CLIENT_SECRET:
            raise ValueError(
                "PARTNERSHIPS_CLIENT_SECRET is the public demo secret; set this service's own "
                "client secret (identity create-service-client) in production"
            )
        return self
