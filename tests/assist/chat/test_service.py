"""Chat use cases against a real database and a real engine (fake embedder)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.assist.chat import service
from kcrm.assist.chat.models import ChatMessage, ChatSession, ChatStatus
from kcrm.assist.chat.schemas import ChatReply, ChatSessionCreate
from kcrm.assist.gaps.models import KnowledgeGap
from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.config import Settings
from kcrm.core.errors import Forbidden, NotFound
from kcrm.crm.customers.models import Customer
from kcrm.crm.orders.models import OrderStatus
from kcrm.crm.tickets.models import Channel, Ticket, TicketKind, TicketMessage
from kcrm.knowledge.articles.models import Article
from kcrm.knowledge.curation.models import ArticleUsage
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ports import Generator
from tests.assist.chat.conftest import Publish
from tests.factories.customers import make_customer
from tests.factories.orders import make_order
from tests.factories.tickets import make_ticket

KETTLE = {
    "title": "Kettle descaling",
    "body": "# Kettle descaling\n\n## Steps\n\nFill the kettle with white vinegar and water. "
    "Boil the kettle twice. Rinse the kettle well before use.\n\n## Warranty\n\n"
    "Kettles have a 1-year warranty.",
}


def _customer_principal(customer: Customer) -> Principal:
    return Principal(role=Role.customer, user_id=None, customer_id=customer.id)


class _Chat:
    """One chat as a test drives it."""

    def __init__(
        self,
        session: Session,
        knowledge: KnowledgeEngine,
        generator: Generator,
        settings: Settings,
        principal: Principal | None,
    ) -> None:
        self.args = (session, knowledge, generator)
        self.settings = settings
        self.principal = principal
        self.chat, self.token = service.create(
            session, principal=principal, data=ChatSessionCreate()
        )

    def ask(self, text: str) -> ChatReply:
        return service.post_message(
            *self.args, settings=self.settings, chat=self.chat, principal=self.principal, text=text
        )


@pytest.fixture
def chat_for(
    session: Session, knowledge: KnowledgeEngine, generator: Generator, settings: Settings
):  # type: ignore[no-untyped-def]
    settings.chat_min_confidence = 0.55  # separates the fake embedder's hits from misses

    def _make(customer: Customer | None) -> _Chat:
        principal = _customer_principal(customer) if customer else None
        return _Chat(session, knowledge, generator, settings, principal)

    return _make


class TestCreate:
    def test_customer_session_takes_the_customer_language(self, session: Session) -> None:
        customer = make_customer(session, language="en")
        chat, token = service.create(
            session, principal=_customer_principal(customer), data=ChatSessionCreate()
        )
        assert chat.customer_id == customer.id
        assert chat.language == "en"
        assert len(token) >= 32
        assert token not in chat.token_hash  # only the hash is stored

    def test_anonymous_session(self, session: Session) -> None:
        chat, _ = service.create(session, principal=None, data=ChatSessionCreate(language="zh"))
        assert chat.customer_id is None
        assert chat.status == ChatStatus.open

    def test_staff_cannot_open_a_chat(self, session: Session) -> None:
        with pytest.raises(Forbidden):
            service.create(
                session, principal=Principal(role=Role.agent, user_id=1), data=ChatSessionCreate()
            )


class TestGet:
    def test_anonymous_needs_its_token(self, session: Session) -> None:
        chat, token = service.create(session, principal=None, data=ChatSessionCreate())
        assert service.get(session, session_id=chat.id, principal=None, token=token) is chat
        with pytest.raises(NotFound):
            service.get(session, session_id=chat.id, principal=None, token="wrong")
        with pytest.raises(NotFound):
            service.get(session, session_id=chat.id, principal=None, token=None)

    def test_other_customer_gets_404(self, session: Session) -> None:
        owner, other = make_customer(session), make_customer(session)
        chat, token = service.create(
            session, principal=_customer_principal(owner), data=ChatSessionCreate()
        )
        with pytest.raises(NotFound):
            service.get(
                session, session_id=chat.id, principal=_customer_principal(other), token=token
            )

    def test_unknown_session(self, session: Session) -> None:
        with pytest.raises(NotFound):
            service.get(session, session_id=999_999, principal=None, token="x")


class TestOrderStatus:
    def test_latest_shipped_order(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        customer = make_customer(session)
        make_order(session, customer=customer, status=OrderStatus.delivered)
        shipped = make_order(
            session,
            customer=customer,
            status=OrderStatus.shipped,
            carrier="SF Express",
            tracking_number="SF1234567890123",
            shipped_at=datetime(2026, 3, 2, tzinfo=UTC),
        )
        reply = chat_for(customer).ask("我的订单到哪了？")
        text = reply.message.text
        assert shipped.number in text
        assert "已发货" in text
        assert "SF Express" in text
        assert "SF1234567890123" in text
        assert "2026-03-02" in text
        assert reply.message.citations[0].ref == shipped.number
        assert reply.handoff is None

    def test_named_order_in_english(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        customer = make_customer(session)
        order = make_order(session, customer=customer, status=OrderStatus.paid)
        reply = chat_for(customer).ask(f"where is my order {order.number}?")
        assert f"Your order {order.number} is paid" in reply.message.text
        assert reply.message.language == "en"

    def test_another_customers_order_is_not_found(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        other = make_order(session, status=OrderStatus.shipped, tracking_number="SF999000111")
        reply = chat_for(make_customer(session)).ask(f"订单 {other.number} 到哪了")
        assert "没有找到" in reply.message.text
        assert other.number not in reply.message.text
        assert "SF999000111" not in reply.message.text

    def test_anonymous_is_asked_to_log_in(self, chat_for) -> None:  # type: ignore[no-untyped-def]
        reply = chat_for(None).ask("where is my order?")
        assert "log in" in reply.message.text
        assert reply.handoff is None


class TestTicketStatus:
    def test_lists_own_open_tickets_only(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        customer = make_customer(session)
        mine = make_ticket(session, customer=customer, subject="热水器漏水")
        make_ticket(session, subject="别人的工单")
        reply = chat_for(customer).ask("我的工单进展怎么样了")
        assert f"#{mine.id}" in reply.message.text
        assert "热水器漏水" in reply.message.text
        assert "别人的工单" not in reply.message.text


class TestKnowledge:
    def test_answers_with_citations(self, chat_for, publish: Publish) -> None:  # type: ignore[no-untyped-def]
        article_id = publish(**KETTLE)
        reply = chat_for(None).ask("How do I descale my kettle with vinegar?")
        assert reply.handoff is None, reply.message.text
        assert "vinegar" in reply.message.text
        assert reply.message.citations[0].ref == article_id
        assert reply.message.citations[0].version == 1
        assert reply.message.confidence is not None
        assert reply.message.confidence >= 0.55

    def test_retrieved_and_cited_articles_are_counted(
        self,
        session: Session,
        chat_for,  # type: ignore[no-untyped-def]
        publish: Publish,
    ) -> None:
        cited = publish(**KETTLE)
        other = publish(title="Toaster crumbs", body="# Toaster\n\nEmpty the crumb tray weekly.")
        chat = chat_for(None)
        chat.ask("How do I descale my kettle with vinegar?")
        rows = session.execute(
            select(Article.external_id, ArticleUsage.kind)
            .join(Article)
            .where(ArticleUsage.ref == f"chat:{chat.chat.id}")
        ).all()
        events = {(e, str(k)) for e, k in rows}
        assert (cited, "retrieved") in events
        assert (cited, "cited") in events
        assert (other, "cited") not in events
        assert len(rows) == len(events)  # one event per article and kind

    def test_internal_and_draft_articles_are_never_used(
        self,
        chat_for,
        publish: Publish,  # type: ignore[no-untyped-def]
    ) -> None:
        publish(**{**KETTLE, "visibility": "internal", "body": KETTLE["body"] + " SECRET-LIMIT"})
        publish(**{**KETTLE, "title": "Kettle draft", "status": "draft"})
        reply = chat_for(None).ask("How do I descale my kettle with vinegar?")
        assert "SECRET-LIMIT" not in reply.message.text
        assert reply.message.citations == []
        assert reply.handoff is not None
        assert reply.handoff.reason == "low_confidence"


class TestHandoff:
    def test_customer_request_opens_a_routed_ticket(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        customer = make_customer(session)
        chat = chat_for(customer)
        chat.ask("我的手机号是 13812345678，订单到哪了")
        reply = chat.ask("太差了，我要投诉，转人工")
        assert reply.handoff is not None
        assert reply.handoff.reason == "requested"
        ticket = session.get(Ticket, reply.handoff.ticket_id)
        assert ticket is not None
        assert ticket.customer_id == customer.id
        assert ticket.kind == TicketKind.complaint
        assert ticket.queue == "complaints"
        assert ticket.channel == Channel.chat
        assert f"#{ticket.id}" in reply.message.text
        assert "人工客服" in reply.message.text
        assert chat.chat.status == ChatStatus.handed_off
        transcript = session.scalars(
            select(TicketMessage.body).where(
                TicketMessage.ticket_id == ticket.id, TicketMessage.internal.is_(False)
            )
        ).one()
        assert "138****5678" in transcript
        assert "13812345678" not in transcript
        assert "订单到哪了" in transcript
        assert "我要投诉" in transcript

    def test_ticket_holds_masked_transcript_and_internal_context(
        self,
        session: Session,
        chat_for,
        publish: Publish,  # type: ignore[no-untyped-def]
    ) -> None:
        publish(**KETTLE)
        chat = chat_for(make_customer(session))
        reply = chat.ask("my card 6222020200001234 was charged twice, what is the quantum flux?")
        assert reply.handoff is not None
        assert reply.handoff.reason == "low_confidence"
        notes = session.scalars(
            select(TicketMessage).where(TicketMessage.ticket_id == reply.handoff.ticket_id)
        ).all()
        public = [m for m in notes if not m.internal]
        internal = [m for m in notes if m.internal]
        assert len(public) == 1
        assert len(internal) == 1
        assert "**** **** **** 1234" in public[0].body
        assert "6222020200001234" not in public[0].body
        assert "article:" in internal[0].body
        assert "reason=low_confidence" in internal[0].body

    def test_second_handoff_reuses_the_open_ticket(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        chat = chat_for(make_customer(session))
        first = chat.ask("转人工")
        second = chat.ask("talk to a human please")
        assert first.handoff is not None
        assert second.handoff is not None
        assert first.handoff.ticket_id == second.handoff.ticket_id

    def test_anonymous_visitor_gets_no_ticket(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        before = session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1))
        reply = chat_for(None).ask("人工客服")
        assert reply.handoff is not None
        assert reply.handoff.ticket_id is None
        assert "登录" in reply.message.text
        assert session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)) == before

    def test_unanswered_question_becomes_a_gap(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        chat = chat_for(None)
        reply = chat.ask("Can the toaster print photos on bread? call me on 13912345678")
        assert reply.handoff is not None
        assert reply.handoff.reason == "low_confidence"
        gap = session.scalars(
            select(KnowledgeGap).where(KnowledgeGap.ref == f"chat:{chat.chat.id}")
        ).one()
        assert gap.source == "chat"
        assert gap.language == "en"
        assert "13912345678" not in gap.question

    def test_out_of_scope(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        reply = chat_for(make_customer(session)).ask("明天上海天气怎么样？")
        assert reply.handoff is not None
        assert reply.handoff.reason == "out_of_scope"
        assert "超出" in reply.message.text


class TestTranscript:
    def test_stored_messages_are_masked(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        chat = chat_for(make_customer(session))
        chat.ask("身份证 11010519491231002X，电话 139-1234-5678，订单到哪了")
        stored = session.scalars(
            select(ChatMessage).where(ChatMessage.session_id == chat.chat.id)
        ).all()
        assert [m.role for m in stored] == ["user", "assistant"]
        joined = " ".join(m.text for m in stored)
        assert "11010519491231002X" not in joined
        assert "139-1234-5678" not in joined
        assert "1101**********002X" in joined
        assert "139****5678" in joined

    def test_read_returns_the_transcript(self, session: Session, chat_for) -> None:  # type: ignore[no-untyped-def]
        chat = chat_for(None)
        chat.ask("hello")
        read = service.read(session, chat=session.get(ChatSession, chat.chat.id))  # type: ignore[arg-type]
        assert [m.role for m in read.messages] == ["user", "assistant"]
