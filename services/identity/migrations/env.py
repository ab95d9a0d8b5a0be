from servicekit.migrations import run_env

from identity.config import Settings
from identity.models import metadata

run_env(metadata, Settings().database_url)
