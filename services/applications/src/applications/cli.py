"""The applications service's command line: ``applications seed`` and ``applications recover``."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from applications.bursary.award import Awarder, RecoveryReport
from applications.config import Settings
from applications.dependencies import Dependencies
from applications.seed import SeedError
from applications.seed import seed as run_seed
from servicekit.db import Database

app = typer.Typer(help="Applications service commands.", no_args_is_help=True)
console = Console()


@app.callback()
def main() -> None:
    """Applications service commands."""


@app.command()
def seed() -> None:
    """Load the demo learner's profile, a submitted application and a bursary application
    (idempotent; never in production). Asks identity, the catalogue and partnerships over HTTP,
    starting any that is not running for as long as it needs it."""
    try:
        report = run_seed(Settings())
    except SeedError as exc:
        console.print(f"[red]applications seed: {exc}[/red]")
        raise typer.Exit(2) from None
    made = "made" if report.created_application else "already there"
    console.print(
        f"[green]applications demo data[/green]: learner {report.learner_id}, application "
        f"{report.application_id} ({made}) to '{report.course_title}' starting "
        f"{report.start_date.isoformat()}"
    )
    if report.bursary_id is not None:
        made = "made" if report.created_bursary else "already there"
        console.print(
            f"  bursary application {report.bursary_id}: {report.bursary_status} ({made})"
        )
    if report.note:
        console.print(f"  [yellow]{report.note}[/yellow]")


async def _recover(settings: Settings, older_than: float) -> RecoveryReport:
    database = Database(settings.database_url)
    dependencies = Dependencies.create(settings, None)
    try:
        return await Awarder(database, dependencies.partnerships, settings).recover(older_than)
    finally:
        await dependencies.close()
        await database.dispose()


@app.command()
def recover(
    older_than: float = typer.Option(
        None,
        min=0,
        help="Settle awards in flight for at least this many seconds "
        "(default: APPLICATIONS_AWARD_STALE_SECONDS)",
    ),
) -> None:
    """Settle bursary awards left in flight: record those partnerships confirmed, release the
    rest. Exits 1 when partnerships could not be reached for some (run it again later)."""
    settings = Settings()
    report = asyncio.run(
        _recover(settings, settings.award_stale_seconds if older_than is None else older_than)
    )
    print(f"completed {report.completed}, released {report.released}, left {report.left}")
    for failure in report.failures:
        print(f"  left: {failure}")
    if report.left:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
