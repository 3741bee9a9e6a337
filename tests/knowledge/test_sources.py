"""Documents to chunks for articles, past resolutions and customer history."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.crm.customers.models import Direction, Interaction, InteractionKind
from kcrm.crm.tickets.models import AuthorKind, TicketAction, TicketKind, TicketStatus
from kcrm.knowledge import sources
from kcrm.knowledge.articles.models import ArticleStatus, Visibility
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer
from tests.factories.knowledge import make_article
from tests.factories.orders import make_order
from tests.factories.tickets import make_message, make_ticket


class TestArticleDoc:
    def test_published_article_has_stable_ids_and_metadata(
        self, session: Session, settings: Settings
    ) -> None:
        article = make_article(session, external_id="KB-7001", product_sku="HC-K-1")
        doc = sources.article_doc(article, settings)
        assert [c.id for c in doc.chunks] == ["article:KB-7001:0"]
        meta = doc.chunks[0].metadata
        assert meta["source"] == "article"
        assert meta["doc_id"] == "KB-7001"
        assert (meta["language"], meta["product"], meta["status"]) == ("en", "HC-K-1", "published")
        assert (meta["visibility"], meta["version"], meta["chunk_index"]) == ("public", 1, 0)
        assert doc.chunks == sources.article_doc(article, settings).chunks

    def test_draft_has_no_chunks(self, session: Session, settings: Settings) -> None:
        article = make_article(session, status="draft")
        assert sources.article_doc(article, settings).chunks == []

    def test_hash_covers_metadata_not_only_text(self, session: Session, settings: Settings) -> None:
        article = make_article(session)
        before = sources.article_doc(article, settings).chunks[0]
        article.visibility = Visibility.internal
        after = sources.article_doc(article, settings).chunks[0]
        assert before.text == after.text
        assert before.content_hash != after.content_hash

    def test_retired_article_has_no_chunks(self, session: Session, settings: Settings) -> None:
        article = make_article(session)
        article.status = ArticleStatus.retired
        assert sources.article_doc(article, settings).chunks == []


class TestResolutionDocs:
    def test_resolved_ticket_becomes_problem_work_log_and_outcome(
        self, session: Session, settings: Settings
    ) -> None:
        product = make_product(session, sku="HC-DW-60")
        ticket = make_ticket(
            session,
            subject="Dishwasher shows E24",
            language="en",
            kind=TicketKind.complaint,
            status=TicketStatus.resolved,
            product_id=product.id,
            resolution_summary="Cleaned the filter; E24 gone.",
            satisfaction=5,
        )
        make_message(session, ticket, body="It stops with E24 after ten minutes.")
        make_message(session, ticket, author_kind=AuthorKind.agent, body="Please clean the filter.")
        make_message(
            session, ticket, author_kind=AuthorKind.agent, internal=True, body="SECRET NOTE"
        )
        session.add(TicketAction(ticket_id=ticket.id, action="sent_guide", details={"kb": "KB-1"}))
        session.flush()

        [doc] = sources.resolution_docs(session, [ticket.id], settings)
        text = "\n".join(c.text for c in doc.chunks)
        assert doc.prefix == f"resolution:{ticket.id}:"
        assert "It stops with E24" in text
        assert "Please clean the filter." in text
        assert "SECRET NOTE" not in text  # internal notes never become knowledge
        assert "sent_guide: kb=KB-1" in text
        assert "Cleaned the filter; E24 gone." in text
        assert "Satisfaction: 5/5" in text
        meta = doc.chunks[0].metadata
        assert (meta["product"], meta["visibility"], meta["status"]) == (
            "HC-DW-60",
            "internal",
            "resolved",
        )
        assert "customer_id" not in meta

    def test_open_ticket_has_no_document(self, session: Session, settings: Settings) -> None:
        ticket = make_ticket(session, status=TicketStatus.open)
        [doc] = sources.resolution_docs(session, [ticket.id], settings)
        assert doc.chunks == []

    def test_chinese_ticket_gets_chinese_labels(self, session: Session, settings: Settings) -> None:
        ticket = make_ticket(
            session, subject="热水器不加热", language="zh", status=TicketStatus.closed
        )
        [doc] = sources.resolution_docs(session, [ticket.id], settings)
        text = "\n".join(c.text for c in doc.chunks)
        assert "问题" in text
        assert "处理结果" in text


class TestHistoryDoc:
    def test_customer_history_carries_customer_id(
        self, session: Session, settings: Settings
    ) -> None:
        customer = make_customer(session, name="Li Lei", email="li@kcrm-test.com")
        make_ticket(session, customer=customer, subject="Oven door loose")
        order = make_order(session, customer=customer)
        session.add(
            Interaction(
                customer_id=customer.id,
                kind=InteractionKind.call,
                direction=Direction.outbound,
                subject="Follow-up on oven",
                summary="Customer happy",
            )
        )
        session.flush()
        doc = sources.history_doc(session, customer.id, settings)
        text = "\n".join(c.text for c in doc.chunks)
        assert doc.chunks
        assert all(c.metadata["customer_id"] == customer.id for c in doc.chunks)
        assert {c.metadata["source"] for c in doc.chunks} == {"history"}
        assert "Oven door loose" in text
        assert order.number in text
        assert "Follow-up on oven" in text
        assert "li@kcrm-test.com" not in text  # contact details stay out of the index

    def test_customer_without_activity_has_no_document(
        self, session: Session, settings: Settings
    ) -> None:
        customer = make_customer(session)
        assert sources.history_doc(session, customer.id, settings).chunks == []
