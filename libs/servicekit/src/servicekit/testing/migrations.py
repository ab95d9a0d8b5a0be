"""The migration checks every service runs on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, create_engine, inspect

from servicekit.db import sync_url
from servicekit.migrations import downgrade, pending_changes, upgrade


def _tables(url: str) -> set[str]:
    engine = create_engine(sync_url(url))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def check_round_trip(service_root: Path, url: str, metadata: MetaData) -> None:
    """Upgrade to head, downgrade to base, upgrade again; the models match the migrations."""
    upgrade(service_root, url)
    assert _tables(url) == set(metadata.tables), "head does not create every model's table"
    assert pending_changes(url, metadata) == [], "models differ from migrations"
    downgrade(service_root, url, "base")
    assert _tables(url) == set(), "downgrade to base left tables behind"
    upgrade(service_root, url)
    assert pending_changes(url, metadata) == []
