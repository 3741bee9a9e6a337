"""Hybrid retrieval: dense and BM25 candidates fused, filtered, deduplicated and calibrated.

Customer history is guarded here, not by callers: without a customer_id no history chunk
can be returned, and with one only that customer's history can.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from kcrm.knowledge.filters import combine
from kcrm.knowledge.language import detect_language
from kcrm.knowledge.ports import Embedder, Hit, LexicalIndex, VectorIndex, Where

HISTORY = "history"


@dataclass(frozen=True)
class Evidence:
    """How one index found a hit: its rank (1-based) and raw score there."""

    index: Literal["dense", "bm25"]
    rank: int
    score: float


@dataclass(frozen=True)
class RetrievedHit:
    """A fused result; `score` is calibrated to [0, 1] so callers can threshold it."""

    id: str
    text: str
    metadata: Mapping[str, Any]
    score: float
    found_by: tuple[Evidence, ...]


@dataclass(frozen=True)
class LanguageWeights:
    """Fusion weights of the dense and BM25 lists for queries in one language."""

    dense: float = 1.0
    bm25: float = 0.0


@dataclass(frozen=True)
class FusionConfig:
    """How lists are fused and scores calibrated (see docs/quality.md for the chosen values)."""

    mode: Literal["score", "rrf"] = "score"
    rrf_k: int = 60
    candidates: int = 100
    weights: Mapping[str, LanguageWeights] = field(
        default_factory=lambda: {"en": LanguageWeights(), "zh": LanguageWeights()}
    )
    # Per source (midpoint, scale) of a logistic on cosine: the midpoint cosine scores 0.5.
    # Logistic rather than clipped-linear so scores never tie and stay strictly ordered.
    calibration: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    default_calibration: tuple[float, float] = (0.55, 0.08)
    # BM25 score giving half credit (s / (s + half)): saturates so one rare word can't dominate.
    bm25_half: float = 8.0
    # Dense pseudo-relevance feedback (Rocchio) per query language: (docs, weight) moves the
    # query towards the centroid of its first `docs` dense hits by `weight` and searches again.
    prf: Mapping[str, tuple[int, float]] = field(default_factory=dict)
    # How many first-pass hits feedback re-ranks (at least `candidates`).
    prf_pool: int = 100


def _dedupe_key(text: str) -> str:
    normalised = re.sub(r"[\W_]+", "", text.lower())
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()


class HybridRetriever:
    """Dense + BM25 retrieval with language-aware weights and the customer-history guard."""

    def __init__(
        self,
        embedder: Embedder,
        vectors: VectorIndex,
        lexical: LexicalIndex,
        config: FusionConfig | None = None,
    ) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self.lexical = lexical
        self.config = config or FusionConfig()

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        sources: Sequence[str] | None = None,
        customer_id: int | None = None,
        where: Where | None = None,
    ) -> list[RetrievedHit]:
        """The k best chunks for `query`, best first."""
        if not query.strip() or k <= 0:
            return []
        guard = history_guard(sources, customer_id)
        if guard is None:
            return []
        full_where = combine(where, guard)
        language = detect_language(query)
        weights = self.config.weights.get(language, LanguageWeights())
        n = max(self.config.candidates, k)
        dense = self._dense(query, language, n, full_where) if weights.dense > 0 else []
        bm25 = self.lexical.query(query, n, full_where) if weights.bm25 > 0 else []
        fused = self._fuse(dense, bm25, weights)
        return _dedupe([h for h in fused if _allowed(h.metadata, customer_id)], k)

    def _dense(self, query: str, language: str, n: int, where: Where | None) -> list[Hit]:
        vector = self.embedder.embed_query(query)
        docs, weight = self.config.prf.get(language, (0, 0.0))
        if docs <= 0 or weight <= 0:
            return self.vectors.query(vector, n, where)
        # Feedback re-ranks the first pass's pool instead of searching the index a second time.
        hits = self.vectors.query(vector, max(n, self.config.prf_pool), where)
        if not hits:
            return hits
        stored = self.vectors.vectors([h.id for h in hits])
        moved = vector + weight * stored[:docs].mean(axis=0)
        scores = stored @ (moved / np.linalg.norm(moved)).astype(np.float32)
        order = np.argsort(-scores, kind="stable")[:n]
        return [replace(hits[i], score=float(scores[i])) for i in order]

    def _calibrate(self, source: str, cosine: float) -> float:
        mid, scale = self.config.calibration.get(source, self.config.default_calibration)
        return 1.0 / (1.0 + math.exp(-(cosine - mid) / scale))

    def _fuse(
        self, dense: list[Hit], bm25: list[Hit], weights: LanguageWeights
    ) -> list[RetrievedHit]:
        hits: dict[str, Hit] = {}
        evidence: dict[str, list[Evidence]] = {}
        for name, found in (("dense", dense), ("bm25", bm25)):
            for rank, hit in enumerate(found, start=1):
                hits.setdefault(hit.id, hit)
                evidence.setdefault(hit.id, []).append(Evidence(name, rank, hit.score))  # type: ignore[arg-type]
        # A chunk missing from the dense list scores no better than the last one listed.
        floor_cosine = dense[-1].score if dense else 0.0
        total = weights.dense + weights.bm25
        results = []
        for chunk_id, hit in hits.items():
            by = {e.index: e for e in evidence[chunk_id]}
            cosine = by["dense"].score if "dense" in by else floor_cosine
            lexical = by["bm25"].score if "bm25" in by else 0.0
            source = str(hit.metadata.get("source", ""))
            calibrated = (
                weights.dense * self._calibrate(source, cosine)
                + weights.bm25 * lexical / (lexical + self.config.bm25_half)
            ) / total
            order = calibrated
            if self.config.mode == "rrf":
                order = sum(
                    (weights.dense if e.index == "dense" else weights.bm25)
                    / (self.config.rrf_k + e.rank)
                    for e in by.values()
                )
            results.append((order, calibrated, hit, tuple(evidence[chunk_id])))
        results.sort(key=lambda r: (-r[0], r[2].id))
        return [
            RetrievedHit(id=h.id, text=h.text, metadata=h.metadata, score=c, found_by=e)
            for _, c, h, e in results
        ]


def history_guard(sources: Sequence[str] | None, customer_id: int | None) -> Where | None:
    """The filter that keeps other customers' history out; None when nothing may match."""
    wanted = None if sources is None else list(dict.fromkeys(sources))
    if customer_id is None:
        if wanted is None:
            return {"source": {"$ne": HISTORY}}
        wanted = [s for s in wanted if s != HISTORY]
        return {"source": {"$in": wanted}} if wanted else None
    own_history: Where = {"source": HISTORY, "customer_id": customer_id}
    if wanted is None:
        return {"$or": [{"source": {"$ne": HISTORY}}, own_history]}
    others = [s for s in wanted if s != HISTORY]
    if HISTORY not in wanted:
        return {"source": {"$in": others}} if others else None
    if not others:
        return own_history
    return {"$or": [{"source": {"$in": others}}, own_history]}


def _allowed(metadata: Mapping[str, Any], customer_id: int | None) -> bool:
    # Defence in depth: re-check what the index filter already enforced.
    if metadata.get("source") != HISTORY:
        return True
    return customer_id is not None and metadata.get("customer_id") == customer_id


def _dedupe(hits: list[RetrievedHit], k: int) -> list[RetrievedHit]:
    seen: set[str] = set()
    out = []
    for hit in hits:
        key = _dedupe_key(hit.text)
        if key not in seen:
            seen.add(key)
            out.append(hit)
            if len(out) == k:
                break
    return out


class KnowledgeRetriever(BaseRetriever):
    """The hybrid retriever as a langchain `BaseRetriever` (same guard, same scores)."""

    retriever: Any
    k: int = 5
    sources: list[str] | None = None
    customer_id: int | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.retriever.search(
            query, k=self.k, sources=self.sources, customer_id=self.customer_id
        )
        return [
            Document(page_content=h.text, metadata={**h.metadata, "id": h.id, "score": h.score})
            for h in hits
        ]
