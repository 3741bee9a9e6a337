"""Follow-up visits and satisfaction ratings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.db import utcnow
from kcrm.core.errors import BadRequest, Conflict
from kcrm.core.pagination import PageParams
from kcrm.crm.tickets import actions
from kcrm.crm.tickets import follow_ups as follow_up_service
from kcrm.crm.tickets.models import FollowUpStatus, TicketKind, TicketStatus
from kcrm.crm.tickets.schemas import (
    FollowUpCreate,
    FollowUpFilters,
    FollowUpUpdate,
    SatisfactionCreate,
)
from tests.factories.customers import make_customer
from tests.factories.tickets import make_follow_up, make_ticket
from tests.factories.users import make_user


def _agent(session: Session) -> Principal:
    return Principal(role=Role.agent, user_id=make_user(session).id)


class TestSchedule:
    def test_defaults_to_the_owner_and_is_logged(self, session: Session) -> None:
        agent = _agent(session)
        ticket = make_ticket(
            session, kind=TicketKind.complaint, status=TicketStatus.resolved, owner_id=agent.user_id
        )
        when = utcnow() + timedelta(days=3)
        data = FollowUpCreate(scheduled_for=when, note="check the new unit")
        follow_up = follow_up_service.schedule(session, ticket=ticket, principal=agent, data=data)
        assert follow_up.assigned_to_id == agent.user_id
        assert follow_up.customer_id == ticket.customer_id
        assert follow_up.status == FollowUpStatus.scheduled
        entry = actions.list(session, ticket=ticket)[-1]
        assert entry.action == "follow_up_scheduled"
        assert entry.details["follow_up_id"] == follow_up.id

    @pytest.mark.parametrize("status", [TicketStatus.new, TicketStatus.open, TicketStatus.reopened])
    def test_an_unfinished_ticket_is_409(self, session: Session, status: TicketStatus) -> None:
        ticket = make_ticket(session, status=status)
        data = FollowUpCreate(scheduled_for=utcnow())
        with pytest.raises(Conflict):
            follow_up_service.schedule(session, ticket=ticket, principal=_agent(session), data=data)


class TestUpdate:
    def test_done_records_outcome_and_completion(self, session: Session) -> None:
        ticket = make_ticket(session, status=TicketStatus.closed)
        follow_up = make_follow_up(session, ticket)
        data = FollowUpUpdate(status="done", outcome="happy with replacement", satisfaction=5)
        follow_up_service.update(session, follow_up=follow_up, principal=_agent(session), data=data)
        assert (follow_up.status, follow_up.satisfaction) == (FollowUpStatus.done, 5)
        assert follow_up.completed_at is not None
        assert actions.list(session, ticket=ticket)[-1].details["status"] == "done"

    def test_a_recorded_visit_cannot_change_status_again(self, session: Session) -> None:
        ticket = make_ticket(session, status=TicketStatus.closed)
        follow_up = make_follow_up(session, ticket, status=FollowUpStatus.missed)
        with pytest.raises(Conflict):
            follow_up_service.update(
                session,
                follow_up=follow_up,
                principal=_agent(session),
                data=FollowUpUpdate(status="done"),
            )

    def test_satisfaction_needs_a_done_visit(self, session: Session) -> None:
        follow_up = make_follow_up(session, make_ticket(session, status=TicketStatus.resolved))
        with pytest.raises(BadRequest):
            follow_up_service.update(
                session,
                follow_up=follow_up,
                principal=_agent(session),
                data=FollowUpUpdate(status="missed", satisfaction=2),
            )


class TestList:
    def test_filters_by_due_date_and_status(self, session: Session) -> None:
        customer = make_customer(session)
        ticket = make_ticket(session, customer=customer, status=TicketStatus.resolved)
        soon = make_follow_up(session, ticket, scheduled_for=utcnow() + timedelta(hours=2))
        make_follow_up(session, ticket, scheduled_for=utcnow() + timedelta(days=9))
        make_follow_up(
            session,
            ticket,
            scheduled_for=utcnow() + timedelta(hours=1),
            status=FollowUpStatus.cancelled,
        )
        filters = FollowUpFilters(
            customer_id=customer.id, status="scheduled", due_before=utcnow() + timedelta(days=1)
        )
        items, total = follow_up_service.list(session, filters=filters, params=PageParams())
        assert ([f.id for f in items], total) == ([soon.id], 1)


class TestRate:
    def test_records_the_score_and_comment(self, session: Session) -> None:
        customer = make_customer(session)
        ticket = make_ticket(session, customer=customer, status=TicketStatus.resolved)
        portal = Principal(role=Role.customer, customer_id=customer.id)
        data = SatisfactionCreate(score=4, comment="quick")
        follow_up_service.rate(session, ticket=ticket, principal=portal, data=data)
        assert ticket.satisfaction == 4
        entry = actions.list(session, ticket=ticket)[-1]
        assert entry.details == {"score": 4, "by": "customer", "comment": "quick"}

    def test_an_open_ticket_cannot_be_rated(self, session: Session) -> None:
        ticket = make_ticket(session, status=TicketStatus.open)
        with pytest.raises(Conflict):
            follow_up_service.rate(
                session, ticket=ticket, principal=_agent(session), data=SatisfactionCreate(score=3)
            )
