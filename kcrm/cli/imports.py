"""`kcrm import customers|products|orders FILE`: the ERP sync from the command line."""

from __future__ import annotations

from pathlib import Path

import typer
from tqdm import tqdm

from kcrm.cli.session import cli_session
from kcrm.core.errors import KcrmError
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.exceptions import ImportConflict, ImportFailed
from kcrm.crm.imports.parsers import format_for
from kcrm.crm.imports.schemas import ImportFormat, ImportKind, ImportReport

SHOWN_ERRORS = 20


def _print_report(report: ImportReport) -> None:
    typer.echo(
        f"{report.kind.value}: {report.total} rows, {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged"
    )
    for error in report.errors[:SHOWN_ERRORS]:
        field = f" {error.field}" if error.field else ""
        typer.echo(f"  row {error.row}{field}: {error.reason}", err=True)
    hidden = report.error_count + report.conflicts - min(len(report.errors), SHOWN_ERRORS)
    if hidden > 0:
        typer.echo(f"  ... and {hidden} more", err=True)


def import_file(
    kind: ImportKind = typer.Argument(..., help="What the file holds"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    fmt: ImportFormat | None = typer.Option(
        None, "--format", help="csv, json or xml (default: from the file extension)"
    ),
    upsert: bool = typer.Option(False, "--upsert", help="Update records that already exist"),
) -> None:
    """Import customers, products or orders from an ERP export (all rows or none)."""
    try:
        fmt = fmt or format_for(file.name)
        with (
            cli_session(actor="cli:import") as session,
            file.open("rb") as stream,
            tqdm(unit=" rows", desc=f"import {kind.value}", disable=None) as bar,
        ):
            report = import_service.run(
                session,
                kind=kind,
                stream=stream,
                fmt=fmt,
                upsert=upsert,
                source=file.name,
                progress=bar.update,
            )
    except (ImportFailed, ImportConflict) as exc:
        typer.echo(exc.message, err=True)
        _print_report(exc.report)
        raise typer.Exit(1) from exc
    except KcrmError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    _print_report(report)
