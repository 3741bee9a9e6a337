"""An in-memory vector index (numpy): for tests, evaluation and small or mid-size deployments.

Up to `ivf_min_rows` live chunks every query is exact. Above that the rows are clustered
into inverted lists (see `ivf`) and a query scores only the `nprobe` nearest lists plus the
rows added since clustering; a filter that leaves at most `exact_limit` rows is still
answered exactly over those rows, so a customer's own history is never missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kcrm.knowledge.adapters import ivf
from kcrm.knowledge.filters import MetadataColumns
from kcrm.knowledge.ports import Chunk, Hit, VectorIndex, Where

# Recluster once the unclustered tail or the dead rows inside the lists pass this share.
_STALE = 0.1


class MemoryVectorIndex(VectorIndex):
    """Cosine search over a float32 matrix: exact when small, inverted lists when large."""

    def __init__(
        self,
        dimension: int | None = None,
        *,
        ivf_min_rows: int = 50_000,
        nprobe: int = 24,
        exact_limit: int = 4096,
    ) -> None:
        self.dimension = dimension
        self.ivf_min_rows, self.nprobe, self.exact_limit = ivf_min_rows, nprobe, exact_limit
        self._matrix = np.zeros((0, dimension or 0), dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._rows: dict[str, int] = {}
        self._chunks: list[Chunk | None] = []
        self._free: list[int] = []
        self._columns = MetadataColumns()
        self._clusters: ivf.Clusters | None = None
        self._dead = 0  # dead rows inside the clustered lists

    def _reserve(self, extra: int, dimension: int) -> None:
        if self._matrix.shape[1] != dimension:
            if self._rows:
                raise ValueError(f"vector dimension {dimension} != index {self._matrix.shape[1]}")
            self._matrix = np.zeros((0, dimension), dtype=np.float32)
            self.dimension = dimension
        needed = len(self._chunks) + extra
        if needed > len(self._matrix):
            capacity = max(needed, 2 * len(self._matrix), 64)
            self._resize(capacity)

    def _resize(self, capacity: int) -> None:
        matrix = np.zeros((capacity, self._matrix.shape[1]), dtype=np.float32)
        alive = np.zeros(capacity, dtype=bool)
        keep = min(capacity, len(self._matrix))
        matrix[:keep], alive[:keep] = self._matrix[:keep], self._alive[:keep]
        self._matrix, self._alive = matrix, alive

    def _row_for(self, chunk_id: str) -> int:
        row = self._rows.get(chunk_id)
        if row is not None and self._clustered(row):
            # Its list was chosen for the old vector: the new one goes to the unclustered tail.
            self._retire(row)
            row = None
        if row is None:
            row = self._free.pop() if self._free else len(self._chunks)
            if row == len(self._chunks):
                self._chunks.append(None)
            self._rows[chunk_id] = row
        return row

    def _clustered(self, row: int) -> bool:
        return self._clusters is not None and row < self._clusters.rows

    def _retire(self, row: int) -> None:
        self._alive[row] = False
        self._chunks[row] = None
        self._columns.set(row, {})
        if self._clustered(row):
            self._dead += 1  # rows inside a list are only reused by reclustering
        else:
            self._free.append(row)

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
        """Top-k by dot product (vectors are normalised, so cosine); exact below ivf_min_rows."""
        size = len(self._chunks)
        if size == 0 or k <= 0:
            return []
        vector = np.asarray(vector, dtype=np.float32)
        self._refresh_clusters()  # may reorder rows, so before any mask
        size = len(self._chunks)
        mask = self._alive[:size].copy()
        if where:
            mask &= self._columns.mask(where)[:size]
        if self._clusters is None:
            scores = ivf.dot(self._matrix[:size], vector)
            if mask.all():
                return self._top(scores, np.arange(size), k)
            return self._top(scores[mask], np.flatnonzero(mask), k)
        if np.count_nonzero(mask) <= self.exact_limit:
            rows = np.flatnonzero(mask)
            return self._top(ivf.dot(self._matrix[rows], vector), rows, k)
        return self._probe(vector, mask, k)

    def _probe(self, vector: NDArray[np.float32], mask: NDArray[np.bool_], k: int) -> list[Hit]:
        assert self._clusters is not None
        tail = (self._clusters.rows, len(mask))
        rows: list[NDArray[np.intp]] = []
        scores: list[NDArray[np.float32]] = []
        found = 0
        for probed, (start, stop) in enumerate([tail, *self._clusters.ranges(vector)]):
            # Past nprobe lists, go on only while a filter has left fewer than k rows.
            if probed > self.nprobe and found >= k:
                break
            keep = np.flatnonzero(mask[start:stop])
            if len(keep):
                rows.append(keep + start)
                scores.append(ivf.dot(self._matrix[start:stop], vector)[keep])
                found += len(keep)
        if not rows:
            return []
        return self._top(np.concatenate(scores), np.concatenate(rows), k)

    def _refresh_clusters(self) -> None:
        live = len(self._rows)
        if live < self.ivf_min_rows:
            return
        if self._clusters is not None:
            tail = len(self._chunks) - self._clusters.rows
            if max(tail, self._dead) <= _STALE * self._clusters.rows:
                return
        self._cluster()

    def _cluster(self) -> None:
        size = len(self._chunks)
        order, clusters = ivf.cluster(
            self._matrix, np.flatnonzero(self._alive[:size]), lists=ivf.lists_for(len(self._rows))
        )
        n = len(order)
        # Room to grow before the next copy; the lists themselves are rebuilt only when stale.
        matrix = np.zeros((n + max(n // 8, 64), self._matrix.shape[1]), dtype=np.float32)
        for start in range(0, n, 65_536):
            part = order[start : start + 65_536]
            matrix[start : start + len(part)] = self._matrix[part]
        self._matrix = matrix
        self._alive = np.zeros(len(matrix), dtype=bool)
        self._alive[:n] = True
        self._chunks = [self._chunks[int(row)] for row in order]
        self._rows = {chunk.id: row for row, chunk in enumerate(self._chunks) if chunk}
        self._columns = self._columns.take(order)
        self._free, self._dead, self._clusters = [], 0, clusters

    def _top(self, scores: NDArray[np.float32], rows: NDArray[np.intp], k: int) -> list[Hit]:
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self._hit(int(rows[i]), float(scores[i])) for i in top]

    def _hit(self, row: int, score: float) -> Hit:
        chunk = self._chunks[row]
        assert chunk is not None
        return Hit(id=chunk.id, score=score, text=chunk.text, metadata=dict(chunk.metadata))

    def vectors(self, ids: Sequence[str]) -> NDArray[np.float32]:
        """Stored vectors by id, in the order asked (zeros for unknown ids)."""
        out = np.zeros((len(ids), self._matrix.shape[1]), dtype=np.float32)
        for i, chunk_id in enumerate(ids):
            row = self._rows.get(chunk_id)
            if row is not None:
                out[i] = self._matrix[row]
        return out

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id; their rows are reused by later inserts."""
        for chunk_id in ids:
            row = self._rows.pop(chunk_id, None)
            if row is not None:
                self._retire(row)

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
