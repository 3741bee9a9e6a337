"""Top-level commands: serve, demo, db, users; domains add their own sub-apps."""

from __future__ import annotations

import typer
import uvicorn

from kcrm.cli import db, imports, knowledge, users
from kcrm.cli import eval as eval_cli
from kcrm.config import get_settings

app = typer.Typer(help="kcrm: knowledge-assisted CRM", no_args_is_help=True)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(eval_cli.app, name="eval")
app.command("import")(imports.import_file)
app.add_typer(knowledge.index_app, name="index")
app.command()(knowledge.ingest)
app.command()(knowledge.reindex)
app.command()(knowledge.search)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="Port to listen on"),
    workers: int = typer.Option(1, help="Worker processes (stateless; needs a server DB)"),
) -> None:
    """Serve the API and console on the configured database."""
    get_settings().require_real_secret()
    uvicorn.run("kcrm.api.app:create_app", factory=True, host=host, port=port, workers=workers)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="Port to listen on"),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve after loading"),
) -> None:
    """Migrate, load the demo company's data (once) and serve it."""
    from kcrm.core.migrate import upgrade
    from kcrm.demo import load_demo

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)
    summary = load_demo(settings)
    typer.echo(summary)
    if serve_after:
        typer.echo(f"kcrm demo on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
        uvicorn.run("kcrm.api.app:create_app", factory=True, host=host, port=port)
