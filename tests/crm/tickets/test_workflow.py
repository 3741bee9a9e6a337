"""The status workflow, ownership and escalation, against the real database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core import events
from kcrm.core.errors import BadRequest, Conflict, NotFound
from kcrm.crm.tickets import actions, rules, workflow
from kcrm.crm.tickets.models import Priority, TicketKind, TicketStatus
from kcrm.crm.tickets.schemas import Escalation, Transfer
from tests.crm.tickets.test_rules import ALLOWED
from tests.factories.tickets import make_ticket
from tests.factories.users import make_user

S = TicketStatus


def _agent(session: Session, role: Role = Role.agent) -> Principal:
    return Principal(role=role, user_id=make_user(session, role=role).id)


@pytest.fixture
def received() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every ticket event emitted during the test."""
    seen: list[tuple[str, dict[str, Any]]] = []
    handlers = {}
    for name in ("ticket.created", "ticket.resolved", "ticket.reopened", "ticket.closed"):

        def handler(_session: Session, _name: str = name, **payload: Any) -> None:
            seen.append((_name, payload))

        handlers[name] = handler
        events.subscribe(name, handler)
    yield seen
    for name, handler in handlers.items():
        events._handlers[name].remove(handler)


class TestChangeStatus:
    @pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
    def test_allowed_moves_are_logged(self, session: Session, current: S, target: S) -> None:
        ticket = make_ticket(session, status=current, resolution_summary="Replaced the part")
        workflow.change_status(session, ticket=ticket, to=target, user_id=None)
        assert ticket.status == target
        log = actions.list(session, ticket=ticket)
        assert [(a.action, a.details) for a in log] == [
            ("status_changed", {"from": current.value, "to": target.value})
        ]

    @pytest.mark.parametrize(
        ("current", "target"),
        [(S.new, S.closed), (S.open, S.new), (S.closed, S.open), (S.resolved, S.open)],
    )
    def test_other_moves_are_409(self, session: Session, current: S, target: S) -> None:
        ticket = make_ticket(session, status=current)
        with pytest.raises(Conflict):
            workflow.change_status(session, ticket=ticket, to=target, user_id=None)
        assert ticket.status == current

    def test_resolving_needs_a_summary(self, session: Session) -> None:
        ticket = make_ticket(session, status=S.open)
        with pytest.raises(BadRequest, match="resolution_summary"):
            workflow.change_status(session, ticket=ticket, to=S.resolved, user_id=None)
        assert ticket.resolved_at is None

    def test_dates_follow_resolve_close_and_reopen(self, session: Session) -> None:
        ticket = make_ticket(session, status=S.open, resolution_summary="Sent a new filter")
        workflow.change_status(session, ticket=ticket, to=S.resolved, user_id=None)
        assert ticket.resolved_at is not None
        workflow.change_status(session, ticket=ticket, to=S.closed, user_id=None)
        assert ticket.closed_at is not None
        workflow.change_status(session, ticket=ticket, to=S.reopened, user_id=None)
        assert (ticket.resolved_at, ticket.closed_at) == (None, None)

    def test_events_reach_subscribers(
        self, session: Session, received: list[tuple[str, dict[str, Any]]]
    ) -> None:
        ticket = make_ticket(session, status=S.open, resolution_summary="Refunded")
        for target in (S.resolved, S.reopened, S.resolved, S.closed):
            workflow.change_status(session, ticket=ticket, to=target, user_id=None)
        assert received == [
            ("ticket.resolved", {"ticket_id": ticket.id}),
            ("ticket.reopened", {"ticket_id": ticket.id}),
            ("ticket.resolved", {"ticket_id": ticket.id}),
            ("ticket.closed", {"ticket_id": ticket.id}),
        ]

    def test_same_status_is_a_no_op(self, session: Session) -> None:
        ticket = make_ticket(session, status=S.open)
        workflow.change_status(session, ticket=ticket, to=S.open, user_id=None)
        assert actions.list(session, ticket=ticket) == []


