"""Only published public articles reach customers."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.knowledge import sources
from kcrm.knowledge.articles.models import Article
from kcrm.knowledge.curation.public import customer_search
from kcrm.knowledge.engine import KnowledgeEngine
from tests.factories.knowledge import make_article

BODY = "Descale the kettle with citric acid every month."


class TestCustomerSearch:
    def test_drafts_and_internal_articles_never_come_back(
        self,
        session: Session,
        knowledge: KnowledgeEngine,
        settings: Settings,
        index: Callable[[Article], None],
    ) -> None:
        public = make_article(session, title="Kettle descaling", body=BODY + " Public.")
        internal = make_article(
            session, title="Kettle descaling", body=BODY + " Staff.", visibility="internal"
        )
        draft = make_article(
            session, title="Kettle descaling", body=BODY + " Draft.", status="draft"
        )
        for article in (public, internal, draft):
            index(article)
        # Even a draft forced into the index (drift) must not reach a customer.
        forced = sources.article_doc(public, settings).chunks[0]
        leaked = type(forced)(
            id=f"article:{draft.external_id}:0",
            text=forced.text + " Leaked.",
            content_hash="x",
            metadata={**forced.metadata, "doc_id": draft.external_id, "status": "draft"},
        )
        knowledge.index([leaked])
        staff = {
            h.metadata["doc_id"] for h in knowledge.search("kettle descaling citric acid", k=10)
        }
        assert internal.external_id in staff
        assert draft.external_id in staff
        hits = customer_search(knowledge, query="kettle descaling citric acid", k=10)
        assert {h.metadata["doc_id"] for h in hits} == {public.external_id}
