from identity.config import Settings
from identity.models import metadata
from servicekit.migrations import run_env

run_env(metadata, Settings().database_url)
