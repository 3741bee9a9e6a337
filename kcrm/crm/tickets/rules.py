"""The ticket rules in one place: SLA hours, queue routing, the status table, action names."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from kcrm.crm.tickets.models import Priority, TicketKind, TicketStatus

# Hours from a ticket's creation until its first-line SLA is breached.
SLA_HOURS: dict[Priority, int] = {
    Priority.urgent: 4,
    Priority.high: 8,
    Priority.normal: 24,
    Priority.low: 72,
}
# A complaint never waits longer than a day, whatever its priority.
COMPLAINT_MAX_SLA_HOURS = 24

PRIORITY_ORDER: tuple[Priority, ...] = (
    Priority.low,
    Priority.normal,
    Priority.high,
    Priority.urgent,
)

QUEUE_BY_KIND: dict[TicketKind, str] = {
    TicketKind.complaint: "complaints",
    TicketKind.return_request: "returns",
    TicketKind.service_request: "service",
    TicketKind.inquiry: "general",
}
ESCALATION_QUEUE = "escalations"

S = TicketStatus
# The status workflow; anything not listed is refused with 409.
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.new: frozenset({S.open, S.pending, S.resolved}),
    S.open: frozenset({S.pending, S.resolved}),
    S.pending: frozenset({S.open, S.resolved}),
    S.resolved: frozenset({S.closed, S.reopened}),
    S.closed: frozenset({S.reopened}),
    S.reopened: frozenset({S.open, S.pending, S.resolved}),
}
# Statuses in which the ticket still needs work (SLA can be breached, escalation allowed).
ACTIVE_STATUSES = frozenset({S.new, S.open, S.pending, S.reopened})
DONE_STATUSES = frozenset({S.resolved, S.closed})

# Action labels are snake_case identifiers, optionally namespaced with ':' (playbook:step).
ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_:]{1,63}$")
# The CRM actions kcrm knows about; playbooks may log other well-formed labels.
KNOWN_ACTIONS: frozenset[str] = frozenset(
    {
        "refund_requested",
        "refund_issued",
        "escalated",
        "replacement_sent",
        "follow_up_scheduled",
        "article_sent",
        "tracking_shared",
        "priority_raised",
        "marketing_hold",
        "callback_made",
        "compensation_offered",
        "satisfaction_rated",
    }
)
# Written only by kcrm itself, so a client cannot forge workflow history.
SYSTEM_ACTIONS: frozenset[str] = frozenset(
    {
        "created",
        "status_changed",
        "owner_assigned",
        "owner_transferred",
        "claimed",
        "follow_up_recorded",
    }
)


def sla_hours(priority: Priority, kind: TicketKind) -> int:
    """The SLA budget in hours for a ticket of this priority and kind."""
    hours = SLA_HOURS[priority]
    if kind == TicketKind.complaint:
        hours = min(hours, COMPLAINT_MAX_SLA_HOURS)
    return hours


def sla_due_at(created_at: datetime, priority: Priority, kind: TicketKind) -> datetime:
    """When the SLA of a ticket created at `created_at` is breached."""
    return created_at + timedelta(hours=sla_hours(priority, kind))


def raised(priority: Priority) -> Priority:
    """The next priority up; urgent stays urgent."""
    index = PRIORITY_ORDER.index(priority)
    return PRIORITY_ORDER[min(index + 1, len(PRIORITY_ORDER) - 1)]


def can_transition(current: TicketStatus, target: TicketStatus) -> bool:
    """Whether the workflow allows moving from `current` to `target`."""
    return target in TRANSITIONS[current]
