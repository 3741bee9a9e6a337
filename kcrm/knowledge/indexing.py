"""The indexing stage: skip unchanged chunks by content hash, embed the rest in batches,
and write them to the vector and the lexical index."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kcrm.knowledge.ports import Chunk, Embedder, LexicalIndex, VectorIndex


@dataclass(frozen=True)
class IndexReport:
    """What one `index` call did."""

    total: int
    skipped: int
    indexed: int
    seconds: float


class Indexer:
    """Idempotent upserts into both indexes: a chunk is current only when both hold its hash."""

    def __init__(
        self,
        embedder: Embedder,
        vectors: VectorIndex,
        lexical: LexicalIndex,
        *,
        batch_size: int = 256,
    ) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self.lexical = lexical
        self.batch_size = batch_size

    def stale(self, chunks: Sequence[Chunk]) -> list[Chunk]:
        """The chunks that either index lacks or holds with another content hash."""
        ids = [c.id for c in chunks]
        dense = self.vectors.hashes(ids)
        lexical = self.lexical.hashes(ids)
        return [
            c
            for c in chunks
            if dense.get(c.id) != c.content_hash or lexical.get(c.id) != c.content_hash
        ]

    def index(
        self, chunks: Sequence[Chunk], *, progress: Callable[[int], None] | None = None
    ) -> IndexReport:
        """Embed and upsert what changed; `progress` gets the number of chunks done per step."""
        started = time.perf_counter()
        latest = list({c.id: c for c in chunks}.values())  # the last version of a repeated id wins
        todo = self.stale(latest)
        if progress and len(latest) > len(todo):
            progress(len(latest) - len(todo))
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vectors = self.embedder.embed_documents([c.text for c in batch])
            self.vectors.upsert(batch, vectors)
            self.lexical.upsert(batch)
            if progress:
                progress(len(batch))
        return IndexReport(
            total=len(latest),
            skipped=len(latest) - len(todo),
            indexed=len(todo),
            seconds=time.perf_counter() - started,
        )
