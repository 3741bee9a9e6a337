"""Ticket use cases: create, list, update and delete, scoped to the caller."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core import events
from kcrm.core.db import utcnow
from kcrm.core.errors import BadRequest, Conflict, Forbidden, NotFound
from kcrm.core.pagination import PageParams
from kcrm.crm.tickets import service as ticket_service
from kcrm.crm.tickets.models import AuthorKind, Priority, TicketKind, TicketStatus
from kcrm.crm.tickets.schemas import TicketCreate, TicketFilters, TicketUpdate
from tests.factories.customers import make_customer
from tests.factories.orders import make_order
from tests.factories.tickets import make_ticket
from tests.factories.users import make_user

PAGE = PageParams()


def _agent(session: Session) -> Principal:
    return Principal(role=Role.agent, user_id=make_user(session).id)


def _portal(customer_id: int) -> Principal:
    return Principal(role=Role.customer, user_id=None, customer_id=customer_id)


class TestCreate:
    @pytest.mark.parametrize(
        ("kind", "queue"),
        [
            (TicketKind.complaint, "complaints"),
            (TicketKind.return_request, "returns"),
            (TicketKind.service_request, "service"),
            (TicketKind.inquiry, "general"),
        ],
    )
    def test_routes_the_queue_from_the_kind(
        self, session: Session, kind: TicketKind, queue: str
    ) -> None:
        customer = make_customer(session)
        data = TicketCreate(subject="Help", kind=kind, customer_id=customer.id)
        ticket = ticket_service.create(session, principal=_agent(session), data=data)
        assert ticket.queue == queue
        assert ticket.status == TicketStatus.new

    def test_sets_the_sla_from_priority(self, session: Session) -> None:
        customer = make_customer(session)
        data = TicketCreate(
            subject="No heat", kind="inquiry", customer_id=customer.id, priority="urgent"
        )
        ticket = ticket_service.create(session, principal=_agent(session), data=data)
        assert ticket.sla_due_at is not None
        assert ticket.sla_due_at - ticket.created_at == timedelta(hours=4)

    def test_stores_the_first_message_as_the_customers(self, session: Session) -> None:
        customer = make_customer(session)
        data = TicketCreate(subject="Broken", kind="complaint", message="It smokes")
        ticket = ticket_service.create(session, principal=_portal(customer.id), data=data)
        assert ticket.customer_id == customer.id
        from kcrm.crm.tickets import messages

        (message,) = messages.list(session, ticket=ticket, principal=_portal(customer.id))
        assert (message.author_kind, message.body) == (AuthorKind.customer, "It smokes")
        assert ticket.first_response_at is None

    def test_a_customer_cannot_open_for_another_customer(self, session: Session) -> None:
        mine, theirs = make_customer(session), make_customer(session)
        data = TicketCreate(subject="x", kind="inquiry", customer_id=theirs.id)
        with pytest.raises(NotFound):
            ticket_service.create(session, principal=_portal(mine.id), data=data)

    def test_a_customer_cannot_link_another_customers_order(self, session: Session) -> None:
        mine = make_customer(session)
        order = make_order(session)
        data = TicketCreate(subject="x", kind="return", order_id=order.id)
        with pytest.raises(NotFound):
            ticket_service.create(session, principal=_portal(mine.id), data=data)

    def test_a_customer_cannot_set_priority(self, session: Session) -> None:
        mine = make_customer(session)
        data = TicketCreate(subject="x", kind="inquiry", priority="urgent")
        with pytest.raises(Forbidden, match="priority"):
            ticket_service.create(session, principal=_portal(mine.id), data=data)

    def test_staff_linking_a_mismatched_order_is_400(self, session: Session) -> None:
        customer = make_customer(session)
        order = make_order(session)
        data = TicketCreate(subject="x", kind="return", customer_id=customer.id, order_id=order.id)
        with pytest.raises(BadRequest, match="another customer"):
            ticket_service.create(session, principal=_agent(session), data=data)

    @pytest.mark.parametrize("field", ["customer_id", "product_id", "order_id"])
    def test_unknown_links_are_404(self, session: Session, field: str) -> None:
        values: dict[str, Any] = {"customer_id": make_customer(session).id, field: 999_999}
        data = TicketCreate(subject="x", kind="inquiry", **values)
        with pytest.raises(NotFound):
            ticket_service.create(session, principal=_agent(session), data=data)

    def test_a_knowledge_manager_cannot_create(self, session: Session) -> None:
        manager = Principal(role=Role.knowledge_manager, user_id=1)
        data = TicketCreate(subject="x", kind="inquiry", customer_id=make_customer(session).id)
        with pytest.raises(Forbidden):
            ticket_service.create(session, principal=manager, data=data)

    def test_emits_ticket_created(self, session: Session) -> None:
        seen: list[int] = []

        def handler(_session: Session, *, ticket_id: int) -> None:
            seen.append(ticket_id)

        events.subscribe("ticket.created", handler)
        try:
            data = TicketCreate(subject="x", kind="inquiry", customer_id=make_customer(session).id)
            ticket = ticket_service.create(session, principal=_agent(session), data=data)
        finally:
            events._handlers["ticket.created"].remove(handler)
        assert seen == [ticket.id]


class TestList:
    def test_a_customer_sees_only_its_own(self, session: Session) -> None:
        mine, theirs = make_customer(session), make_customer(session)
        own = make_ticket(session, customer=mine)
        make_ticket(session, customer=theirs)
        items, total = ticket_service.list(
            session, principal=_portal(mine.id), filters=TicketFilters(), params=PAGE
        )
        assert ([t.id for t in items], total) == ([own.id], 1)
        _, other_total = ticket_service.list(
            session,
            principal=_portal(mine.id),
            filters=TicketFilters(customer_id=theirs.id),
            params=PAGE,
        )
        assert other_total == 0

    def test_overdue_means_breached_and_not_done(self, session: Session) -> None:
        customer = make_customer(session)
        past = utcnow() - timedelta(hours=1)
        late = make_ticket(session, customer=customer, sla_due_at=past, status=TicketStatus.open)
        make_ticket(session, customer=customer, sla_due_at=past, status=TicketStatus.resolved)
        on_time = make_ticket(session, customer=customer)
        agent = _agent(session)
        overdue, _ = ticket_service.list(
            session,
            principal=agent,
            filters=TicketFilters(customer_id=customer.id, overdue=True),
            params=PAGE,
        )
        assert [t.id for t in overdue] == [late.id]
        fine, _ = ticket_service.list(
            session,
            principal=agent,
            filters=TicketFilters(customer_id=customer.id, overdue=False),
            params=PAGE,
        )
        assert on_time.id in {t.id for t in fine}
        assert late.id not in {t.id for t in fine}

    def test_priority_sorts_by_rank(self, session: Session) -> None:
        customer = make_customer(session)
        for priority in (Priority.normal, Priority.urgent, Priority.low, Priority.high):
            make_ticket(session, customer=customer, priority=priority)
        items, _ = ticket_service.list(
            session,
            principal=_agent(session),
            filters=TicketFilters(customer_id=customer.id),
            params=PageParams(sort="-priority"),
        )
        assert [t.priority for t in items] == ["urgent", "high", "normal", "low"]

    def test_q_matches_the_subject_literally(self, session: Session) -> None:
        customer = make_customer(session)
        hit = make_ticket(session, customer=customer, subject="Heater 100% broken")
        make_ticket(session, customer=customer, subject="Heater 1000 broken")
        items, _ = ticket_service.list(
            session,
            principal=_agent(session),
            filters=TicketFilters(customer_id=customer.id, q="100%"),
            params=PAGE,
        )
        assert [t.id for t in items] == [hit.id]

    def test_deleted_tickets_are_hidden(self, session: Session) -> None:
        customer = make_customer(session)
        ticket = make_ticket(session, customer=customer)
        ticket_service.delete(session, ticket=ticket)
        _, total = ticket_service.list(
            session,
            principal=_agent(session),
            filters=TicketFilters(customer_id=customer.id),
            params=PAGE,
        )
        assert total == 0
        with pytest.raises(NotFound):
            ticket_service.get(session, ticket_id=ticket.id, principal=_agent(session))


class TestUpdate:
    def test_priority_change_recomputes_the_sla(self, session: Session) -> None:
        ticket = make_ticket(session)
        data = TicketUpdate(priority="low")
        ticket_service.update(session, ticket=ticket, principal=_agent(session), data=data)
        assert ticket.sla_due_at is not None
        assert ticket.sla_due_at - ticket.created_at == timedelta(hours=72)

    def test_resolving_with_a_summary_in_the_same_request(self, session: Session) -> None:
        ticket = make_ticket(session, status=TicketStatus.open)
        data = TicketUpdate(status="resolved", resolution_summary="Reset the thermostat")
        ticket_service.update(session, ticket=ticket, principal=_agent(session), data=data)
        assert ticket.status == TicketStatus.resolved
        assert ticket.resolved_at is not None

    def test_a_customer_may_reopen_its_resolved_ticket(self, session: Session) -> None:
        customer = make_customer(session)
        ticket = make_ticket(session, customer=customer, status=TicketStatus.resolved)
        data = TicketUpdate(status="reopened")
        ticket_service.update(session, ticket=ticket, principal=_portal(customer.id), data=data)
        assert ticket.status == TicketStatus.reopened

    def test_a_customer_may_not_change_anything_else(self, session: Session) -> None:
        customer = make_customer(session)
        ticket = make_ticket(session, customer=customer, status=TicketStatus.open)
        portal = _portal(customer.id)
        with pytest.raises(Forbidden):
            ticket_service.update(
                session, ticket=ticket, principal=portal, data=TicketUpdate(subject="mine")
            )
        with pytest.raises(Conflict):
            ticket_service.update(
                session, ticket=ticket, principal=portal, data=TicketUpdate(status="reopened")
            )

    def test_null_subject_is_refused(self, session: Session) -> None:
        ticket = make_ticket(session)
        with pytest.raises(BadRequest):
            ticket_service.update(
                session, ticket=ticket, principal=_agent(session), data=TicketUpdate(subject=None)
            )
