from catalogue.config import Settings
from catalogue.models import metadata
from servicekit.migrations import run_env

run_env(metadata, Settings().database_url)
