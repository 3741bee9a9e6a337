"""Ingestion: files → articles in SQL (one unit of work per batch of files) → chunks in the indexes.

Each batch is compared with SQL in one query first: a document whose article already holds
exactly its values is counted unchanged and costs nothing more (no chunking, no index call).
The rest are committed together and their chunks indexed in large batches.

SQL is written first; the indexes follow. The ids of a batch are journaled before its commit,
so a crash in between leaves SQL ahead of the indexes only until the next ingest, which
re-indexes the journaled documents first; `kcrm index check` reports the drift and
`kcrm reindex` repairs it too. Indexing is idempotent by content hash. An unchanged article
is trusted to be indexed: drift from other causes (a deleted index) is `kcrm reindex`'s job.
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
from kcrm.knowledge.articles import repository as article_repository
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.exceptions import DocumentError
from kcrm.knowledge.journal import PendingJournal
from kcrm.knowledge.loaders import Defaults, SourceDocument, iter_files, load_file
from kcrm.knowledge.sources import SourceDoc

log = logging.getLogger(__name__)
# Files loaded, compared with SQL, committed and indexed together: one query finds the
# unchanged ones, one transaction saves the rest, and their chunks embed in large batches.
BATCH_FILES = 256
JOURNAL_NAME = "ingest-pending.txt"


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
    """Runs one ingest: files in batches, each batch one SQL transaction, then indexed."""

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
        self.journal = PendingJournal(settings.data_dir / JOURNAL_NAME)
        self._pending: list[SourceDoc] = []

    def load(self, paths: Sequence[Path]) -> list[SourceDocument]:
        """Read files into documents; a bad file is reported, not fatal."""
        docs: list[SourceDocument] = []
        for path in paths:
            try:
                docs += load_file(path, defaults=self.defaults)
            except DocumentError as exc:
                self.report.errors.append(exc.message)
                continue
            self.report.files += 1
        return docs

    def save(self, docs: Sequence[SourceDocument]) -> None:
        """Commit a batch of documents in one unit of work; queue the changed ones' chunks."""
        with unit_of_work(self.factory, actor="ingest") as session:
            saved = article_service.save_documents(session, docs=docs)
            changed = [article for article, outcome in saved if outcome != "unchanged"]
            # Chunked before the commit: the rows are current here, and unchanged ones never are.
            self._pending += [sources.article_doc(a, self.settings) for a in changed]
            self.journal.add(a.external_id for a in changed)
        for _, outcome in saved:
            self.report.count(outcome)

    def flush(self) -> None:
        """Index what is queued."""
        if not self._pending:
            return
        chunks, embedded, removed = apply_docs(self.engine, self._pending)
        self._pending = []
        self.report.chunks += chunks
        self.report.embedded += embedded
        self.report.removed += removed

    def resume(self) -> None:
        """Re-index from SQL the documents a killed run committed but may not have indexed."""
        ids = self.journal.read()
        if not ids:
            return
        with unit_of_work(self.factory, actor="ingest") as session:
            found = {
                a.external_id: a for a in article_repository.list_by_external_ids(session, ids)
            }
            docs = [
                sources.article_doc(found[i], self.settings)
                if i in found
                else SourceDoc("article", i, [])
                for i in ids
            ]
        apply_docs(self.engine, docs)
        log.info("resumed indexing of %d documents from an interrupted ingest", len(ids))

    def run(self, paths: Sequence[Path], *, progress: bool = False) -> IngestReport:
        """Ingest every supported file under `paths`, with a progress bar when asked."""
        started = time.perf_counter()
        try:
            files = [f for p in paths for f in iter_files(p)]
        except DocumentError as exc:
            self.report.errors.append(exc.message)
            return self.report
        self.resume()
        # Crash tests only: one file at a time, with a window where SQL is ahead of the indexes.
        step = 1 if self.pause else BATCH_FILES
        with tqdm(
            total=len(files), unit="file", desc="ingest", disable=_quiet(progress, files)
        ) as bar:
            for start in range(0, len(files), step):
                batch = files[start : start + step]
                self.save(self.load(batch))
                time.sleep(self.pause)
                self.flush()
                bar.update(len(batch))
        self.journal.clear()
        self.report.seconds = time.perf_counter() - started
        return self.report


def _quiet(progress: bool, files: Sequence[Path]) -> bool:
    return not progress or len(files) < 2


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
