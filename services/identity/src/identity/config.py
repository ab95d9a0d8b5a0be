"""Identity's settings, read from ``IDENTITY_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr

from servicekit.settings import ServiceSettings, service_config

SERVICE_ROOT = Path(__file__).resolve().parents[2]


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "identity"
    model_config = service_config("IDENTITY_")

    # The embedded database lives in the repository's data/ folder whatever the working folder
    # (`make migrate` runs Alembic from services/identity, `make run` serves from the root).
    data_dir: Path = SERVICE_ROOT.parents[1] / "data"

    # Identity verifies its own tokens against the keys in its database, never over HTTP.
    jwt_jwks_url: str | None = None

    access_token_ttl_seconds: int = Field(default=900, ge=60, le=3600)
    client_token_ttl_seconds: int = Field(default=900, ge=60, le=3600)
    refresh_token_ttl_seconds: int = Field(default=14 * 86400, ge=300)
    refresh_family_max_seconds: int = Field(default=30 * 86400, ge=300)
    invitation_ttl_seconds: int = Field(default=7 * 86400, ge=300)

    # Private signing keys are stored encrypted with this passphrase when it is set
    # (required in production). Keys never live in git.
    key_passphrase: SecretStr | None = None

    # argon2id cost, OWASP's first recommended configuration (19 MiB, 2 passes, 1 lane).
    argon2_memory_kib: int = Field(default=19456, ge=19456)
    argon2_time_cost: int = Field(default=2, ge=2)
    argon2_parallelism: int = Field(default=1, ge=1)

    # Login throttling: free failures, then locks that double (1 s, 2 s, 4 s ...) up to the cap.
    login_account_free_failures: int = Field(default=5, ge=1)
    login_address_free_failures: int = Field(default=20, ge=1)
    login_lock_base_seconds: int = Field(default=1, ge=1)
    login_lock_max_seconds: int = Field(default=900, ge=1)
    login_failure_window_seconds: int = Field(default=900, ge=1)
    # Behind the gateway: take the caller's address from the last X-Forwarded-For entry.
    trust_forwarded_for: bool = False

    # Production: the first network admin comes from here (or `identity create-admin`).
    bootstrap_admin_email: str | None = None
    bootstrap_admin_password: SecretStr | None = None
    bootstrap_admin_name: str = "Network administrator"
