"""The queries that read the CRM tables the knowledge sources are built from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Customer, Interaction
from kcrm.crm.orders.models import Order, OrderLine
from kcrm.crm.tickets.models import AuthorKind, Ticket, TicketAction, TicketMessage, TicketStatus

RESOLVED_STATUSES = (TicketStatus.resolved, TicketStatus.closed)
HISTORY_LIMIT = 50  # per kind: the recent past is what helps an agent; old rows only add noise


def resolved_ticket_ids(session: Session) -> list[int]:
    """Ids of every live resolved or closed ticket."""
    query = select(Ticket.id).where(
        Ticket.status.in_(RESOLVED_STATUSES), Ticket.deleted_at.is_(None)
    )
    return list(session.scalars(query.order_by(Ticket.id)))


def tickets_by_ids(session: Session, ticket_ids: Sequence[int]) -> list[Ticket]:
    """Live tickets with these ids, in id order."""
    query = select(Ticket).where(Ticket.id.in_(ticket_ids), Ticket.deleted_at.is_(None))
    return list(session.scalars(query.order_by(Ticket.id)))


def public_messages(session: Session, ticket_ids: Sequence[int]) -> dict[int, list[TicketMessage]]:
    """Customer and agent messages (never internal notes) per ticket, oldest first."""
    query = (
        select(TicketMessage)
        .where(TicketMessage.ticket_id.in_(ticket_ids), TicketMessage.internal.is_(False))
        .where(TicketMessage.author_kind != AuthorKind.system)
        .order_by(TicketMessage.created_at, TicketMessage.id)
    )
    grouped: dict[int, list[TicketMessage]] = defaultdict(list)
    for message in session.scalars(query):
        grouped[message.ticket_id].append(message)
    return grouped


def actions(session: Session, ticket_ids: Sequence[int]) -> dict[int, list[TicketAction]]:
    """The action log per ticket, oldest first."""
    query = (
        select(TicketAction)
        .where(TicketAction.ticket_id.in_(ticket_ids))
        .order_by(TicketAction.created_at, TicketAction.id)
    )
    grouped: dict[int, list[TicketAction]] = defaultdict(list)
    for action in session.scalars(query):
        grouped[action.ticket_id].append(action)
    return grouped


def product_skus(session: Session, product_ids: Sequence[int]) -> dict[int, str]:
    """SKU per product id."""
    if not product_ids:
        return {}
    rows = session.execute(select(Product.id, Product.sku).where(Product.id.in_(product_ids)))
    return {int(pid): str(sku) for pid, sku in rows}


def customers_with_activity(session: Session) -> list[int]:
    """Ids of live customers that have at least one ticket, order or interaction."""
    active = union(
        select(Ticket.customer_id).where(Ticket.deleted_at.is_(None)),
        select(Order.customer_id),
        select(Interaction.customer_id),
    ).subquery()
    query = select(Customer.id).where(
        Customer.id.in_(select(active.c[0])), Customer.deleted_at.is_(None)
    )
    return list(session.scalars(query.order_by(Customer.id)))


def get_customer(session: Session, customer_id: int) -> Customer | None:
    """A live customer."""
    query = select(Customer).where(Customer.id == customer_id, Customer.deleted_at.is_(None))
    return session.scalar(query)


def recent_tickets(session: Session, customer_id: int) -> list[Ticket]:
    """The customer's latest live tickets, newest first."""
    query = (
        select(Ticket)
        .where(Ticket.customer_id == customer_id, Ticket.deleted_at.is_(None))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return list(session.scalars(query))


def recent_orders(session: Session, customer_id: int) -> list[tuple[Order, list[str]]]:
    """The customer's latest orders with their line descriptions ("SKU x2"), newest first."""
    query = (
        select(Order)
        .where(Order.customer_id == customer_id)
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(HISTORY_LIMIT)
    )
    orders = list(session.scalars(query))
    lines: dict[int, list[str]] = defaultdict(list)
    if orders:
        rows = session.execute(
            select(OrderLine.order_id, OrderLine.sku, OrderLine.quantity)
            .where(OrderLine.order_id.in_([o.id for o in orders]))
            .order_by(OrderLine.id)
        )
        for order_id, sku, quantity in rows:
            lines[order_id].append(f"{sku} x{quantity}")
    return [(order, lines[order.id]) for order in orders]


def recent_interactions(session: Session, customer_id: int) -> list[Interaction]:
    """The customer's latest interactions, newest first."""
    query = (
        select(Interaction)
        .where(Interaction.customer_id == customer_id)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return list(session.scalars(query))
