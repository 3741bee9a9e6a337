"""Ingestion: SQL in batches, unchanged files skipped, idempotent indexing, resume after a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.knowledge import consistency
from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.articles import repository as article_repository
from kcrm.knowledge.articles.models import ArticleStatus, ArticleVersion
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from kcrm.knowledge.ingest import JOURNAL_NAME, Ingestor
from kcrm.knowledge.lazy import LazyLexicalIndex, LazyVectorIndex
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


def _corpus(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        head = f"---\nid: KB-7{i:03d}\ntitle: Heater {i}\nlanguage: en\nstatus: published\n---\n"
        body = f"# Heater {i}\n\n## Reset\n\nHold reset on heater {i} for ten seconds."
        (folder / f"heater-{i}.md").write_text(head + body)
    return folder


class TestUnchangedReingest:
    def test_one_query_and_no_chunking_for_any_number_of_unchanged_files(
        self,
        session: Session,
        factory: Factory,
        knowledge: KnowledgeEngine,
        settings: Settings,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        folder = _corpus(tmp_path / "kb", 30)
        assert _ingest(factory, knowledge, settings, folder).created == 30
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(session.connection(), "before_cursor_execute", listener)
        monkeypatch.setattr("kcrm.knowledge.sources.chunk_text", pytest.fail)
        try:
            report = _ingest(factory, knowledge, settings, folder)
        finally:
            event.remove(session.connection(), "before_cursor_execute", listener)
        assert (report.unchanged, report.chunks, report.embedded) == (30, 0, 0)
        lazy = build_engine(settings, lazy=True)
        assert Ingestor(factory, lazy, settings).run([folder]).unchanged == 30  # type: ignore[arg-type]
        assert isinstance(lazy.vectors, LazyVectorIndex)
        assert isinstance(lazy.lexical, LazyLexicalIndex)
        assert not lazy.vectors.opened  # nothing changed: no index was even opened
        assert not lazy.lexical.opened
        # Savepoint bookkeeping aside, the only statement is the one SELECT of the batch.
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(reads) == 1
        assert "FROM articles" in reads[0]
        assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]

    def test_an_id_repeated_in_one_batch_is_saved_in_order(
        self, session: Session, factory: Factory, knowledge: KnowledgeEngine, tmp_path: Path
    ) -> None:
        settings = knowledge_settings(tmp_path)
        (tmp_path / "a.md").write_text(_article(2))
        (tmp_path / "b.md").write_text(_article(3))
        report = _ingest(factory, knowledge, settings, tmp_path / "a.md", tmp_path / "b.md")
        assert (report.created, report.updated) == (1, 1)
        article = article_repository.get_by_external_id(session, "KB-8001")
        assert article is not None
        assert "Step 2" in article.body
        assert len(_ids(knowledge, "article:KB-8001:")[0]) == 3


class TestResume:
    def test_a_run_that_died_before_indexing_is_finished_by_the_next(
        self,
        session: Session,
        factory: Factory,
        knowledge: KnowledgeEngine,
        settings: Settings,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        folder = _corpus(tmp_path / "kb", 3)

        def die(*args: object, **kwargs: object) -> None:
            raise RuntimeError("killed between the commit and the indexes")

        monkeypatch.setattr(knowledge, "index", die)
        with pytest.raises(RuntimeError, match="killed"):
            _ingest(factory, knowledge, settings, folder)
        monkeypatch.undo()
        assert (settings.data_dir / JOURNAL_NAME).exists()
        assert len(consistency.check(session, knowledge, settings, sources=["article"]).missing)

        report = _ingest(factory, knowledge, settings, folder)
        assert report.unchanged == 3  # SQL already had them: only the journal says to index
        assert consistency.check(session, knowledge, settings, sources=["article"]).clean
        assert not (settings.data_dir / JOURNAL_NAME).exists()


def knowledge_settings(tmp_path: Path) -> Settings:
    """Settings with small chunks so one short section is one chunk."""
    return Settings(data_dir=tmp_path / "var", chunk_size=80, chunk_overlap=0)
