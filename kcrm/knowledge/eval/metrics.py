"""Ranking metrics (Hit@1, MRR@10, nDCG@10, Recall@10) and pair metrics (Spearman, AP)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def ranking_metrics(ranked: Sequence[str], relevant: set[str], k: int = 10) -> dict[str, float]:
    """Binary-relevance metrics of one ranked list (fractions, not ×100)."""
    top = list(ranked[:k])
    gains = [1.0 if doc in relevant else 0.0 for doc in top]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    first = next((i for i, g in enumerate(gains) if g), None)
    return {
        "hit@1": gains[0] if gains else 0.0,
        "mrr@10": 0.0 if first is None else 1.0 / (first + 1),
        "ndcg@10": dcg / ideal if ideal else 0.0,
        "recall@10": sum(gains) / len(relevant) if relevant else 0.0,
    }


def mean_metrics(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Per-metric means ×100, rounded to two decimals."""
    if not rows:
        return {}
    return {key: round(100 * float(np.mean([r[key] for r in rows])), 2) for key in rows[0]}


def average_precision(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Average precision of ranking by score against binary labels."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    ranked = np.asarray(labels)[order]
    positives = ranked.sum()
    if positives == 0:
        return 0.0
    precision = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    return float((precision * ranked).sum() / positives)


def pair_metrics(scores: Sequence[float], labels: Sequence[int]) -> dict[str, float]:
    """Spearman correlation and average precision ×100, as C-MTEB reports pair tasks."""
    ranks_a, ranks_b = _ranks(scores), _ranks(labels)
    rho = np.corrcoef(ranks_a, ranks_b)[0, 1] if ranks_a.std() and ranks_b.std() else 0.0
    return {
        "spearman": round(100 * float(rho), 2),
        "ap": round(100 * average_precision(scores, labels), 2),
    }


def _ranks(values: Sequence[float]) -> NDArray[np.float64]:
    """1-based ranks with ties given their average rank (as Spearman needs)."""
    data = np.asarray(values, dtype=np.float64)
    order = np.argsort(data, kind="stable")
    ranks = np.empty(len(data), dtype=np.float64)
    ranks[order] = np.arange(1, len(data) + 1)
    _, inverse, counts = np.unique(data, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    averaged: NDArray[np.float64] = sums[inverse] / counts[inverse]
    return averaged
