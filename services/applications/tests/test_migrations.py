from __future__ import annotations

from pathlib import Path

import pytest

from applications.config import SERVICE_ROOT
from applications.models import metadata
from servicekit.testing.databases import BACKENDS, temporary_database
from servicekit.testing.migrations import check_round_trip


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_downgrade_upgrade_without_pending_changes(backend: str, tmp_path: Path):
    with temporary_database(backend, "applications_mig", tmp_path) as url:
        check_round_trip(SERVICE_ROOT, url, metadata)
