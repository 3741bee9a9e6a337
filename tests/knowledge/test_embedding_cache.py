"""The embedding cache: vectors by (model, text), persisted, computed once."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.embedding_cache import CachedEmbedder, EmbeddingCache, text_key


class TestEmbeddingCache:
    def test_round_trip(self, tmp_path: Path) -> None:
        cache = EmbeddingCache(tmp_path / "cache.sqlite")
        vector = np.array([0.6, 0.8], dtype=np.float32)
        cache.put_many("m", [(b"k", vector)])
        assert cache.get_many("m", [b"k", b"other"])[b"k"].tolist() == vector.tolist()
        assert cache.get_many("another-model", [b"k"]) == {}
        assert cache.count("m") == 1

    def test_query_and_document_keys_differ(self) -> None:
        assert text_key("hello", "query") != text_key("hello", "document")


class TestCachedEmbedder:
    def test_computes_each_text_once_across_restarts(self, tmp_path: Path) -> None:
        path = tmp_path / "cache.sqlite"
        inner = FakeEmbedder(dimension=8)
        first = CachedEmbedder(inner, EmbeddingCache(path)).embed_documents(["a b", "c", "a b"])
        assert inner.embedded == 2  # the repeated text is embedded once
        again = CachedEmbedder(inner, EmbeddingCache(path))
        second = again.embed_documents(["c", "a b", "new"])
        assert inner.embedded == 3
        assert again.computed == 1
        assert second[0].tolist() == first[1].tolist()
        assert second[1].tolist() == first[0].tolist()

    def test_matches_the_inner_embedder(self, tmp_path: Path) -> None:
        inner = FakeEmbedder(dimension=8)
        cached = CachedEmbedder(inner, EmbeddingCache(tmp_path / "c.sqlite"))
        assert cached.embed_query("kettle").tolist() == inner.embed_query("kettle").tolist()
        assert cached.name == "fake-8"
