"""`kcrm index check` and `kcrm reindex`: the database is the truth, the indexes follow it.

Check rebuilds the chunks every source should have from SQL and compares their ids and
content hashes with what each index holds: missing (expected, not stored), stale (stored
with another hash) and orphaned (stored, no longer expected).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ports import Chunk
from kcrm.knowledge.sources import SOURCES, Source, iter_source_docs


@dataclass
class DriftReport:
    """Differences between the chunks SQL implies and what the indexes hold."""

    expected: int = 0
    stored: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Whether every index matches the database."""
        return not (self.missing or self.stale or self.orphaned)


@dataclass(frozen=True)
class ReindexReport:
    """What a reindex did."""

    chunks: int
    embedded: int
    removed: int


def expected_chunks(
    session: Session, settings: Settings, sources: Sequence[Source] = SOURCES
) -> dict[str, Chunk]:
    """Every chunk the database says the indexes should hold, by id."""
    return {c.id: c for doc in iter_source_docs(session, settings, sources) for c in doc.chunks}


def _stored(engine: KnowledgeEngine, sources: Sequence[Source]) -> dict[str, dict[str, str]]:
    prefixes = tuple(f"{s}:" for s in sources)
    return {
        name: {i: h for i, h in index.hashes().items() if i.startswith(prefixes)}
        for name, index in (("vector", engine.vectors), ("bm25", engine.lexical))
    }


def check(
    session: Session,
    engine: KnowledgeEngine,
    settings: Settings,
    *,
    sources: Sequence[Source] = SOURCES,
) -> DriftReport:
    """Compare the expected chunks with both indexes."""
    expected = {i: c.content_hash for i, c in expected_chunks(session, settings, sources).items()}
    report = DriftReport(expected=len(expected))
    missing: set[str] = set()
    stale: set[str] = set()
    orphaned: set[str] = set()
    for name, stored in _stored(engine, sources).items():
        report.stored[name] = len(stored)
        missing |= expected.keys() - stored.keys()
        orphaned |= stored.keys() - expected.keys()
        stale |= {i for i, h in stored.items() if i in expected and expected[i] != h}
    report.missing, report.stale, report.orphaned = sorted(missing), sorted(stale), sorted(orphaned)
    return report


def reindex(
    session: Session,
    engine: KnowledgeEngine,
    settings: Settings,
    *,
    sources: Sequence[Source] = SOURCES,
    full: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ReindexReport:
    """Rebuild the indexes from the database; `full` drops the sources' chunks first.

    Without `full`, unchanged chunks keep their vectors (nothing is embedded twice).
    """
    expected = expected_chunks(session, settings, sources)
    stored = _stored(engine, sources)
    present = set().union(*(ids.keys() for ids in stored.values()))
    if full:
        engine.delete(sorted(present))
        present = set()
    report = engine.index(list(expected.values()), progress=progress)
    orphaned = sorted(present - expected.keys())
    if orphaned:
        engine.delete(orphaned)
    return ReindexReport(chunks=len(expected), embedded=report.indexed, removed=len(orphaned))
