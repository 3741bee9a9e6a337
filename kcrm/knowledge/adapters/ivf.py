"""Inverted lists for the in-memory vector index: spherical k-means, each list stored contiguously.

A query scores the list centroids, then only the rows of the nearest lists. The rows of one
list sit next to each other in the index's matrix, so scoring a list is one BLAS call over a
contiguous block: gathering scattered rows costs several times more than scoring them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# Training rows per list and k-means rounds: enough for stable centroids (faiss warns under 39
# rows per list) while a million rows still cluster in well under a minute on two cores.
SAMPLE_PER_LIST = 64
ITERATIONS = 8
_BATCH = 16_384


@dataclass(frozen=True)
class Clusters:
    """Centroids and the row range [offsets[j], offsets[j + 1]) of each list."""

    centroids: NDArray[np.float32]
    offsets: NDArray[np.int64]

    @property
    def rows(self) -> int:
        """How many rows the lists cover (the rows after them are not clustered yet)."""
        return int(self.offsets[-1])

    def ranges(self, vector: NDArray[np.float32]) -> Iterator[tuple[int, int]]:
        """Row ranges of the non-empty lists, nearest centroid first."""
        for j in np.argsort(-dot(self.centroids, vector), kind="stable"):
            start, stop = int(self.offsets[j]), int(self.offsets[j + 1])
            if stop > start:
                yield start, stop


def dot(block: NDArray[np.float32], vector: NDArray[np.float32]) -> NDArray[np.float32]:
    """Matrix-vector product on this thread: multi-threaded BLAS gemv spends more CPU than it
    saves on the small blocks of one query, and more still when other processes load the cores."""
    out: NDArray[np.float32] = np.einsum("ij,j->i", block, vector)
    return out


def lists_for(rows: int) -> int:
    """The usual sqrt(n) lists: a query then scans about nprobe / sqrt(n) of the rows."""
    return max(1, int(np.sqrt(rows)))


def cluster(
    matrix: NDArray[np.float32], rows: NDArray[np.intp], *, lists: int, seed: int = 0
) -> tuple[NDArray[np.intp], Clusters]:
    """Cluster `rows` of `matrix`: the rows reordered list by list, and the lists."""
    rng = np.random.default_rng(seed)
    lists = min(lists, len(rows))
    take = min(len(rows), lists * SAMPLE_PER_LIST)
    sample = matrix[np.sort(rng.choice(rows, take, replace=False))]
    centroids = train(sample, lists, rng)
    labels = np.concatenate(
        [nearest(matrix[rows[i : i + _BATCH]], centroids) for i in range(0, len(rows), _BATCH)]
    )
    order = np.argsort(labels, kind="stable")
    offsets = np.zeros(lists + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.bincount(labels, minlength=lists))
    return rows[order], Clusters(centroids=centroids, offsets=offsets)


def train(data: NDArray[np.float32], lists: int, rng: np.random.Generator) -> NDArray[np.float32]:
    """Spherical k-means centroids (unit length) of `data`."""
    centroids = data[rng.choice(len(data), lists, replace=False)].copy()
    for _ in range(ITERATIONS):
        labels = nearest(data, centroids)
        counts = np.bincount(labels, minlength=lists)
        order = np.argsort(labels, kind="stable")
        filled = np.flatnonzero(counts)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[filled]
        sums = np.add.reduceat(data[order], starts, axis=0)
        centroids[filled] = sums
        # An empty list restarts at a random row rather than staying dead.
        empty = np.flatnonzero(counts == 0)
        centroids[empty] = data[rng.choice(len(data), len(empty), replace=False)]
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    return centroids


def nearest(data: NDArray[np.float32], centroids: NDArray[np.float32]) -> NDArray[np.intp]:
    """Index of the most similar centroid for each row."""
    labels: NDArray[np.intp] = np.argmax(data @ centroids.T, axis=1)
    return labels
