"""Settings every service shares. Each service subclasses ``ServiceSettings`` with its own prefix.

Example::

    class Settings(ServiceSettings):
        service_name: ClassVar[str] = "catalogue"
        model_config = service_config("CATALOGUE_")

reads ``CATALOGUE_DATABASE_URL``, ``CATALOGUE_JWT_ISSUER`` and so on. With no database URL the
service uses the embedded default: a SQLite file under the git-ignored ``data/`` folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def service_config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, extra="ignore")


class ServiceSettings(BaseSettings):
    """Fields common to every service; subclasses set ``model_config = service_config(...)``."""

    service_name: ClassVar[str] = "service"

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = ""
    data_dir: Path = Path("data")
    log_level: str = "INFO"
    # Token verification: identity's JWKS URL or a PEM public key, never a shared secret.
    jwt_jwks_url: str | None = "http://127.0.0.1:8004/v1/jwks.json"
    jwt_public_key_pem: str | None = None
    jwt_issuer: str = "http://127.0.0.1:8004"
    jwt_audience: str = "iot-platform"
    jwt_leeway_seconds: int = 30

    @model_validator(mode="after")
    def _embedded_database_default(self) -> ServiceSettings:
        if not self.database_url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path = (self.data_dir / f"{self.service_name}.db").resolve()
            self.database_url = f"sqlite+aiosqlite:///{path}"
        return self
