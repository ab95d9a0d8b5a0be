from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table

from servicekit.migrations import pending_changes, upgrade
from servicekit.testing.databases import BACKENDS, temporary_database
from servicekit.testing.migrations import check_round_trip
from tests.sample.app import ROOT, metadata


@pytest.mark.parametrize("backend", BACKENDS)
def test_round_trip(backend: str, tmp_path: Path):
    with temporary_database(backend, "sample_mig", tmp_path) as url:
        check_round_trip(ROOT, url, metadata)


def test_a_model_without_migration_is_reported(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    upgrade(ROOT, url)
    drifted = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(drifted)
    Table("unmigrated", drifted, Column("id", Integer, primary_key=True))
    assert pending_changes(url, drifted) != []
