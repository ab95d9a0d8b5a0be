from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field

from servicekit.settings import ServiceSettings, service_config

SERVICE_ROOT = Path(__file__).resolve().parents[2]


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "catalogue"
    model_config = service_config("CATALOGUE_")

    # How often each process reads the change log, so other processes' writes reach its search
    # index (its own writes are in the index before their answers leave).
    search_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # How long change-log rows are kept (a process that was away longer rebuilds at start-up).
    search_change_retention_hours: float = Field(default=24.0, gt=0)
