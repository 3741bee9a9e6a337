"""Indexes opened on first use, for commands that often need none (an unchanged re-ingest).

Opening the embedded Chroma store imports chromadb and the BM25 index replays its log;
together they cost seconds that a re-ingest which finds nothing new should not pay.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from kcrm.knowledge.ports import Chunk, Hit, LexicalIndex, VectorIndex, Where

IndexT = TypeVar("IndexT", VectorIndex, LexicalIndex)


class _Lazy(Generic[IndexT]):
    """The methods both index ports share, on an index built the first time one is called."""

    def __init__(self, build: Callable[[], IndexT]) -> None:
        self._build: Callable[[], IndexT] = build
        self._index: IndexT | None = None

    @property
    def index(self) -> IndexT:
        """The real index (opened now if it was not yet)."""
        if self._index is None:
            self._index = self._build()
        return self._index

    @property
    def opened(self) -> bool:
        """Whether the real index has been built."""
        return self._index is not None

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        self.index.delete(ids)

    def hashes(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Content hash per stored chunk id."""
        return self.index.hashes(ids)

    def count(self) -> int:
        """How many chunks are stored."""
        return self.index.count()


class LazyVectorIndex(_Lazy[VectorIndex], VectorIndex):
    """A vector index opened on first use."""

    def upsert(self, chunks: Sequence[Chunk], vectors: NDArray[np.float32]) -> None:
        """Insert or replace chunks with their vectors."""
        self.index.upsert(chunks, vectors)

    def query(self, vector: NDArray[np.float32], k: int, where: Where | None = None) -> list[Hit]:
        """The k nearest chunks."""
        return self.index.query(vector, k, where)

    def vectors(self, ids: Sequence[str]) -> NDArray[np.float32]:
        """The stored vectors of `ids`."""
        return self.index.vectors(ids)


class LazyLexicalIndex(_Lazy[LexicalIndex], LexicalIndex):
    """A lexical index loaded on first use."""

    def upsert(self, chunks: Sequence[Chunk]) -> None:
        """Insert or replace chunks."""
        self.index.upsert(chunks)

    def query(self, text: str, k: int, where: Where | None = None) -> list[Hit]:
        """The k best keyword matches."""
        return self.index.query(text, k, where)
