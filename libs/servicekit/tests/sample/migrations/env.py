from servicekit.migrations import run_env
from tests.sample.app import metadata

run_env(metadata, "sqlite:///:memory:")
