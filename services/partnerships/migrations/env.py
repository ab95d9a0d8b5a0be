from partnerships.config import Settings
from partnerships.models import metadata
from servicekit.migrations import run_env

run_env(metadata, Settings().database_url)
