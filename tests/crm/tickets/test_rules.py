"""SLA hours, priority steps and the status table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kcrm.crm.tickets import rules
from kcrm.crm.tickets.models import Priority, TicketKind, TicketStatus

T0 = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
S = TicketStatus


class TestSlaDueAt:
    @pytest.mark.parametrize(
        ("priority", "hours"),
        [(Priority.urgent, 4), (Priority.high, 8), (Priority.normal, 24), (Priority.low, 72)],
    )
    def test_inquiry_hours_follow_priority(self, priority: Priority, hours: int) -> None:
        due = rules.sla_due_at(T0, priority, TicketKind.inquiry)
        assert due == T0 + timedelta(hours=hours)

    def test_a_complaint_waits_at_most_a_day(self) -> None:
        assert rules.sla_due_at(T0, Priority.low, TicketKind.complaint) == T0 + timedelta(hours=24)
        assert rules.sla_due_at(T0, Priority.high, TicketKind.complaint) == T0 + timedelta(hours=8)


class TestRaised:
    def test_steps_up_once_and_stops_at_urgent(self) -> None:
        assert rules.raised(Priority.low) == Priority.normal
        assert rules.raised(Priority.high) == Priority.urgent
        assert rules.raised(Priority.urgent) == Priority.urgent


ALLOWED = {
    (S.new, S.open),
    (S.new, S.pending),
    (S.new, S.resolved),
    (S.open, S.pending),
    (S.open, S.resolved),
    (S.pending, S.open),
    (S.pending, S.resolved),
    (S.resolved, S.closed),
    (S.resolved, S.reopened),
    (S.closed, S.reopened),
    (S.reopened, S.open),
    (S.reopened, S.pending),
    (S.reopened, S.resolved),
}


class TestCanTransition:
    @pytest.mark.parametrize("current", list(S))
    @pytest.mark.parametrize("target", list(S))
    def test_matches_the_documented_table(self, current: S, target: S) -> None:
        assert rules.can_transition(current, target) == ((current, target) in ALLOWED)


class TestActionPattern:
    @pytest.mark.parametrize("label", ["refund_issued", "playbook:step_2", "ab"])
    def test_accepts_snake_case_labels(self, label: str) -> None:
        assert rules.ACTION_PATTERN.fullmatch(label)

    @pytest.mark.parametrize("label", ["Refund", "a", "1abc", "refund issued", "x" * 65, "a-b"])
    def test_refuses_other_labels(self, label: str) -> None:
        assert rules.ACTION_PATTERN.fullmatch(label) is None
