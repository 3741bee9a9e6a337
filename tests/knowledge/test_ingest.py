"""Ingestion: SQL per article, idempotent indexing, replacing and removing chunks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.articles import repository as article_repository
from kcrm.knowledge.articles.models import ArticleStatus, ArticleVersion
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ingest import Ingestor
from tests.knowledge.conftest import FIXTURES

GOOD = [
    FIXTURES / "articles",
    FIXTURES / "faq.csv",
    FIXTURES / "guide.html",
    FIXTURES / "notes.txt",
]
Factory = Callable[[], Session]


def _article(sections: int, *, status: str = "published") -> str:
    parts = [f"## Step {i}\n\nDo step {i} of the kettle repair carefully." for i in range(sections)]
    head = f"---\nid: KB-8001\ntitle: Kettle repair\nlanguage: en\nstatus: {status}\n---\n"
    return head + "# Kettle repair\n\n" + "\n\n".join(parts)


def _ids(knowledge: KnowledgeEngine, prefix: str) -> tuple[set[str], set[str]]:
    dense = {i for i in knowledge.vectors.hashes() if i.startswith(prefix)}
    lexical = {i for i in knowledge.lexical.hashes() if i.startswith(prefix)}
    return dense, lexical


def _ingest(factory: Factory, knowledge: KnowledgeEngine, settings: Settings, *paths: Path):  # type: ignore[no-untyped-def]
    return Ingestor(factory, knowledge, settings).run(list(paths))  # type: ignore[arg-type]


class TestRun:
    def test_ingests_every_format_and_indexes_only_published(
        self, session: Session, factory: Factory, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        report = _ingest(factory, knowledge, settings, *GOOD)
        assert (report.files, report.documents, report.created) == (6, 8, 8)
        assert report.errors == []
        assert report.chunks == report.embedded > 0
        assert article_repository.get_by_external_id(session, "KB-9003") is not None
        stored = set(knowledge.vectors.hashes())
        assert not any(i.startswith("article:KB-9003:") for i in stored)  # the draft
        assert {"article:FAQ-9002:0", "article:guide:0", "article:notes:0"} <= stored
        hits = knowledge.search("dishwasher E24 drain pump", k=3)
        assert hits[0].metadata["doc_id"] == "KB-9001"

    def test_keeps_declared_version_and_a_published_snapshot(
        self, session: Session, factory: Factory, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        _ingest(factory, knowledge, settings, FIXTURES / "articles")
        article = article_repository.get_by_external_id(session, "KB-9002")
        assert article is not None
        assert article.version == 3
        assert [v.version for v in article_repository.versions(session, article.id)] == [3]
        draft = article_repository.get_by_external_id(session, "KB-9003")
        assert draft is not None
        assert article_repository.versions(session, draft.id) == []

    def test_reingesting_unchanged_content_embeds_nothing(
        self,
        factory: Factory,
        knowledge: KnowledgeEngine,
        settings: Settings,
        embedder: FakeEmbedder,
    ) -> None:
        _ingest(factory, knowledge, settings, *GOOD)
        embedded_before = embedder.embedded
        report = _ingest(factory, knowledge, settings, *GOOD)
        assert embedder.embedded == embedded_before  # the embedder was not called for any text
        assert (report.unchanged, report.created, report.updated) == (8, 0, 0)
        assert (report.embedded, report.removed) == (0, 0)

    def test_bad_files_are_reported_and_good_ones_still_ingested(
        self, factory: Factory, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        report = _ingest(factory, knowledge, settings, FIXTURES / "bad", FIXTURES / "notes.txt")
        assert report.documents == 1
        assert len(report.errors) == 4
        assert any("malformed.md:5: malformed front matter" in e for e in report.errors)

    def test_progress_bar_on_long_ingests(
        self,
        factory: Factory,
        knowledge: KnowledgeEngine,
        settings: Settings,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        Ingestor(factory, knowledge, settings).run(GOOD, progress=True)  # type: ignore[arg-type]
        assert "6/6" in capsys.readouterr().err


class TestUpdates:
    def test_shorter_article_replaces_its_chunks_without_orphans(
        self,
        session: Session,
        factory: Factory,
        knowledge: KnowledgeEngine,
        tmp_path: Path,
    ) -> None:
        settings = knowledge_settings(tmp_path)
        path = tmp_path / "kettle.md"
        path.write_text(_article(5))
        _ingest(factory, knowledge, settings, path)
        assert len(_ids(knowledge, "article:KB-8001:")[0]) == 5
        path.write_text(_article(2))
        report = _ingest(factory, knowledge, settings, path)
        assert report.updated == 1
        assert report.removed == 3
        dense, lexical = _ids(knowledge, "article:KB-8001:")
        assert dense == lexical == {"article:KB-8001:0", "article:KB-8001:1"}
        article = article_repository.get_by_external_id(session, "KB-8001")
        assert article is not None
        assert article.version == 2
        versions = session.scalars(
            select(ArticleVersion.version).where(ArticleVersion.article_id == article.id)
        ).all()
        assert sorted(versions) == [1, 2]  # every published version is kept

    def test_retiring_removes_it_from_every_index(
        self,
        session: Session,
        factory: Factory,
        knowledge: KnowledgeEngine,
        tmp_path: Path,
    ) -> None:
        settings = knowledge_settings(tmp_path)
        path = tmp_path / "kettle.md"
        path.write_text(_article(3))
        _ingest(factory, knowledge, settings, path)
        path.write_text(_article(3, status="retired"))
        _ingest(factory, knowledge, settings, path)
        assert _ids(knowledge, "article:KB-8001:") == (set(), set())
        article = article_repository.get_by_external_id(session, "KB-8001")
        assert article is not None
        assert article.status == ArticleStatus.retired
        assert knowledge.search("kettle repair step", k=5) == []


def knowledge_settings(tmp_path: Path) -> Settings:
    """Settings with small chunks so one short section is one chunk."""
    return Settings(data_dir=tmp_path / "var", chunk_size=80, chunk_overlap=0)
