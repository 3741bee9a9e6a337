"""Tickets for the customer tests, built straight with the ORM (no ticket service needed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kcrm.crm.customers.models import Customer
from kcrm.crm.tickets.models import Ticket, TicketKind


def ticket_for(session: Session, customer: Customer, **overrides: Any) -> Ticket:
    """A persisted ticket (a new inquiry unless told otherwise)."""
    values: dict[str, Any] = {
        "subject": "Heater rattles",
        "kind": TicketKind.inquiry,
        "customer_id": customer.id,
    }
    values.update(overrides)
    ticket = Ticket(**values)
    session.add(ticket)
    session.flush()
    return ticket