class TestSetOwner:
    def test_an_owned_open_complaint_cannot_be_reassigned(self, session: Session) -> None:
        first, other = _agent(session), _agent(session)
        ticket = make_ticket(session, kind=TicketKind.complaint, owner_id=first.user_id)
        with pytest.raises(Conflict, match="first responder"):
            workflow.set_owner(session, ticket=ticket, owner_id=other.user_id, principal=first)
        assert ticket.owner_id == first.user_id

    def test_a_closed_complaint_can_be_reassigned(self, session: Session) -> None:
        first, other = _agent(session), _agent(session)
        ticket = make_ticket(
            session, kind=TicketKind.complaint, owner_id=first.user_id, status=S.closed
        )
        workflow.set_owner(session, ticket=ticket, owner_id=other.user_id, principal=first)
        assert ticket.owner_id == other.user_id

    def test_an_inquiry_can_be_reassigned_and_it_is_logged(self, session: Session) -> None:
        first, other = _agent(session), _agent(session)
        ticket = make_ticket(session, owner_id=first.user_id)
        workflow.set_owner(session, ticket=ticket, owner_id=other.user_id, principal=first)
        assert ticket.owner_id == other.user_id
        log = actions.list(session, ticket=ticket)
        assert log[-1].action == "owner_assigned"
        assert log[-1].details == {"from": first.user_id, "to": other.user_id}

    def test_only_agents_and_admins_can_own(self, session: Session) -> None:
        agent = _agent(session)
        manager = make_user(session, role=Role.knowledge_manager)
        ticket = make_ticket(session)
        with pytest.raises(BadRequest):
            workflow.set_owner(session, ticket=ticket, owner_id=manager.id, principal=agent)
        with pytest.raises(NotFound):
            workflow.set_owner(session, ticket=ticket, owner_id=999_999, principal=agent)


class TestClaim:
    def test_takes_an_unowned_ticket_once(self, session: Session) -> None:
        agent, other = _agent(session), _agent(session)
        ticket = make_ticket(session)
        workflow.claim(session, ticket=ticket, principal=agent)
        assert ticket.owner_id == agent.user_id
        with pytest.raises(Conflict):
            workflow.claim(session, ticket=ticket, principal=other)
        assert [a.action for a in actions.list(session, ticket=ticket)] == ["claimed"]


class TestTransfer:
    def test_moves_a_complaint_and_logs_the_reason(self, session: Session) -> None:
        admin, first, other = _agent(session, Role.admin), _agent(session), _agent(session)
        ticket = make_ticket(session, kind=TicketKind.complaint, owner_id=first.user_id)
        data = Transfer(to_user_id=other.user_id or 0, reason="first responder on leave")
        workflow.transfer(session, ticket=ticket, principal=admin, data=data)
        assert ticket.owner_id == other.user_id
        entry = actions.list(session, ticket=ticket)[-1]
        assert entry.action == "owner_transferred"
        assert entry.user_id == admin.user_id
        assert entry.details["reason"] == "first responder on leave"


class TestEscalate:
    def test_raises_priority_recomputes_sla_and_moves_queue(self, session: Session) -> None:
        agent = _agent(session)
        ticket = make_ticket(session, status=S.open, priority=Priority.normal)
        workflow.escalate(session, ticket=ticket, principal=agent, data=Escalation(reason="VIP"))
        assert ticket.priority == Priority.high
        assert ticket.queue == rules.ESCALATION_QUEUE
        assert ticket.sla_due_at == rules.sla_due_at(
            ticket.created_at, Priority.high, TicketKind.inquiry
        )
        entry = actions.list(session, ticket=ticket)[-1]
        assert entry.details["from_priority"] == "normal"
        assert entry.details["to_priority"] == "high"

    def test_a_resolved_ticket_is_409(self, session: Session) -> None:
        ticket = make_ticket(session, status=S.resolved)
        with pytest.raises(Conflict):
            workflow.escalate(
                session, ticket=ticket, principal=_agent(session), data=Escalation(reason="x")
            )
