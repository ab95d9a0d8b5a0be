"""Alembic plumbing shared by every service: env.py is three lines; tests and ``/readyz`` use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, pool
from sqlalchemy.ext.asyncio import AsyncEngine

from servicekit.db import UTCDateTime, sync_url


def _render_item(type_: str, obj: Any, _autogen_context: Any) -> str | Literal[False]:
    """Migrations use plain SQLAlchemy types, never servicekit's, so old revisions never break."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def alembic_config(service_root: Path, database_url: str) -> Config:
    """An Alembic config for the service whose folder holds ``alembic.ini`` and ``migrations/``."""
    cfg = Config(str(service_root / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_root / "migrations"))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(service_root: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service_root, database_url), revision)


def downgrade(service_root: Path, database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(service_root, database_url), revision)


def run_env(target_metadata: MetaData, default_url: str) -> None:
    """The body of a service's ``migrations/env.py`` (online mode, synchronous driver)."""
    cfg = context.config
    url = sync_url(cfg.attributes.get("database_url") or default_url)
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        if url.startswith("sqlite"):
            # Batch migrations copy tables; foreign keys are checked again once they are done.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            render_item=_render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def head_revisions(service_root: Path) -> set[str]:
    cfg = alembic_config(service_root, "")
    return set(ScriptDirectory.from_config(cfg).get_heads())


async def current_revisions(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        heads = await conn.run_sync(
            lambda sync_conn: MigrationContext.configure(sync_conn).get_current_heads()
        )
    return set(heads)


def pending_changes(database_url: str, target_metadata: MetaData) -> list[Any]:
    """What autogenerate would still write: empty when the models match the migrations."""
    from alembic.autogenerate import compare_metadata

    engine = create_engine(sync_url(database_url), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            return list(compare_metadata(context, target_metadata))
    finally:
        engine.dispose()
