"""The partnerships service's command line: ``partnerships seed``, ``partnerships sweep``."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from partnerships.config import Settings
from partnerships.seed import seed as run_seed
from partnerships.sweeper import sweep_once
from servicekit.db import Database

app = typer.Typer(help="Partnerships service commands.", no_args_is_help=True)
console = Console()


@app.callback()
def main() -> None:
    """Partnerships service commands."""


@app.command()
def seed() -> None:
    """Load the demo story (idempotent: re-running updates the same rows, appends nothing twice)."""
    report = run_seed(Settings().database_url)
    console.print(
        f"[green]partnerships demo data[/green]: {report.employers} employers, "
        f"{report.partnerships} partnerships, {report.funds} funds "
        f"({report.ledger_entries} ledger entries), {report.schemes} bursary schemes, "
        f"{report.events} outreach events ({report.registrations} school registrations), "
        f"{report.opportunities} opportunities"
    )


@app.command()
def sweep() -> None:
    """Release every bursary reservation whose hold has expired (the service also does this)."""

    async def run() -> int:
        database = Database(Settings().database_url)
        try:
            return await sweep_once(database)
        finally:
            await database.dispose()

    console.print(f"released {asyncio.run(run())} expired reservation(s)")


if __name__ == "__main__":
    app()
