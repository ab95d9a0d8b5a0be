from applications.config import Settings
from applications.models import metadata
from servicekit.migrations import run_env

run_env(metadata, Settings().database_url)
