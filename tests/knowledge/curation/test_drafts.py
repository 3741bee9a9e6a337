"""Resolved tickets become draft articles; duplicates of published ones are flagged."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.core.errors import Conflict, NotFound
from kcrm.crm.tickets.models import AuthorKind, Ticket, TicketAction, TicketStatus
from kcrm.knowledge.articles.models import Article, ArticleStatus
from kcrm.knowledge.curation import drafts
from kcrm.knowledge.engine import KnowledgeEngine
from tests.factories.customers import make_customer
from tests.factories.knowledge import make_article
from tests.factories.tickets import make_message, make_ticket

QUESTION = "My kettle shows error E4 and will not heat the water"


def _resolved(session: Session, subject: str = "Kettle error E4", **kw: object) -> Ticket:
    customer = make_customer(session, name="Emily Chen", language="en")
    ticket = make_ticket(
        session,
        customer=customer,
        subject=subject,
        status=TicketStatus.resolved,
        language="en",
        resolution_summary="Descaled; kettle heats again",
        **kw,
    )
    make_message(session, ticket, body=f"{QUESTION}. Call me on 13812345678.")
    make_message(
        session,
        ticket,
        author_kind=AuthorKind.agent,
        body="Hi Emily, please descale the kettle with citric acid and restart it.",
    )
    make_message(
        session,
        ticket,
        author_kind=AuthorKind.agent,
        internal=True,
        body="INTERNAL: customer is a known complainer",
    )
    session.add(TicketAction(ticket_id=ticket.id, action="send_guide", details={"guide": "E4"}))
    session.flush()
    return ticket


class TestFromTickets:
    def test_builds_a_masked_draft_linking_its_ticket(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        ticket = _resolved(session)
        draft = drafts.from_tickets(
            session, knowledge, settings=settings, ticket_ids=[ticket.id], owner="km"
        )
        article = draft.article
        assert (article.status, article.title, article.owner) == (
            ArticleStatus.draft,
            "Kettle error E4",
            "km",
        )
        assert article.source_ticket_ids == [ticket.id]
        assert "## Problem" in article.body
        assert "## Resolution steps" in article.body
        assert "1. Hi [customer], please descale the kettle" in article.body
        assert "2. send guide (guide=E4)" in article.body
        assert "[phone]" in article.body
        assert "13812345678" not in article.body
        assert "Emily" not in article.body
        assert "INTERNAL" not in article.body
        assert f"- Ticket #{ticket.id}" in article.body
        assert draft.duplicate is None

    def test_open_ticket_is_refused(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        ticket = make_ticket(session, status=TicketStatus.open)
        with pytest.raises(Conflict, match="not yet"):
            drafts.from_tickets(
                session, knowledge, settings=settings, ticket_ids=[ticket.id], owner=None
            )

    def test_unknown_ticket_is_404(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        with pytest.raises(NotFound, match="999999"):
            drafts.from_tickets(
                session, knowledge, settings=settings, ticket_ids=[999999], owner=None
            )

    def test_a_ticket_is_drafted_once(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        ticket = _resolved(session)
        first = drafts.from_tickets(
            session, knowledge, settings=settings, ticket_ids=[ticket.id], owner=None
        )
        with pytest.raises(Conflict, match=first.article.external_id):
            drafts.from_tickets(
                session, knowledge, settings=settings, ticket_ids=[ticket.id], owner=None
            )

    def test_duplicate_of_a_published_article_is_flagged(
        self,
        session: Session,
        knowledge: KnowledgeEngine,
        settings: Settings,
        index: Callable[[Article], None],
    ) -> None:
        ticket = _resolved(session)
        preview = drafts._compose(session, [ticket])
        published = make_article(session, title=preview.title, body=preview.body)
        index(published)
        draft = drafts.from_tickets(
            session, knowledge, settings=settings, ticket_ids=[ticket.id], owner=None
        )
        assert draft.duplicate is not None
        assert draft.duplicate.article.id == published.id
        assert draft.duplicate.score >= settings.duplicate_threshold
        assert (draft.article.duplicate_of_id, draft.article.status) == (
            published.id,
            ArticleStatus.draft,
        )


class TestAuto:
    def test_clusters_similar_tickets_into_one_draft(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        first, second = _resolved(session), _resolved(session)
        lone = make_ticket(session, subject="Invoice for a company", status=TicketStatus.closed)
        found = drafts.auto(
            session, knowledge, settings=settings, days=30, min_tickets=2, max_drafts=5, owner=None
        )
        assert [d.article.source_ticket_ids for d in found] == [[first.id, second.id]]
        assert f"### Ticket #{second.id}" in found[0].article.body
        again = drafts.auto(
            session, knowledge, settings=settings, days=30, min_tickets=1, max_drafts=5, owner=None
        )
        assert [d.article.source_ticket_ids for d in again] == [[lone.id]]
