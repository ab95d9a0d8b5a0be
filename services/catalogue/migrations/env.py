from servicekit.migrations import run_env

from catalogue.config import Settings
from catalogue.models import metadata

run_env(metadata, Settings().database_url)
