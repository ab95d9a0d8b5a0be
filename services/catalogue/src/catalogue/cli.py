"""The catalogue's command line: ``catalogue seed`` and ``catalogue seed-large``."""

from __future__ import annotations

import typer
from rich.console import Console

from catalogue import seed_large
from catalogue.config import Settings
from catalogue.seed import seed as run_seed

app = typer.Typer(help="Catalogue service commands.", no_args_is_help=True)
console = Console()


@app.callback()
def main() -> None:
    """Catalogue service commands."""


@app.command()
def seed() -> None:
    """Load the demo catalogue (idempotent: re-running updates the same rows)."""
    settings = Settings()
    report = run_seed(settings.database_url)
    console.print(
        f"[green]catalogue demo data[/green]: {report.regions} regions, "
        f"{report.sectors} sectors, {report.institutes} institutes, {report.providers} "
        f"providers, {report.campuses} campuses, {report.courses} courses, "
        f"{report.intakes} intakes"
    )


app.command("seed-large")(seed_large.command)


if __name__ == "__main__":
    app()
