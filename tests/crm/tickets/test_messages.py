"""Messages and their effects on status, first response and ownership."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.errors import Conflict, Forbidden
from kcrm.crm.tickets import actions, messages
from kcrm.crm.tickets.models import TicketKind, TicketStatus
from kcrm.crm.tickets.schemas import MessageCreate
from tests.factories.customers import make_customer
from tests.factories.tickets import make_message, make_ticket
from tests.factories.users import make_user

S = TicketStatus


def _agent(session: Session) -> Principal:
    return Principal(role=Role.agent, user_id=make_user(session).id)


def _portal(customer_id: int) -> Principal:
    return Principal(role=Role.customer, customer_id=customer_id)


class TestPost:
    def test_first_agent_reply_opens_stamps_and_owns(self, session: Session) -> None:
        agent = _agent(session)
        ticket = make_ticket(session, kind=TicketKind.complaint)
        messages.post(session, ticket=ticket, principal=agent, data=MessageCreate(body="On it"))
        assert ticket.status == S.open
        assert ticket.first_response_at is not None
        assert ticket.owner_id == agent.user_id
        log = [(a.action, a.details) for a in actions.list(session, ticket=ticket)]
        assert log == [
            ("status_changed", {"from": "new", "to": "open"}),
            ("owner_assigned", {"from": None, "to": agent.user_id, "reason": "first_response"}),
        ]

    def test_a_later_reply_keeps_the_first_responder(self, session: Session) -> None:
        first, second = _agent(session), _agent(session)
        ticket = make_ticket(session)
        messages.post(session, ticket=ticket, principal=first, data=MessageCreate(body="Hi"))
        stamped = ticket.first_response_at
        messages.post(session, ticket=ticket, principal=second, data=MessageCreate(body="Me too"))
        assert (ticket.owner_id, ticket.first_response_at) == (first.user_id, stamped)

    def test_an_internal_note_is_not_a_response(self, session: Session) -> None:
        ticket = make_ticket(session)
        note = MessageCreate(body="Customer sounds angry", internal=True)
        messages.post(session, ticket=ticket, principal=_agent(session), data=note)
        assert (ticket.status, ticket.first_response_at, ticket.owner_id) == (S.new, None, None)

    def test_customers_cannot_post_internal_notes(self, session: Session) -> None:
        customer = make_customer(session)
        ticket = make_ticket(session, customer=customer)
        with pytest.raises(Forbidden):
            messages.post(
                session,
                ticket=ticket,
                principal=_portal(customer.id),
                data=MessageCreate(body="x", internal=True),
            )

    @pytest.mark.parametrize(
        ("before", "after"), [(S.pending, S.open), (S.resolved, S.reopened), (S.open, S.open)]
    )
    def test_a_customer_message_brings_the_ticket_back(
        self, session: Session, before: S, after: S
    ) -> None:
        customer = make_customer(session)
        ticket = make_ticket(session, customer=customer, status=before)
        data = MessageCreate(body="Still broken")
        messages.post(session, ticket=ticket, principal=_portal(customer.id), data=data)
        assert ticket.status == after

    def test_a_customer_cannot_write_to_a_closed_ticket(self, session: Session) -> None:
        customer = make_customer(session)
        ticket = make_ticket(session, customer=customer, status=S.closed)
        with pytest.raises(Conflict):
            messages.post(
                session, ticket=ticket, principal=_portal(customer.id), data=MessageCreate(body="x")
            )

    def test_a_knowledge_manager_cannot_reply(self, session: Session) -> None:
        manager = Principal(role=Role.knowledge_manager, user_id=1)
        with pytest.raises(Forbidden):
            messages.post(
                session,
                ticket=make_ticket(session),
                principal=manager,
                data=MessageCreate(body="x"),
            )


class TestList:
    def test_internal_notes_are_for_staff_only(self, session: Session) -> None:
        customer = make_customer(session)
        ticket = make_ticket(session, customer=customer)
        make_message(session, ticket, body="public")
        make_message(session, ticket, body="secret", internal=True)
        staff_view = messages.list(session, ticket=ticket, principal=_agent(session))
        customer_view = messages.list(session, ticket=ticket, principal=_portal(customer.id))
        assert [m.body for m in staff_view] == ["public", "secret"]
        assert [m.body for m in customer_view] == ["public"]
