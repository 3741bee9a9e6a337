"""The hybrid retriever: fusion, calibration, dedupe and the customer-history guard."""

from __future__ import annotations

import pytest

from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.adapters.memory import MemoryVectorIndex
from kcrm.knowledge.indexing import Indexer
from kcrm.knowledge.lexical import Bm25Index, Tokenizer
from kcrm.knowledge.ports import Chunk
from kcrm.knowledge.retrieval import (
    FusionConfig,
    HybridRetriever,
    KnowledgeRetriever,
    LanguageWeights,
    history_guard,
)

BOTH = {"en": LanguageWeights(dense=0.5, bm25=0.5), "zh": LanguageWeights(dense=0.5, bm25=0.5)}


def chunk(chunk_id: str, text: str, **metadata: object) -> Chunk:
    return Chunk(id=chunk_id, text=text, content_hash="h", metadata=metadata)  # type: ignore[arg-type]


CHUNKS = [
    chunk("article:A:0", "washing machine does not spin", source="article", language="en"),
    chunk("article:B:0", "洗衣机 不 转", source="article", language="zh"),
    chunk("resolution:1:0", "replaced the washing machine belt", source="resolution"),
    chunk("history:7:0", "customer seven washing machine repair", source="history", customer_id=7),
    chunk("history:8:0", "customer eight washing machine repair", source="history", customer_id=8),
    chunk("article:C:0", "Washing machine does NOT spin!", source="article", language="en"),
]


def retriever(config: FusionConfig | None = None) -> HybridRetriever:
    embedder, vectors, lexical = (
        FakeEmbedder(dimension=64),
        MemoryVectorIndex(),
        Bm25Index(Tokenizer()),
    )
    Indexer(embedder, vectors, lexical).index(CHUNKS)
    return HybridRetriever(embedder, vectors, lexical, config or FusionConfig(weights=BOTH))


class TestHistoryGuard:
    def test_without_customer_history_is_excluded(self) -> None:
        ids = [h.id for h in retriever().search("washing machine repair", k=10)]
        assert ids
        assert not [i for i in ids if i.startswith("history:")]

    def test_asking_for_history_without_customer_finds_nothing(self) -> None:
        assert retriever().search("washing machine repair", sources=["history"]) == []

    def test_with_customer_only_their_history(self) -> None:
        ids = [h.id for h in retriever().search("washing machine repair", k=10, customer_id=7)]
        assert "history:7:0" in ids
        assert "history:8:0" not in ids

    def test_history_only_for_customer(self) -> None:
        hits = retriever().search("washing machine", sources=["history"], customer_id=8)
        assert [h.id for h in hits] == ["history:8:0"]

    def test_a_caller_filter_cannot_widen_it(self) -> None:
        hits = retriever().search("washing machine", customer_id=7, where={"customer_id": 8})
        assert hits == []

    def test_guard_shapes(self) -> None:
        assert history_guard(None, None) == {"source": {"$ne": "history"}}
        assert history_guard(["history"], None) is None
        assert history_guard(["article", "history"], 3) == {
            "$or": [{"source": {"$in": ["article"]}}, {"source": "history", "customer_id": 3}]
        }


class TestSearch:
    def test_sources_filter(self) -> None:
        hits = retriever().search("washing machine", sources=["resolution"])
        assert [h.id for h in hits] == ["resolution:1:0"]

    def test_near_identical_chunks_are_deduplicated(self) -> None:
        ids = [h.id for h in retriever().search("washing machine spin", k=10)]
        assert ("article:A:0" in ids) != ("article:C:0" in ids)

    def test_found_by_names_each_index(self) -> None:
        top = retriever().search("washing machine spin", k=1)[0]
        assert {e.index for e in top.found_by} == {"dense", "bm25"}
        assert all(e.rank >= 1 for e in top.found_by)

    def test_scores_are_calibrated_and_ordered(self) -> None:
        hits = retriever().search("washing machine spin", k=10)
        scores = [h.score for h in hits]
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True)

    def test_unrelated_query_scores_low(self) -> None:
        good = retriever().search("washing machine does not spin", k=1)[0].score
        bad = retriever().search("invoice points membership", k=1)
        assert good > 0.5
        assert good - (bad[0].score if bad else 0.0) > 0.3

    def test_dense_only_weights_skip_bm25(self) -> None:
        dense = {"en": LanguageWeights(1, 0), "zh": LanguageWeights(1, 0)}
        hits = retriever(FusionConfig(weights=dense)).search("washing machine", k=3)
        assert {e.index for h in hits for e in h.found_by} == {"dense"}

    def test_rrf_mode_orders_by_reciprocal_rank(self) -> None:
        hits = retriever(FusionConfig(mode="rrf", weights=BOTH)).search("belt replaced", k=2)
        assert hits[0].id == "resolution:1:0"

    def test_blank_query(self) -> None:
        assert retriever().search("   ") == []


class TestKnowledgeRetriever:
    def test_returns_langchain_documents(self) -> None:
        lc = KnowledgeRetriever(retriever=retriever(), k=2, customer_id=7)
        docs = lc.invoke("customer seven repair")
        assert docs[0].metadata["id"] == "history:7:0"
        assert 0 < docs[0].metadata["score"] <= 1
        assert len(docs) == 2

    def test_default_never_sees_history(self) -> None:
        docs = KnowledgeRetriever(retriever=retriever(), k=10).invoke("customer repair")
        assert docs
        assert all(d.metadata["source"] != "history" for d in docs)


@pytest.mark.parametrize(("cosine", "expected"), [(0.55, 0.5), (0.95, 0.99), (0.15, 0.01)])
def test_calibration_is_logistic(cosine: float, expected: float) -> None:
    assert retriever()._calibrate("article", cosine) == pytest.approx(expected, abs=0.01)


class TestPseudoRelevanceFeedback:
    def test_feedback_pulls_in_neighbours_of_the_top_hit(self) -> None:
        plain = retriever(FusionConfig(weights={"en": LanguageWeights(1, 0)}))
        prf = retriever(FusionConfig(weights={"en": LanguageWeights(1, 0)}, prf={"en": (1, 3.0)}))
        query = "belt replaced"
        before, after = plain.search(query, k=1)[0], prf.search(query, k=1)[0]
        assert before.id == after.id == "resolution:1:0"
        # The query moved towards its first hit, so that hit's cosine rose.
        assert after.found_by[0].score > before.found_by[0].score

    def test_only_for_configured_languages(self) -> None:
        config = FusionConfig(weights={"zh": LanguageWeights(1, 0)}, prf={"en": (1, 3.0)})
        plain = retriever(FusionConfig(weights={"zh": LanguageWeights(1, 0)}))
        assert [h.id for h in retriever(config).search("洗衣机 不 转")] == [
            h.id for h in plain.search("洗衣机 不 转")
        ]
