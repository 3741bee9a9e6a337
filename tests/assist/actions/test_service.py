"""`next_actions` for a ticket: the database, the engine, playbooks and rules together."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from kcrm.assist.actions import repository
from kcrm.assist.actions.service import (
    current_playbooks,
    learn_flows,
    next_actions,
    ticket_task,
    timeline,
)
from kcrm.config import Settings
from kcrm.core.db import utcnow
from kcrm.core.errors import NotFound
from kcrm.crm.tickets.models import TicketKind, TicketStatus
from kcrm.knowledge.adapters.embedders import FakeEmbedder, RoutedEmbedder
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from tests.assist.conftest import index_resolutions
from tests.factories.assist import make_action, make_resolved
from tests.factories.tickets import make_message, make_ticket

LATE = [
    ("customer", "my parcel is late, still not arrived", None),
    ("agent", "Please give me the order number", "verify_identity"),
    ("customer", "SO-1", None),
    ("agent", "", "check_order_status"),
    ("agent", "I chased the carrier", "contact_carrier"),
]


def _past(session: Session, knowledge: KnowledgeEngine, settings: Settings) -> list[int]:
    ids = [
        make_resolved(session, LATE, subject="Parcel late", kind=TicketKind.complaint).id
        for _ in range(3)
    ]
    index_resolutions(session, knowledge, ids, settings)
    return ids


class TestNextActions:
    def test_ranked_with_playbook_flow_ticket_and_rule_evidence(
        self, session: Session, settings: Settings, knowledge: KnowledgeEngine
    ) -> None:
        past = _past(session, knowledge, settings)
        ticket = make_ticket(
            session,
            subject="Parcel late",
            kind=TicketKind.complaint,
            sla_due_at=utcnow() - timedelta(minutes=5),
        )
        make_message(session, ticket, body="my parcel is late, still not arrived")
        make_action(session, ticket, "verify_identity")
        make_action(session, ticket, "check_order_status")
        actions = next_actions(session, engine=knowledge, ticket_id=ticket.id, settings=settings)
        by_action = {a.action: a for a in actions}
        carrier = by_action["contact_carrier"]
        kinds = {e.kind for e in carrier.evidence}
        assert kinds == {"flow", "tickets", "playbook"}
        tickets = next(e for e in carrier.evidence if e.kind == "tickets")
        assert set(tickets.ticket_ids) <= set(past)
        assert tickets.ticket_ids
        playbook = next(e for e in carrier.evidence if e.kind == "playbook")
        assert playbook.ref == "PB-002 step 3"
        assert by_action["escalate"].evidence[0].ref == "sla_breach"
        assert actions == sorted(actions, key=lambda a: -a.score)

    def test_the_task_hint_changes_the_ranking(
        self, session: Session, settings: Settings, knowledge: KnowledgeEngine
    ) -> None:
        # Same words and the same flow so far; only the playbook tag tells the two apart.
        said = ("customer", "I need help with my reservation for Friday", None)
        ids = [
            make_resolved(
                session, [said, ("agent", "", "ask_name"), ("agent", "", step)], tags=[tag]
            ).id
            for step, tag in [("cancel_room", "playbook:hotel_cancel")] * 3
            + [("book_room", "playbook:hotel_book")] * 3
        ]
        index_resolutions(session, knowledge, ids, settings)
        top = {}
        for tag in ("playbook:hotel_cancel", "playbook:hotel_book"):
            ticket = make_ticket(session, subject="Reservation", tags=[tag])
            make_message(session, ticket, body=said[1])
            make_action(session, ticket, "ask_name")
            ranked = next_actions(session, engine=knowledge, ticket_id=ticket.id, settings=settings)
            top[tag] = [a.action for a in ranked[:2]]
        assert top["playbook:hotel_cancel"][0] == "cancel_room"
        assert top["playbook:hotel_book"][0] == "book_room"
        assert "book_room" not in top["playbook:hotel_cancel"]

    def test_the_subject_alone_can_match_a_playbook(
        self, session: Session, settings: Settings, knowledge: KnowledgeEngine
    ) -> None:
        ticket = make_ticket(session, subject="Late delivery", kind=TicketKind.complaint)
        make_message(session, ticket, body="Hello, any news on this?")
        actions = next_actions(session, engine=knowledge, ticket_id=ticket.id, settings=settings)
        refs = {e.ref for a in actions for e in a.evidence if e.kind == "playbook"}
        assert any(ref.startswith("PB-002 ") for ref in refs)

    def test_votes_compare_contexts_with_the_configured_part_only(
        self, session: Session, settings: Settings
    ) -> None:
        words, context = FakeEmbedder(dimension=64), FakeEmbedder(dimension=8)
        routed = RoutedEmbedder([(words, 1.0, 1.0), (context, 0.0, 0.0)], name="pair")
        engine = build_engine(settings, embedder=routed)
        _past(session, engine, settings)
        settings.assist_context_model = "fake-8"
        ticket = make_ticket(session, subject="Parcel late", kind=TicketKind.complaint)
        make_message(session, ticket, body="my parcel is late, still not arrived")
        make_action(session, ticket, "verify_identity")
        before = words.embedded
        actions = next_actions(session, engine=engine, ticket_id=ticket.id, settings=settings)
        assert any(e.kind == "tickets" for a in actions for e in a.evidence)
        assert context.embedded > 0  # every step context of the similar tickets, and ours
        # The other model saw the playbooks and the ticket's question, none of the steps.
        assert words.embedded - before == len(current_playbooks(settings)) + 1

    def test_an_unknown_ticket_is_not_found(
        self, session: Session, settings: Settings, knowledge: KnowledgeEngine
    ) -> None:
        with pytest.raises(NotFound):
            next_actions(session, engine=knowledge, ticket_id=999_999, settings=settings)


class TestLearnFlows:
    def test_resolved_logs_are_learned_per_tagged_task(
        self, session: Session, settings: Settings
    ) -> None:
        make_resolved(session, LATE, tags=["playbook:late_delivery"])
        open_ticket = make_ticket(session, tags=["playbook:late_delivery"])
        make_action(session, open_ticket, "escalated")
        stats = learn_flows(session)
        probs = stats.predict("late_delivery", ["verify_identity", "check_order_status"])
        assert max(probs, key=probs.__getitem__) == "contact_carrier"
        assert "escalated" not in stats.predict("late_delivery", [])

    def test_learned_again_only_when_the_resolved_tickets_change(
        self, session: Session, settings: Settings
    ) -> None:
        first = make_resolved(session, LATE, tags=["playbook:late_delivery"])
        stats = learn_flows(session)
        assert learn_flows(session) is stats  # nothing changed: the same statistics
        make_action(session, first, "apologise")  # a late entry in a resolved log
        again = learn_flows(session)
        assert again is not stats
        assert "apologise" in again.predict("late_delivery", [a for _, _, a in LATE if a])
        first.status = TicketStatus.reopened
        session.flush()
        assert learn_flows(session).predict("late_delivery", []) == {}


class TestTicketTask:
    def test_the_playbook_tag(self, session: Session) -> None:
        assert ticket_task(make_ticket(session, tags=["vip", "playbook:refund_status"])) == (
            "refund_status"
        )
        assert ticket_task(make_ticket(session, tags=["playbook:"])) is None


class TestTimeline:
    def test_actions_come_before_a_message_written_with_them(self, session: Session) -> None:
        at = utcnow()
        ticket = make_ticket(session)
        message = make_message(session, ticket, body="hi", created_at=at)
        action = make_action(session, ticket, "verify_identity", created_at=at)
        messages, actions = repository.case_talk(session, [ticket.id])
        assert [m.id for m in messages[ticket.id]] == [message.id]
        assert [a.id for a in actions[ticket.id]] == [action.id]
        turns = timeline(messages[ticket.id], actions[ticket.id])
        assert [(t.speaker, t.action) for t in turns] == [
            ("agent", "verify_identity"),
            ("customer", None),
        ]
