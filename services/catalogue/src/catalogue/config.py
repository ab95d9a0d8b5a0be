from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from servicekit.settings import ServiceSettings, service_config

SERVICE_ROOT = Path(__file__).resolve().parents[2]


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "catalogue"
    model_config = service_config("CATALOGUE_")
