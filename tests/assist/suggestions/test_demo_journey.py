"""The demo journey with the real default embedder: an agent asks for a suggestion on
C0001's open complaint (TK-00342, a late air conditioner with a damaged box) and gets a
cited Chinese draft, the customer context and next actions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from kcrm.assist.generation.extractive import GREETING, ExtractiveGenerator
from kcrm.auth.models import Role
from kcrm.config import Settings
from kcrm.crm.customers.models import CreditRating, Language, MemberTier
from kcrm.crm.orders.models import Order, OrderStatus
from kcrm.crm.tickets.models import (
    AuthorKind,
    Priority,
    Ticket,
    TicketAction,
    TicketKind,
    TicketMessage,
    TicketStatus,
)
from kcrm.knowledge import sync
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from tests.assist.suggestions.conftest import Kit
from tests.factories.customers import make_customer
from tests.factories.users import make_user

TICKETS = Path(__file__).parents[3] / "corpus" / "tickets" / "open.jsonl"
ARTICLES = [
    "zh/order-tracking.md",
    "zh/delivery-inspection-damage.md",
    "zh/shipping-carriers-and-times.md",
    "zh/compensation-points-guidelines.md",
    "zh/robot-vacuum-maintenance.md",
    "en/order-tracking-lost-parcels.md",
]


@pytest.fixture(scope="module")
def real_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeEngine]:
    """The default (bilingual) embedder, as the service builds it, over memory indexes."""
    data_dir = tmp_path_factory.mktemp("real") / "var"
    data_dir.mkdir()
    yield build_engine(Settings(data_dir=data_dir, vector_index="memory"))
    sync.unbind()


def _record() -> dict[str, Any]:
    for line in TICKETS.read_text(encoding="utf-8").splitlines():
        record: dict[str, Any] = json.loads(line)
        if record["external_id"] == "TK-00342":
            return record
    raise AssertionError("TK-00342 is missing from corpus/tickets/open.jsonl")


def _demo_complaint(session: Session) -> Ticket:
    """TK-00342 as the demo loads it: 王小明 (gold), order SO-2026-00721 shipped by JD."""
    record = _record()
    owner = make_user(session, role=Role.agent, full_name="李娜")
    customer = make_customer(
        session,
        name="王小明",
        member_points=6200,
        member_tier=MemberTier.gold,
        credit_rating=CreditRating.AA,
    )
    order = Order(
        number=record["order_number"],
        customer_id=customer.id,
        status=OrderStatus.shipped,
        total=Decimal("3299.00"),
        carrier="JD Logistics",
        tracking_number="JDVA61113470528",
    )
    session.add(order)
    session.flush()
    ticket = Ticket(
        subject=record["subject"],
        kind=TicketKind.complaint,
        status=TicketStatus.open,
        priority=Priority.high,
        language=Language.zh,
        queue="complaints",
        customer_id=customer.id,
        order_id=order.id,
        owner_id=owner.id,
    )
    session.add(ticket)
    session.flush()
    for message in record["messages"]:
        author = AuthorKind(message["author"])
        session.add(
            TicketMessage(
                ticket_id=ticket.id,
                author_kind=author,
                author_user_id=owner.id if author == AuthorKind.agent else None,
                body=message["body"],
                internal=message["internal"],
            )
        )
    for action in record["actions"]:
        session.add(
            TicketAction(ticket_id=ticket.id, action=action["action"], details=action["details"])
        )
    session.flush()
    return ticket


@pytest.mark.slow
class TestDemoJourney:
    def test_agent_gets_a_cited_draft_and_next_actions(
        self, session: Session, settings: Settings, real_engine: KnowledgeEngine
    ) -> None:
        kit = Kit(session, real_engine, ExtractiveGenerator(real_engine.embedder), settings)
        kit.load(ARTICLES)
        ticket = _demo_complaint(session)
        result = kit.suggest(ticket.id)
        assert result.draft is not None, result.reason
        assert result.draft.confidence >= settings.assist_min_confidence
        assert result.draft.sentences[0].text == GREETING["zh"]
        claims = [s for s in result.draft.sentences if s.citations]
        assert claims
        cited = {c for s in claims for c in s.citations}
        assert all(re.fullmatch(r"article:KB-\d{4}@v\d+", c) for c in cited)
        assert cited <= {s.citation for s in result.sources}
        # The draft speaks to the complaint: the carrier and the damaged box.
        assert "京东物流" in result.draft.text
        assert "损坏" in result.draft.text or "破损" in result.draft.text
        assert "忽略之前" not in result.draft.text
        context = result.customer_context
        assert (context.name, context.member_tier) == ("王小明", MemberTier.gold)
        assert [(c.id, c.owner_name) for c in context.open_complaints] == [(ticket.id, "李娜")]
        assert context.recent_orders[0].tracking_number == "JDVA61113470528"
        actions = {a.action for a in result.next_actions}
        assert {"share_tracking_number", "hold_marketing"} <= actions
