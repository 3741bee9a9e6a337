"""Knowledge commands: ingest, reindex, index check, search."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer
from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from kcrm.assist.actions import warm as warm_contexts
from kcrm.cli.session import cli_session
from kcrm.config import get_settings
from kcrm.core.db import make_engine, make_session_factory
from kcrm.core.errors import KcrmError
from kcrm.knowledge import consistency
from kcrm.knowledge import service as knowledge_service
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from kcrm.knowledge.ingest import Ingestor
from kcrm.knowledge.loaders import Defaults
from kcrm.knowledge.sources import SOURCES, Source

index_app = typer.Typer(help="Knowledge index maintenance", no_args_is_help=True)
SHOWN = 20  # ids listed per drift kind; the counts are always complete


class StatusChoice(StrEnum):
    draft = "draft"
    in_review = "in_review"
    published = "published"
    retired = "retired"


class VisibilityChoice(StrEnum):
    public = "public"
    internal = "internal"


class SourceChoice(StrEnum):
    article = "article"
    resolution = "resolution"
    history = "history"


def _engine() -> KnowledgeEngine:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        # Models and indexes load on first use: a re-ingest often needs neither.
        return build_engine(settings, lazy=True)
    except ValueError as exc:  # an unknown embedder or index name
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


@contextmanager
def _session_factory() -> Iterator[sessionmaker[Session]]:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.db_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or directories to ingest"),
    status: StatusChoice = typer.Option(
        StatusChoice.published, help="Status for files that do not state one"
    ),
    visibility: VisibilityChoice = typer.Option(
        VisibilityChoice.internal, help="Visibility for files that do not state one"
    ),
    progress: bool = typer.Option(True, "--progress/--quiet", help="Show a progress bar"),
    pause: float = typer.Option(
        0.0, hidden=True, envvar="KCRM_INGEST_PAUSE", help="Seconds between files (crash tests)"
    ),
) -> None:
    """Load knowledge files into the database and the indexes (re-running is cheap)."""
    settings = get_settings()
    engine = _engine()
    defaults = Defaults(status=status.value, visibility=visibility.value)
    with _session_factory() as factory:
        ingestor = Ingestor(factory, engine, settings, defaults=defaults, pause=pause)
        report = ingestor.run(paths, progress=progress)
    typer.echo(
        f"{report.files} files, {report.documents} documents "
        f"({report.created} created, {report.updated} updated, {report.unchanged} unchanged); "
        f"{report.chunks} chunks, {report.embedded} embedded, {report.removed} removed "
        f"in {report.seconds:.1f}s"
    )
    for error in report.errors:
        typer.echo(f"error: {error}", err=True)
    if report.errors:
        raise typer.Exit(1)


def _sources(chosen: list[SourceChoice] | None) -> tuple[Source, ...]:
    if not chosen:
        return SOURCES
    return tuple(s for s in SOURCES if s in {c.value for c in chosen})


def _advance(bar: tqdm) -> Callable[[int], None]:  # type: ignore[type-arg]
    def update(done: int) -> None:
        bar.update(done)

    return update


def reindex(
    source: list[SourceChoice] = typer.Option(None, "--source", help="Only these sources"),
    full: bool = typer.Option(False, help="Drop the chunks first and embed everything again"),
) -> None:
    """Rebuild the indexes from the database (unchanged chunks keep their vectors)."""
    settings = get_settings()
    engine = _engine()
    sources = _sources(source)
    contexts: list[str] = []
    with cli_session(actor="reindex") as session, tqdm(unit="chunk", desc="reindex") as bar:
        report = consistency.reindex(
            session, engine, settings, sources=sources, full=full, progress=_advance(bar)
        )
        if "resolution" in sources:
            contexts = warm_contexts.step_contexts(session)
    warm_contexts.warm(engine, settings, contexts)
    typer.echo(
        f"reindexed {report.chunks} chunks: {report.embedded} embedded, "
        f"{report.removed} orphaned removed; {len(contexts)} step contexts in the cache"
    )


@index_app.command("check")
def check(
    source: list[SourceChoice] = typer.Option(None, "--source", help="Only these sources"),
) -> None:
    """Report drift between the database and the indexes; exit 1 if there is any."""
    settings = get_settings()
    engine = _engine()
    with cli_session(actor="index-check") as session:
        report = consistency.check(session, engine, settings, sources=_sources(source))
    stored = ", ".join(f"{name} {count}" for name, count in report.stored.items())
    typer.echo(f"expected {report.expected} chunks; stored: {stored}")
    for kind in ("missing", "stale", "orphaned"):
        ids: list[str] = getattr(report, kind)
        more = f" (first {SHOWN})" if len(ids) > SHOWN else ""
        typer.echo(f"{kind}: {len(ids)}{more}")
        for chunk_id in ids[:SHOWN]:
            typer.echo(f"  {chunk_id}")
    if report.clean:
        typer.echo("clean")
        return
    typer.echo("drift found; run `kcrm reindex` to repair", err=True)
    raise typer.Exit(1)


def search(
    query: str = typer.Argument(..., help="What to look for, in Chinese or English"),
    source: SourceChoice | None = typer.Option(None, help="Only this source"),
    customer: int | None = typer.Option(None, help="Customer id (needed for history)"),
    k: int = typer.Option(10, "-k", help="How many hits"),
) -> None:
    """Search the knowledge indexes, showing each hit's score and the index that found it."""
    engine = _engine()
    try:
        hits = knowledge_service.search(
            engine,
            query=query,
            source=source.value if source else None,
            customer_id=customer,
            k=k,
        )
    except KcrmError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    if not hits:
        typer.echo("no hits")
    for rank, hit in enumerate(hits, 1):
        found = "+".join(f"{e.index}#{e.rank}" for e in hit.found_by)
        title = hit.metadata.get("title", "")
        typer.echo(f"{rank:>2}. {hit.score:.3f}  [{found}]  {hit.id}  {title}")
        snippet = " ".join(hit.text.split())
        typer.echo(f"    {snippet[:160]}{'…' if len(snippet) > 160 else ''}")
