"""Ingestion: files → articles in SQL (one unit of work per article) → chunks in the indexes.

SQL is written first and committed per article; the indexes follow in batches. A crash in
between leaves SQL ahead of the indexes, which `kcrm index check` reports and `kcrm reindex`
(or running the same ingest again) repairs: indexing is idempotent by content hash.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from kcrm.config import Settings
from kcrm.core.db import unit_of_work
from kcrm.knowledge import sources
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.exceptions import DocumentError
from kcrm.knowledge.loaders import Defaults, SourceDocument, iter_files, load_file
from kcrm.knowledge.sources import SourceDoc

log = logging.getLogger(__name__)
FLUSH_CHUNKS = 512  # chunks gathered before one indexing call: large batches embed fastest


@dataclass
class IngestReport:
    """What an ingest run did; `errors` names each rejected file and why."""

    files: int = 0
    documents: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    chunks: int = 0
    embedded: int = 0
    removed: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        """Tally one saved document."""
        self.documents += 1
        setattr(self, outcome, getattr(self, outcome) + 1)


def stored_ids(engine: KnowledgeEngine, prefixes: set[str]) -> dict[str, set[str]]:
    """The chunk ids each document prefix has in the indexes now."""
    found: dict[str, set[str]] = {p: set() for p in prefixes}
    # The BM25 index lists its ids from memory; the vector index is asked only about those.
    for chunk_id in engine.lexical.hashes():
        prefix = chunk_id[: chunk_id.rfind(":") + 1]
        if prefix in found:
            found[prefix].add(chunk_id)
    return found


def apply_docs(engine: KnowledgeEngine, docs: Sequence[SourceDoc]) -> tuple[int, int, int]:
    """Make the indexes hold exactly these documents' chunks: (chunks, embedded, removed)."""
    chunks = [c for doc in docs for c in doc.chunks]
    report = engine.index(chunks)
    current = {c.id for c in chunks}
    existing = stored_ids(engine, {doc.prefix for doc in docs})
    stale = sorted({i for ids in existing.values() for i in ids} - current)
    if stale:
        engine.delete(stale)
    return len(chunks), report.indexed, len(stale)


def apply_docs_safely(engine: KnowledgeEngine, docs: Sequence[SourceDoc]) -> None:
    """`apply_docs` for after-commit jobs: the commit already happened, so failures only log."""
    try:
        apply_docs(engine, docs)
    except Exception:
        # The drift this leaves is reported by `kcrm index check` and fixed by `kcrm reindex`.
        log.exception("re-indexing %s failed", ", ".join(d.prefix for d in docs))


class Ingestor:
    """Runs one ingest: saves each document in its own unit of work, indexes in batches."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        engine: KnowledgeEngine,
        settings: Settings,
        *,
        defaults: Defaults = Defaults(),
        pause: float = 0.0,
    ) -> None:
        self.factory = factory
        self.engine = engine
        self.settings = settings
        self.defaults = defaults
        self.pause = pause
        self.report = IngestReport()
        self._pending: list[SourceDoc] = []

    def save(self, doc: SourceDocument) -> None:
        """Commit one article and queue its chunks for indexing."""
        with unit_of_work(self.factory, actor="ingest") as session:
            article, outcome = article_service.save_document(session, doc=doc)
            self._pending.append(sources.article_doc(article, self.settings))
        self.report.count(outcome)
        if sum(len(d.chunks) for d in self._pending) >= FLUSH_CHUNKS:
            self.flush()

    def flush(self) -> None:
        """Index what is queued."""
        if not self._pending:
            return
        chunks, embedded, removed = apply_docs(self.engine, self._pending)
        self._pending = []
        self.report.chunks += chunks
        self.report.embedded += embedded
        self.report.removed += removed

    def ingest_file(self, path: Path) -> None:
        """Load one file and save its documents; a bad file is reported, not fatal."""
        try:
            docs = load_file(path, defaults=self.defaults)
        except DocumentError as exc:
            self.report.errors.append(exc.message)
            return
        for doc in docs:
            self.save(doc)
        self.report.files += 1

    def run(self, paths: Sequence[Path], *, progress: bool = False) -> IngestReport:
        """Ingest every supported file under `paths`, with a progress bar when asked."""
        started = time.perf_counter()
        try:
            files = [f for p in paths for f in iter_files(p)]
        except DocumentError as exc:
            self.report.errors.append(exc.message)
            return self.report
        bar = tqdm(files, unit="file", disable=not progress or len(files) < 2, desc="ingest")
        for path in bar:
            self.ingest_file(path)
            if self.pause:
                # Crash tests only: a window where SQL is committed and the indexes are not.
                time.sleep(self.pause)
                self.flush()
        self.flush()
        self.report.seconds = time.perf_counter() - started
        return self.report


def ingest_documents(
    session: Session, engine: KnowledgeEngine, settings: Settings, docs: Sequence[SourceDocument]
) -> tuple[IngestReport, list[SourceDoc]]:
    """Save uploaded documents in the caller's unit of work; index them after its commit."""
    from kcrm.core.events import after_commit

    report, pending = IngestReport(files=1), []
    for doc in docs:
        article, outcome = article_service.save_document(session, doc=doc)
        report.count(outcome)
        pending.append(sources.article_doc(article, settings))
    report.chunks = sum(len(d.chunks) for d in pending)
    after_commit(session, lambda: apply_docs_safely(engine, pending))
    return report, pending
