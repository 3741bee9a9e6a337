"""Assemble the customer 360 from a handful of LIMITed, index-served queries (no N+1)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Session

from kcrm.crm.customers import repository, timeline
from kcrm.crm.customers.models import Customer
from kcrm.crm.customers.schemas import (
    ContactRead,
    Customer360,
    Customer360Counts,
    CustomerPortal360,
    CustomerPortalRead,
    CustomerRead,
    OpenTicket,
    RecentOrder,
    TicketSummary,
    TimelineKind,
)

RECENT_ORDERS = 5
OPEN_TICKETS = 50
TIMELINE_ITEMS = 20


def _parts(
    session: Session,
    customer: Customer,
    *,
    ticket_schema: type[TicketSummary],
    kinds: Collection[TimelineKind],
) -> dict[str, Any]:
    """The sections both views share; seven queries whatever the customer's history."""
    contacts = repository.list_contacts(session, customer.id)
    tickets = repository.open_tickets(session, customer.id, limit=OPEN_TICKETS)
    orders = repository.recent_orders(session, customer.id, limit=RECENT_ORDERS)
    return {
        "member_points": customer.member_points,
        "member_tier": customer.member_tier,
        "contacts": [ContactRead.model_validate(c) for c in contacts],
        "open_tickets": [ticket_schema.model_validate(t) for t in tickets],
        "recent_orders": [RecentOrder.model_validate(o) for o in orders],
        "counts": Customer360Counts(**repository.activity_counts(session, customer.id)),
        "timeline": timeline.latest(
            session, customer_id=customer.id, kinds=kinds, limit=TIMELINE_ITEMS
        ),
    }


def build_360(session: Session, customer: Customer) -> Customer360:
    """The staff customer 360 of a customer already loaded."""
    parts = _parts(session, customer, ticket_schema=OpenTicket, kinds=timeline.ALL_KINDS)
    return Customer360(
        customer=CustomerRead.model_validate(customer),
        credit_rating=customer.credit_rating,
        **parts,
    )


def build_portal_360(session: Session, customer: Customer) -> CustomerPortal360:
    """The customer 360 as the customer's own portal account sees it."""
    parts = _parts(session, customer, ticket_schema=TicketSummary, kinds=timeline.PORTAL_KINDS)
    return CustomerPortal360(customer=CustomerPortalRead.model_validate(customer), **parts)
