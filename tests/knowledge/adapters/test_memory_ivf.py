"""The in-memory index above `ivf_min_rows`: inverted lists, their recall, filters and updates."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from kcrm.knowledge.adapters import ivf
from kcrm.knowledge.adapters.memory import MemoryVectorIndex
from kcrm.knowledge.ports import Chunk

DIM, TOPICS, PER_TOPIC = 32, 40, 50


def unit_rows(matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    out: NDArray[np.float32] = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return out


def corpus(seed: int = 0) -> tuple[list[Chunk], NDArray[np.float32], NDArray[np.float32]]:
    """2,000 vectors around 40 topics (as real embeddings cluster), and the topic centres."""
    rng = np.random.default_rng(seed)
    centres = unit_rows(rng.standard_normal((TOPICS, DIM)).astype(np.float32))
    topic = np.repeat(np.arange(TOPICS), PER_TOPIC)
    noise = rng.standard_normal((len(topic), DIM)).astype(np.float32)
    vectors = unit_rows(centres[topic] + 0.15 * noise)
    chunks = [
        Chunk(f"c{i}", f"text {i}", "h", {"topic": int(t), "customer_id": i % 100})
        for i, t in enumerate(topic)
    ]
    return chunks, vectors, centres


def pair(**options: int) -> tuple[MemoryVectorIndex, MemoryVectorIndex, NDArray[np.float32]]:
    """The same corpus in an index with inverted lists and in an exact one."""
    chunks, vectors, centres = corpus()
    approximate = MemoryVectorIndex(ivf_min_rows=500, nprobe=4, **options)
    exact = MemoryVectorIndex(ivf_min_rows=10**9)
    for index in (approximate, exact):
        index.upsert(chunks, vectors)
    return approximate, exact, centres


def ids(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.id for h in hits]


class TestCluster:
    def test_lists_cover_every_row_once(self) -> None:
        _, vectors, _ = corpus()
        rows = np.arange(len(vectors))
        order, clusters = ivf.cluster(vectors, rows, lists=ivf.lists_for(len(rows)))
        assert sorted(order.tolist()) == rows.tolist()
        assert clusters.rows == len(rows)
        assert len(clusters.centroids) == 44  # sqrt(2000)
        assert np.linalg.norm(clusters.centroids, axis=1) == pytest.approx(1.0, abs=1e-5)


class TestQuery:
    def test_recall_against_exact_search(self) -> None:
        approximate, exact, centres = pair()
        rng = np.random.default_rng(1)
        queries = unit_rows(
            centres[rng.integers(0, TOPICS, 30)] + 0.3 * rng.standard_normal((30, DIM))
        )
        found = [
            len(set(ids(approximate.query(q, 10))) & set(ids(exact.query(q, 10))))
            for q in queries.astype(np.float32)
        ]
        assert sum(found) / (10 * len(queries)) >= 0.9

    def test_scores_are_exact_cosines(self) -> None:
        approximate, exact, centres = pair()
        top = approximate.query(centres[3], 5)
        stored = approximate.vectors(ids(top))
        assert [h.score for h in top] == pytest.approx((stored @ centres[3]).tolist(), abs=1e-5)
        assert exact.query(centres[3], 1)[0].id == top[0].id

    def test_selective_filter_is_answered_exactly(self) -> None:
        approximate, exact, centres = pair()
        where = {"customer_id": 7}  # 20 rows spread over every topic
        got = approximate.query(centres[0], 50, where)
        assert ids(got) == ids(exact.query(centres[0], 50, where))
        assert len(got) == 20

    def test_filter_far_from_the_query_still_fills_k(self) -> None:
        approximate, exact, centres = pair(exact_limit=10)
        where = {"topic": 39}  # 50 rows, all in lists far from topic 0's centre
        got = approximate.query(centres[0], 5, where)
        assert len(got) == 5
        assert ids(got) == ids(exact.query(centres[0], 5, where))


class TestUpdatesAfterClustering:
    def test_replaced_vector_is_found_at_its_new_place(self) -> None:
        approximate, _, centres = pair()
        approximate.query(centres[0], 1)  # clusters
        approximate.upsert([Chunk("c5", "moved", "h2", {"topic": 0})], centres[20][None, :])
        top = approximate.query(centres[20], 1)[0]
        assert (top.id, top.text) == ("c5", "moved")
        assert approximate.count() == 2000
        assert "c5" not in ids(approximate.query(centres[0], 60))

    def test_delete_and_new_rows(self) -> None:
        approximate, _, centres = pair()
        approximate.query(centres[0], 1)
        approximate.delete(["c0"])
        assert "c0" not in ids(approximate.query(centres[0], 60))
        approximate.upsert([Chunk("new", "new", "h", {})], centres[11][None, :])
        assert approximate.query(centres[11], 1)[0].id == "new"
        assert approximate.count() == 2000

    def test_reclusters_when_many_rows_were_added(self) -> None:
        approximate, _, centres = pair()
        approximate.query(centres[0], 1)
        rng = np.random.default_rng(2)
        extra = unit_rows(
            centres[rng.integers(0, TOPICS, 400)] + 0.15 * rng.standard_normal((400, DIM))
        )
        approximate.upsert(
            [Chunk(f"x{i}", "x", "h", {}) for i in range(400)], extra.astype(np.float32)
        )
        got = approximate.query(extra[0].astype(np.float32), 1)
        assert got[0].id == "x0"
        assert approximate.count() == 2400
        assert approximate._clusters is not None
        assert approximate._clusters.rows == 2400  # the tail passed 10%: lists were rebuilt
