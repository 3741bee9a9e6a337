"""Factories for tickets, their messages and follow-up visits."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.crm.customers.models import Customer
from kcrm.crm.tickets import rules
from kcrm.crm.tickets.models import (
    AuthorKind,
    FollowUp,
    Priority,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketStatus,
)
from tests.factories.customers import make_customer

_seq = itertools.count(1)


def make_ticket(session: Session, *, customer: Customer | None = None, **overrides: Any) -> Ticket:
    """A persisted ticket (an inquiry, status new) with its SLA set from its priority."""
    n = next(_seq)
    customer = customer or make_customer(session)
    now = utcnow()
    values: dict[str, Any] = {
        "subject": f"Ticket {n}",
        "kind": TicketKind.inquiry,
        "status": TicketStatus.new,
        "priority": Priority.normal,
        "customer_id": customer.id,
        "created_at": now,
    }
    values.update(overrides)
    values.setdefault("queue", rules.QUEUE_BY_KIND[values["kind"]])
    values.setdefault(
        "sla_due_at", rules.sla_due_at(values["created_at"], values["priority"], values["kind"])
    )
    if values["status"] in rules.DONE_STATUSES:
        values.setdefault("resolution_summary", "Fixed it")
        values.setdefault("resolved_at", now)
    ticket = Ticket(**values)
    session.add(ticket)
    session.flush()
    return ticket


def make_message(session: Session, ticket: Ticket, **overrides: Any) -> TicketMessage:
    """A persisted customer message on the ticket."""
    values: dict[str, Any] = {
        "ticket_id": ticket.id,
        "author_kind": AuthorKind.customer,
        "body": "Hello, my heater is broken",
    }
    values.update(overrides)
    message = TicketMessage(**values)
    session.add(message)
    session.flush()
    return message


def make_follow_up(session: Session, ticket: Ticket, **overrides: Any) -> FollowUp:
    """A persisted follow-up visit on the ticket, due tomorrow."""
    values: dict[str, Any] = {
        "ticket_id": ticket.id,
        "customer_id": ticket.customer_id,
        "scheduled_for": utcnow() + timedelta(days=1),
    }
    values.update(overrides)
    follow_up = FollowUp(**values)
    session.add(follow_up)
    session.flush()
    return follow_up
