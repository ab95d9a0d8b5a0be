"""The catalogue's command line."""

from __future__ import annotations

import typer

from catalogue import seed_large

app = typer.Typer(help="Catalogue service commands.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Catalogue service commands."""


app.command("seed-large")(seed_large.command)

if __name__ == "__main__":
    app()
