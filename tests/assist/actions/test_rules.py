"""The CRM rules, each against real rows read through `service.rule_facts`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kcrm.assist.actions import rules
from kcrm.assist.actions.rules import RuleFacts
from kcrm.assist.actions.service import rule_facts
from kcrm.config import Settings
from kcrm.core.db import utcnow
from kcrm.crm.customers.models import ValueTier
from kcrm.crm.orders.models import OrderStatus
from kcrm.crm.tickets.models import FollowUpStatus, Priority, Ticket, TicketKind, TicketStatus
from tests.factories.customers import make_customer
from tests.factories.orders import make_order
from tests.factories.tickets import make_follow_up, make_ticket


def _facts(
    session: Session,
    ticket: Ticket,
    settings: Settings,
    *,
    actions: tuple[str, ...] = (),
    now: datetime | None = None,
) -> RuleFacts:
    return rule_facts(session, ticket, actions, now=now or utcnow(), settings=settings)


class TestSlaBreach:
    def test_close_to_the_sla_escalates(self, session: Session, settings: Settings) -> None:
        ticket = make_ticket(session, sla_due_at=utcnow() + timedelta(minutes=30))
        hit = rules.sla_breach(_facts(session, ticket, settings))
        assert hit is not None
        assert hit.action == "escalate"
        assert "breaches in" in hit.reason

    def test_past_the_sla_scores_higher(self, session: Session, settings: Settings) -> None:
        ticket = make_ticket(session, sla_due_at=utcnow() - timedelta(hours=3))
        hit = rules.sla_breach(_facts(session, ticket, settings))
        assert hit is not None
        assert hit.score == 0.95
        assert "breached 3 h" in hit.reason

    def test_far_from_the_sla_or_escalated_is_quiet(
        self, session: Session, settings: Settings
    ) -> None:
        far = make_ticket(session, sla_due_at=utcnow() + timedelta(hours=20))
        near = make_ticket(session, sla_due_at=utcnow() + timedelta(minutes=5))
        assert rules.sla_breach(_facts(session, far, settings)) is None
        assert rules.sla_breach(_facts(session, near, settings, actions=("escalated",))) is None

    def test_resolved_tickets_do_not_escalate(self, session: Session, settings: Settings) -> None:
        ticket = make_ticket(
            session, status=TicketStatus.resolved, sla_due_at=utcnow() - timedelta(hours=1)
        )
        assert rules.sla_breach(_facts(session, ticket, settings)) is None


class TestComplaintFollowUp:
    def test_resolved_complaint_without_visit(self, session: Session, settings: Settings) -> None:
        ticket = make_ticket(session, kind=TicketKind.complaint, status=TicketStatus.resolved)
        hit = rules.complaint_follow_up(_facts(session, ticket, settings))
        assert hit is not None
        assert hit.action == "schedule_follow_up"

    def test_a_scheduled_visit_silences_it(self, session: Session, settings: Settings) -> None:
        ticket = make_ticket(session, kind=TicketKind.complaint, status=TicketStatus.closed)
        make_follow_up(session, ticket)
        assert rules.complaint_follow_up(_facts(session, ticket, settings)) is None

    def test_a_cancelled_visit_does_not_count(self, session: Session, settings: Settings) -> None:
        ticket = make_ticket(session, kind=TicketKind.complaint, status=TicketStatus.resolved)
        make_follow_up(session, ticket, status=FollowUpStatus.cancelled)
        assert rules.complaint_follow_up(_facts(session, ticket, settings)) is not None

    def test_open_complaints_and_inquiries_are_quiet(
        self, session: Session, settings: Settings
    ) -> None:
        open_one = make_ticket(session, kind=TicketKind.complaint)
        inquiry = make_ticket(session, status=TicketStatus.resolved)
        assert rules.complaint_follow_up(_facts(session, open_one, settings)) is None
        assert rules.complaint_follow_up(_facts(session, inquiry, settings)) is None


class TestVipPriority:
    def test_vip_at_normal_priority(self, session: Session, settings: Settings) -> None:
        ticket = make_ticket(session, customer=make_customer(session, value_tier=ValueTier.vip))
        hit = rules.vip_priority(_facts(session, ticket, settings))
        assert hit is not None
        assert hit.action == "raise_priority"

    def test_vip_already_high_or_other_tier(self, session: Session, settings: Settings) -> None:
        vip = make_customer(session, value_tier=ValueTier.vip)
        high = make_ticket(session, customer=vip, priority=Priority.high)
        plain = make_ticket(session, customer=make_customer(session, value_tier=ValueTier.high))
        assert rules.vip_priority(_facts(session, high, settings)) is None
        assert rules.vip_priority(_facts(session, plain, settings)) is None


class TestComplaintMarketingHold:
    def test_open_complaint_holds_marketing(self, session: Session, settings: Settings) -> None:
        customer = make_customer(session)
        complaint = make_ticket(session, customer=customer, kind=TicketKind.complaint)
        other = make_ticket(session, customer=customer)
        hit = rules.complaint_marketing_hold(_facts(session, other, settings))
        assert hit is not None
        assert hit.action == "hold_marketing"
        assert f"#{complaint.id}" in hit.reason

    def test_held_or_settled_customers_are_quiet(
        self, session: Session, settings: Settings
    ) -> None:
        held = make_customer(session, marketing_hold=True)
        on_hold = make_ticket(session, customer=held, kind=TicketKind.complaint)
        settled = make_ticket(session, kind=TicketKind.complaint, status=TicketStatus.resolved)
        assert rules.complaint_marketing_hold(_facts(session, on_hold, settings)) is None
        assert rules.complaint_marketing_hold(_facts(session, settled, settings)) is None


class TestShippedTracking:
    def test_shipped_order_shares_tracking(self, session: Session, settings: Settings) -> None:
        order = make_order(
            session, status=OrderStatus.shipped, carrier="SF", tracking_number="SF123"
        )
        ticket = make_ticket(session, order_id=order.id, customer_id=order.customer_id)
        hit = rules.shipped_tracking(_facts(session, ticket, settings))
        assert hit is not None
        assert hit.action == "share_tracking_number"
        assert "SF SF123" in hit.reason

    def test_shared_or_not_shipped_is_quiet(self, session: Session, settings: Settings) -> None:
        shipped = make_order(session, status=OrderStatus.shipped, tracking_number="SF9")
        paid = make_order(session, status=OrderStatus.paid)
        done = make_ticket(session, order_id=shipped.id, customer_id=shipped.customer_id)
        waiting = make_ticket(session, order_id=paid.id, customer_id=paid.customer_id)
        facts = _facts(session, done, settings, actions=("tracking_shared",))
        assert rules.shipped_tracking(facts) is None
        assert rules.shipped_tracking(_facts(session, waiting, settings)) is None


class TestEvaluate:
    def test_every_firing_rule_strongest_first(self, session: Session, settings: Settings) -> None:
        vip = make_customer(session, value_tier=ValueTier.vip)
        ticket = make_ticket(
            session,
            customer=vip,
            kind=TicketKind.complaint,
            sla_due_at=utcnow() - timedelta(minutes=1),
        )
        hits = rules.evaluate(_facts(session, ticket, settings))
        assert [h.rule for h in hits] == ["sla_breach", "vip_priority", "complaint_marketing_hold"]
