"""Factories for next-action tests: logged actions and resolved tickets with a timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.crm.customers.models import Customer
from kcrm.crm.tickets.models import AuthorKind, Ticket, TicketAction, TicketMessage, TicketStatus
from tests.factories.tickets import make_ticket


def make_action(session: Session, ticket: Ticket, action: str, **overrides: object) -> TicketAction:
    """A persisted entry in the ticket's action log."""
    entry = TicketAction(ticket_id=ticket.id, action=action, details={}, **overrides)
    session.add(entry)
    session.flush()
    return entry


def make_resolved(
    session: Session,
    turns: Sequence[tuple[str, str, str | None]],
    *,
    customer: Customer | None = None,
    **overrides: object,
) -> Ticket:
    """A resolved ticket whose (speaker, text, action) turns are written a second apart."""
    ticket = make_ticket(session, customer=customer, status=TicketStatus.resolved, **overrides)
    start = utcnow() - timedelta(days=1)
    for index, (speaker, text, action) in enumerate(turns):
        at = start + timedelta(seconds=index)
        if text:
            session.add(
                TicketMessage(
                    ticket_id=ticket.id, author_kind=AuthorKind(speaker), body=text, created_at=at
                )
            )
        if action:
            session.add(TicketAction(ticket_id=ticket.id, action=action, details={}, created_at=at))
    session.flush()
    return ticket
