"""Greedy centroid clustering of normalised embeddings, stable for the same input order.

Items are taken in order; each joins the closest existing cluster when the cosine to that
cluster's centroid reaches the threshold, otherwise it starts a new one. Callers pass items
oldest first, so a cluster's first member (its key) does not change while its members stay.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def cluster(vectors: NDArray[np.float32], threshold: float) -> list[list[int]]:
    """Group row indices of `vectors` (L2-normalised) whose cosine to a centroid ≥ threshold."""
    groups: list[list[int]] = []
    sums = np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    for index, vector in enumerate(vectors):
        if groups:
            norms = np.linalg.norm(sums, axis=1)
            centroids = sums / np.maximum(norms, 1e-12)[:, None]
            scores = centroids @ vector
            best = int(np.argmax(scores))
            if float(scores[best]) >= threshold:
                groups[best].append(index)
                sums[best] += vector
                continue
        groups.append([index])
        sums = np.vstack([sums, vector[None, :]])
    return groups


def cosine(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    """Cosine similarity of two vectors."""
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / denominator if denominator else 0.0
