"""The engine: idempotent indexing into both indexes, deletes, search, and build from settings."""

from __future__ import annotations

import hashlib

import pytest

from kcrm.config import Settings
from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from kcrm.knowledge.lazy import LazyLexicalIndex, LazyVectorIndex
from kcrm.knowledge.ports import Chunk


def chunk(source: str, doc_id: str, index: int, text: str, **metadata: object) -> Chunk:
    meta = {"source": source, "doc_id": doc_id, "chunk_index": index, **metadata}
    digest = hashlib.sha1(text.encode()).hexdigest()
    return Chunk(id=f"{source}:{doc_id}:{index}", text=text, content_hash=digest, metadata=meta)  # type: ignore[arg-type]


CORPUS = [
    chunk("article", "KB-0001", 0, "Kettle leaks from the bottom"),
    chunk("article", "KB-0001", 1, "Descale the kettle monthly"),
    chunk("article", "KB-0002", 0, "Fridge makes a buzzing noise"),
    chunk("history", "C7", 0, "Customer 7 returned a kettle", customer_id=7),
]


@pytest.fixture(params=["memory", "chroma"])
def engine(
    request: pytest.FixtureRequest, settings: Settings
) -> tuple[KnowledgeEngine, FakeEmbedder]:
    fake = FakeEmbedder(dimension=32)
    configured = settings.model_copy(update={"vector_index": request.param})
    return build_engine(configured, embedder=fake), fake


class TestIndex:
    def test_indexes_both_indexes(self, engine: tuple[KnowledgeEngine, FakeEmbedder]) -> None:
        knowledge, fake = engine
        report = knowledge.index(CORPUS)
        assert (report.total, report.indexed, report.skipped) == (4, 4, 0)
        assert knowledge.vectors.count() == 4
        assert knowledge.lexical.count() == 4
        assert fake.embedded == 4

    def test_unchanged_chunks_embed_nothing(
        self, engine: tuple[KnowledgeEngine, FakeEmbedder]
    ) -> None:
        knowledge, fake = engine
        knowledge.index(CORPUS)
        done: list[int] = []
        report = knowledge.index(CORPUS, progress=done.append)
        assert (report.indexed, report.skipped) == (0, 4)
        assert fake.embedded == 4
        assert sum(done) == 4

    def test_changed_chunk_is_reembedded(
        self, engine: tuple[KnowledgeEngine, FakeEmbedder]
    ) -> None:
        knowledge, fake = engine
        knowledge.index(CORPUS)
        edited = chunk("article", "KB-0002", 0, "Fridge makes a clicking noise")
        assert knowledge.index([*CORPUS[:2], edited]).indexed == 1
        assert fake.embedded == 5
        assert knowledge.search("clicking fridge", k=1)[0].text == "Fridge makes a clicking noise"

    def test_chunk_missing_from_one_index_is_repaired(
        self, engine: tuple[KnowledgeEngine, FakeEmbedder]
    ) -> None:
        knowledge, _ = engine
        knowledge.index(CORPUS)
        knowledge.lexical.delete([CORPUS[0].id])  # as if a crash hit between the two writes
        assert knowledge.index(CORPUS).indexed == 1
        assert knowledge.lexical.count() == 4


class TestDelete:
    def test_delete_prefix_removes_one_document(
        self, engine: tuple[KnowledgeEngine, FakeEmbedder]
    ) -> None:
        knowledge, _ = engine
        knowledge.index(CORPUS)
        assert knowledge.delete_prefix("article:KB-0001:") == 2
        assert set(knowledge.vectors.hashes()) == {"article:KB-0002:0", "history:C7:0"}
        assert knowledge.lexical.count() == 2

    def test_delete_ids(self, engine: tuple[KnowledgeEngine, FakeEmbedder]) -> None:
        knowledge, _ = engine
        knowledge.index(CORPUS)
        knowledge.delete(["history:C7:0"])
        assert knowledge.search("kettle returned", customer_id=7, sources=["history"]) == []


class TestSearch:
    def test_history_needs_the_customer(self, engine: tuple[KnowledgeEngine, FakeEmbedder]) -> None:
        knowledge, _ = engine
        knowledge.index(CORPUS)
        assert "history:C7:0" not in [h.id for h in knowledge.search("returned kettle")]
        assert "history:C7:0" in [h.id for h in knowledge.search("returned kettle", customer_id=7)]
        assert "history:C7:0" not in [
            h.id for h in knowledge.search("returned kettle", customer_id=8)
        ]


class TestBuildEngine:
    def test_unknown_fusion(self, settings: Settings) -> None:
        with pytest.raises(ValueError, match="unknown fusion"):
            build_engine(settings.model_copy(update={"fusion": "max"}), embedder=FakeEmbedder())

    def test_lexical_index_survives_a_restart(self, settings: Settings) -> None:
        configured = settings.model_copy(update={"vector_index": "chroma"})
        build_engine(configured, embedder=FakeEmbedder()).index(CORPUS)
        fake = FakeEmbedder()
        reopened = build_engine(configured, embedder=fake)
        assert reopened.lexical.count() == 4
        assert reopened.index(CORPUS).indexed == 0
        assert fake.embedded == 0


class TestLazyEngine:
    def test_unknown_index_name_still_fails_at_startup(self, settings: Settings) -> None:
        configured = settings.model_copy(update={"vector_index": "faiss"})
        with pytest.raises(ValueError, match="unknown vector index 'faiss'"):
            build_engine(configured, lazy=True)

    def test_indexes_open_on_first_use_and_keep_what_was_stored(self, settings: Settings) -> None:
        configured = settings.model_copy(update={"vector_index": "chroma"})
        build_engine(configured, embedder=FakeEmbedder()).index(CORPUS)
        lazy = build_engine(configured, embedder=FakeEmbedder(), lazy=True)
        assert isinstance(lazy.vectors, LazyVectorIndex)
        assert isinstance(lazy.lexical, LazyLexicalIndex)
        assert not lazy.vectors.opened
        assert not lazy.lexical.opened
        assert lazy.index(CORPUS).indexed == 0  # both hold every hash: nothing to embed
        assert lazy.vectors.opened
        assert lazy.lexical.opened
        assert [h.id for h in lazy.search("buzzing fridge", k=1)] == ["article:KB-0002:0"]
