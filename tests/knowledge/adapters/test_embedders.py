"""Embedder adapters: the exact fake, the routing composite, the factory and the real models."""

from __future__ import annotations

import os

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from kcrm.config import Settings
from kcrm.knowledge.adapters import build_embedder, build_vector_index
from kcrm.knowledge.adapters.embedders import (
    FakeEmbedder,
    LazyEmbedder,
    RoutedEmbedder,
    UseEmbedder,
)
from kcrm.knowledge.embedding_cache import CachedEmbedder


class TestFakeEmbedder:
    def test_exact_vector(self) -> None:
        vector = FakeEmbedder(dimension=4).embed_query("hello")
        # md5("hello") picks bucket 1 with a positive sign: the vector is exactly e1.
        assert vector.tolist() == [0.0, 1.0, 0.0, 0.0]

    def test_shared_words_make_similar_vectors(self) -> None:
        embedder = FakeEmbedder(dimension=64)
        a, b, c = embedder.embed_documents(["washer does not spin", "washer not spin", "红包"])
        assert float(a @ b) > float(a @ c)
        assert np.linalg.norm(a) == pytest.approx(1.0)

    def test_empty_batch(self) -> None:
        assert FakeEmbedder().embed_documents([]).shape == (0, 16)


class TestRoutedEmbedder:
    def test_weights_per_language(self) -> None:
        first, second = FakeEmbedder(dimension=4), FakeEmbedder(dimension=4)
        routed = RoutedEmbedder([(first, 1.0, 0.0), (second, 1.0, 1.0)], name="r")
        english, chinese = routed.embed_documents(["hello", "你好"])
        assert routed.dimension == 8
        assert english.tolist() == pytest.approx([0, 0.5**0.5, 0, 0, 0, 0.5**0.5, 0, 0])
        assert np.count_nonzero(chinese[:4]) == 0  # the English-only part is skipped for Chinese
        assert float(np.linalg.norm(chinese)) == pytest.approx(1.0)

    def test_a_part_is_found_by_name(self) -> None:
        first, second = FakeEmbedder(dimension=4), FakeEmbedder(dimension=8)
        routed = RoutedEmbedder([(first, 1.0, 0.0), (second, 1.0, 1.0)], name="r")
        assert routed.part("fake-8") is second
        assert routed.part("r") is routed
        assert routed.part("usem3") is None
        assert first.part("fake-4") is first
        assert first.part("fake-8") is None

    def test_dot_product_is_weighted_mean_of_cosines(self) -> None:
        first, second = FakeEmbedder(dimension=8), FakeEmbedder(dimension=32)
        routed = RoutedEmbedder([(first, 0.7, 0.0), (second, 0.3, 1.0)], name="r")
        texts = ["card payment declined", "payment declined twice"]
        a, b = routed.embed_documents(texts)
        fa, fb = first.embed_documents(texts)
        sa, sb = second.embed_documents(texts)
        assert float(a @ b) == pytest.approx(0.7 * float(fa @ fb) + 0.3 * float(sa @ sb), abs=1e-6)


class TestLazyEmbedder:
    def test_builds_the_model_on_the_first_texts_only(self) -> None:
        built: list[FakeEmbedder] = []

        def build() -> FakeEmbedder:
            built.append(FakeEmbedder(dimension=4))
            return built[-1]

        lazy = LazyEmbedder(build, name="fake-4", dimension=4)
        assert lazy.embed_documents([]).shape == (0, 4)
        assert (built, lazy.loaded) == ([], False)
        assert lazy.embed_query("hello").tolist() == [0.0, 1.0, 0.0, 0.0]
        lazy.embed_documents(["a", "b"])
        assert len(built) == 1
        assert built[0].embedded == 3

    def test_a_model_of_another_size_is_refused(self) -> None:
        lazy = LazyEmbedder(lambda: FakeEmbedder(dimension=8), name="fake-4", dimension=4)
        with pytest.raises(ValueError, match="fake-8 \\(8-d\\) is not the expected fake-4"):
            lazy.embed_query("hello")

    def test_lazy_bilingual_loads_no_model_before_any_text(self, settings: Settings) -> None:
        settings.data_dir.mkdir(parents=True)
        lazy = build_embedder(settings, "bilingual", lazy=True)
        assert isinstance(lazy, RoutedEmbedder)
        assert lazy.dimension == 384 + 512
        parts = [part.inner for part, _, _ in lazy.parts if isinstance(part, CachedEmbedder)]
        assert [p.name for p in parts] == ["minilm", "usem3"]
        assert not any(isinstance(p, LazyEmbedder) and p.loaded for p in parts)
        assert lazy.embed_documents([]).shape == (0, 896)
        assert not any(isinstance(p, LazyEmbedder) and p.loaded for p in parts)


