"""Database schema commands."""

from __future__ import annotations

import typer

from kcrm.config import get_settings
from kcrm.core import migrate

app = typer.Typer(help="Database schema", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.db_url, revision)
    typer.echo(f"database at {revision}")


@app.command()
def check() -> None:
    """Fail if the models and the migrated schema differ."""
    migrate.check(get_settings().db_url)
    typer.echo("no drift")
