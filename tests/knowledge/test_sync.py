"""Ticket events refresh the resolution document and the customer's history after commit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.core.events import emit
from kcrm.crm.tickets import workflow
from kcrm.crm.tickets.models import TicketStatus
from kcrm.knowledge import sync
from kcrm.knowledge.engine import KnowledgeEngine
from tests.factories.tickets import make_message, make_ticket


def _ids(knowledge: KnowledgeEngine, prefix: str) -> set[str]:
    return {i for i in knowledge.lexical.hashes() if i.startswith(prefix)}


class TestOnTicketEvent:
    def test_resolving_indexes_the_resolution_and_history_after_commit(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        sync.bind(knowledge, settings)
        ticket = make_ticket(session, status=TicketStatus.open, subject="Heater smells of smoke")
        make_message(session, ticket, body="Smoke comes out of the heater.")
        ticket.resolution_summary = "Replaced the fan motor."
        workflow.change_status(session, ticket=ticket, to=TicketStatus.resolved, user_id=None)
        assert _ids(knowledge, f"resolution:{ticket.id}:") == set()  # nothing before commit
        session.commit()
        assert f"resolution:{ticket.id}:0" in _ids(knowledge, f"resolution:{ticket.id}:")
        assert _ids(knowledge, f"history:{ticket.customer_id}:")
        hits = knowledge.search("heater smoke fan motor", sources=["resolution"], k=1)
        assert hits[0].metadata["doc_id"] == str(ticket.id)

    def test_reopening_removes_the_resolution(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        sync.bind(knowledge, settings)
        ticket = make_ticket(session, status=TicketStatus.resolved)
        emit(session, "ticket.resolved", ticket_id=ticket.id)
        session.commit()
        assert _ids(knowledge, f"resolution:{ticket.id}:")
        workflow.change_status(session, ticket=ticket, to=TicketStatus.reopened, user_id=None)
        session.commit()
        assert _ids(knowledge, f"resolution:{ticket.id}:") == set()
        assert _ids(knowledge, f"history:{ticket.customer_id}:")  # history stays, refreshed

    def test_rollback_never_reaches_the_indexes(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        sync.bind(knowledge, settings)
        ticket = make_ticket(session, status=TicketStatus.closed)
        session.commit()
        emit(session, "ticket.closed", ticket_id=ticket.id)
        session.rollback()
        assert _ids(knowledge, f"resolution:{ticket.id}:") == set()

    def test_unbound_does_nothing(self, session: Session, knowledge: KnowledgeEngine) -> None:
        sync.unbind()
        ticket = make_ticket(session, status=TicketStatus.resolved)
        emit(session, "ticket.resolved", ticket_id=ticket.id)
        session.commit()
        assert knowledge.lexical.count() == 0