class TestBuildEmbedder:
    def test_unknown_name_is_a_clear_error(self, settings: Settings) -> None:
        with pytest.raises(ValueError, match="unknown embedder 'nope'; choose one of"):
            build_embedder(settings, "nope")

    def test_wrapped_in_the_cache(self, settings: Settings) -> None:
        embedder = build_embedder(settings, "fake")
        assert isinstance(embedder, CachedEmbedder)
        embedder.embed_documents(["a", "b"])
        assert embedder.cache.count("fake-16") == 2

    def test_st_needs_a_path(self, settings: Settings) -> None:
        with pytest.raises(ValueError, match="KCRM_ST_MODEL_PATH"):
            build_embedder(settings, "st")

    def test_unknown_vector_index(self, settings: Settings) -> None:
        with pytest.raises(ValueError, match="unknown vector index 'faiss'"):
            build_vector_index(settings, "faiss")


@pytest.fixture(scope="module")
def use() -> UseEmbedder:
    return UseEmbedder()


class TestUseEmbedder:
    def test_chinese_query_finds_its_paraphrase(self, use: UseEmbedder) -> None:
        docs = use.embed_documents(
            ["洗衣机脱水时不转怎么办", "如何申请开具发票", "会员积分什么时候过期"]
        )
        scores = docs @ use.embed_query("洗衣机甩干的时候不转了")
        assert int(np.argmax(scores)) == 0

    def test_english_query_finds_its_chinese_translation(self, use: UseEmbedder) -> None:
        docs = use.embed_documents(["如何申请退货退款", "空调不制冷的处理方法", "积分兑换规则"])
        scores = docs @ use.embed_query("The air conditioner is not cooling")
        assert int(np.argmax(scores)) == 1
        assert docs.shape == (3, 512)
        assert np.linalg.norm(docs, axis=1) == pytest.approx(np.ones(3), abs=1e-5)

    @pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
    def test_one_blas_thread_for_a_query_all_for_a_batch(
        self, use: UseEmbedder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seen: list[int] = []
        encode = use._model.encode

        def spy(texts: list[str]) -> object:
            blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
            seen.append(min(i["num_threads"] for i in blas))
            return encode(texts)

        monkeypatch.setattr(use._model, "encode", spy)
        texts = [f"订单 {i} 什么时候发货" for i in range(use.small + 1)]
        single = use.embed_query(texts[0])
        batch = use.embed_documents(texts)
        assert seen == [1, use.threads]
        # The thread count changes the speed, never the vector.
        assert batch[0] == pytest.approx(single, abs=1e-5)


class TestMinilmEmbedder:
    def test_english_paraphrase(self, settings: Settings) -> None:
        minilm = build_embedder(settings, "minilm", cache=False)
        docs = minilm.embed_documents(["How do I reset my PIN?", "Where is my parcel?"])
        scores = docs @ minilm.embed_query("I forgot my card PIN")
        assert minilm.dimension == 384
        assert int(np.argmax(scores)) == 0


class TestBilingual:
    def test_unknown_routed_model(self, settings: Settings) -> None:
        configured = settings.model_copy(update={"routing_weights": {"gpt": (1.0, 1.0)}})
        with pytest.raises(ValueError, match="routing_weights: unknown model 'gpt'"):
            build_embedder(configured, "bilingual")
