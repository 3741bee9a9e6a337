"""An exact in-memory vector index (numpy): for tests, evaluation and small deployments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kcrm.knowledge.filters import MetadataColumns
from kcrm.knowledge.ports import Chunk, Hit, VectorIndex, Where


class MemoryVectorIndex(VectorIndex):
    """Brute-force cosine search over a float32 matrix; deleted rows are reused later."""

    def __init__(self, dimension: int | None = None) -> None:
        self.dimension = dimension
        self._matrix = np.zeros((0, dimension or 0), dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._rows: dict[str, int] = {}
        self._chunks: list[Chunk | None] = []
        self._free: list[int] = []
        self._columns = MetadataColumns()

    def _reserve(self, extra: int, dimension: int) -> None:
        if self._matrix.shape[1] != dimension:
            if self._rows:
                raise ValueError(f"vector dimension {dimension} != index {self._matrix.shape[1]}")
            self._matrix = np.zeros((0, dimension), dtype=np.float32)
            self.dimension = dimension
        needed = len(self._chunks) + extra
        if needed > len(self._matrix):
            capacity = max(needed, 2 * len(self._matrix), 64)
            matrix = np.zeros((capacity, dimension), dtype=np.float32)
            matrix[: len(self._matrix)] = self._matrix
            alive = np.zeros(capacity, dtype=bool)
            alive[: len(self._alive)] = self._alive
            self._matrix, self._alive = matrix, alive

    def _row_for(self, chunk_id: str) -> int:
        row = self._rows.get(chunk_id)
        if row is None:
            row = self._free.pop() if self._free else len(self._chunks)
            if row == len(self._chunks):
                self._chunks.append(None)
            self._rows[chunk_id] = row
        return row

    def upsert(self, chunks: Sequence[Chunk], vectors: NDArray[np.float32]) -> None:
        """Insert or replace chunks with their (normalised) vectors."""
        if len(chunks) != len(vectors):
            raise ValueError("chunks and vectors differ in length")
        if not chunks:
            return
        self._reserve(len(chunks), int(vectors.shape[1]))
        for chunk, vector in zip(chunks, vectors, strict=True):
            row = self._row_for(chunk.id)
            self._matrix[row] = vector
            self._alive[row] = True
            self._chunks[row] = chunk
            self._columns.set(row, chunk.metadata)

    def query(self, vector: NDArray[np.float32], k: int, where: Where | None = None) -> list[Hit]:
        """Exact top-k by dot product (vectors are normalised, so cosine)."""
        size = len(self._chunks)
        if size == 0 or k <= 0:
            return []
        scores = self._matrix[:size] @ np.asarray(vector, dtype=np.float32)
        mask = self._alive[:size].copy()
        if where:
            mask &= self._columns.mask(where)[:size]
        if mask.all():
            return self._top(scores, np.arange(size), k)
        return self._top(scores[mask], np.flatnonzero(mask), k)

    def _top(self, scores: NDArray[np.float32], rows: NDArray[np.intp], k: int) -> list[Hit]:
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self._hit(int(rows[i]), float(scores[i])) for i in top]

    def _hit(self, row: int, score: float) -> Hit:
        chunk = self._chunks[row]
        assert chunk is not None
        return Hit(id=chunk.id, score=score, text=chunk.text, metadata=dict(chunk.metadata))

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id; their rows are reused by later inserts."""
        for chunk_id in ids:
            row = self._rows.pop(chunk_id, None)
            if row is not None:
                self._alive[row] = False
                self._chunks[row] = None
                self._columns.set(row, {})
                self._free.append(row)

    def hashes(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Content hash per stored chunk id."""
        wanted: Any = self._rows if ids is None else [i for i in ids if i in self._rows]
        out: dict[str, str] = {}
        for chunk_id in wanted:
            chunk = self._chunks[self._rows[chunk_id]]
            assert chunk is not None
            out[chunk_id] = chunk.content_hash
        return out

    def ids(self) -> list[str]:
        """Every stored chunk id."""
        return list(self._rows)

    def count(self) -> int:
        """How many chunks are stored."""
        return len(self._rows)
