"""`index check` and `reindex`: drift between SQL and the indexes is found and repaired."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.crm.tickets.models import TicketStatus
from kcrm.knowledge import consistency, sources
from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ingest import Ingestor
from kcrm.knowledge.ports import Chunk
from tests.factories.knowledge import make_article
from tests.factories.tickets import make_message, make_ticket
from tests.knowledge.conftest import FIXTURES


def _seed(session: Session) -> None:
    make_article(session, external_id="KB-6001")
    make_article(session, external_id="KB-6002", status="draft")
    ticket = make_ticket(session, status=TicketStatus.resolved, subject="Fridge too warm")
    make_message(session, ticket, body="The fridge is at 12 degrees.")


class TestCheck:
    def test_fresh_indexes_report_every_chunk_missing(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        _seed(session)
        report = consistency.check(session, knowledge, settings)
        assert not report.clean
        assert report.expected == len(report.missing) > 0
        assert {i.split(":")[0] for i in report.missing} == {"article", "resolution", "history"}
        assert not any("KB-6002" in i for i in report.missing)  # drafts are not expected

    def test_reports_stale_and_orphaned(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        _seed(session)
        consistency.reindex(session, knowledge, settings)
        [chunk] = [c for c in knowledge.lexical.hashes() if c.startswith("article:KB-6001:")]
        knowledge.index([Chunk(id=chunk, text="tampered", content_hash="x", metadata={})])
        knowledge.index(
            [
                Chunk(
                    id="article:GONE:0",
                    text="old",
                    content_hash="y",
                    metadata={"source": "article"},
                )
            ]
        )
        report = consistency.check(session, knowledge, settings)
        assert report.stale == [chunk]
        assert report.orphaned == ["article:GONE:0"]
        assert report.missing == []

    def test_only_the_chosen_sources(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        _seed(session)
        report = consistency.check(session, knowledge, settings, sources=["article"])
        assert report.missing == ["article:KB-6001:0"]


class TestReindex:
    def test_repairs_drift_and_embeds_only_what_changed(
        self,
        session: Session,
        knowledge: KnowledgeEngine,
        settings: Settings,
        embedder: FakeEmbedder,
    ) -> None:
        _seed(session)
        first = consistency.reindex(session, knowledge, settings)
        assert first.embedded == first.chunks > 0
        knowledge.index(
            [Chunk(id="history:999:0", text="x", content_hash="z", metadata={"source": "history"})]
        )
        before = embedder.embedded
        second = consistency.reindex(session, knowledge, settings)
        assert (second.embedded, second.removed) == (0, 1)
        assert embedder.embedded == before
        assert consistency.check(session, knowledge, settings).clean

    def test_full_rebuild_embeds_everything_again(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        _seed(session)
        consistency.reindex(session, knowledge, settings)
        report = consistency.reindex(session, knowledge, settings, full=True)
        assert report.embedded == report.chunks
        assert consistency.check(session, knowledge, settings).clean

    def test_ingest_then_check_is_clean(
        self,
        session: Session,
        factory: Callable[[], Session],
        knowledge: KnowledgeEngine,
        settings: Settings,
    ) -> None:
        Ingestor(factory, knowledge, settings).run([FIXTURES / "articles"])  # type: ignore[arg-type]
        report = consistency.check(session, knowledge, settings, sources=["article"])
        assert report.clean
        assert report.expected == report.stored["vector"] > 0
        assert sources.SOURCES == ("article", "resolution", "history")
