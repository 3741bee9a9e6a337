"""Every query of the tickets domain, and the lookups it needs from other domains."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, or_, select
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from kcrm.auth.models import User
from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Customer
from kcrm.crm.orders.models import Order
from kcrm.crm.tickets.models import FollowUp, Ticket, TicketAction, TicketMessage
from kcrm.crm.tickets.rules import ACTIVE_STATUSES, DONE_STATUSES, PRIORITY_ORDER
from kcrm.crm.tickets.schemas import FollowUpFilters, TicketFilters

Sorts = dict[str, ColumnElement[Any] | QueryableAttribute[Any]]

# Priority sorts by rank, not alphabetically.
_priority_rank = case({p.value: i for i, p in enumerate(PRIORITY_ORDER)}, value=Ticket.priority)
TICKET_SORTS: Sorts = {
    "id": Ticket.id,
    "created_at": Ticket.created_at,
    "updated_at": Ticket.updated_at,
    "sla_due_at": Ticket.sla_due_at,
    "priority": _priority_rank,
    "status": Ticket.status,
    "subject": Ticket.subject,
}
FOLLOW_UP_SORTS: Sorts = {
    "scheduled_for": FollowUp.scheduled_for,
    "id": FollowUp.id,
    "created_at": FollowUp.created_at,
}


def get_ticket(session: Session, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
    """A live (not deleted) ticket; `for_update` locks the row for a write."""
    query = select(Ticket).where(Ticket.id == ticket_id, Ticket.deleted_at.is_(None))
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _overdue(now: datetime) -> ColumnElement[bool]:
    return and_(Ticket.sla_due_at < now, Ticket.status.in_(ACTIVE_STATUSES))


def _not_overdue(now: datetime) -> ColumnElement[bool]:
    return or_(
        Ticket.sla_due_at.is_(None), Ticket.sla_due_at >= now, Ticket.status.in_(DONE_STATUSES)
    )


def list_tickets_query(filters: TicketFilters, *, now: datetime) -> Select[Ticket]:
    """The live tickets matching these filters."""
    query: Select[Ticket] = select(Ticket).where(Ticket.deleted_at.is_(None))
    equal = {
        Ticket.kind: filters.kind,
        Ticket.priority: filters.priority,
        Ticket.queue: filters.queue,
        Ticket.channel: filters.channel,
        Ticket.owner_id: filters.owner_id,
        Ticket.customer_id: filters.customer_id,
        Ticket.product_id: filters.product_id,
        Ticket.order_id: filters.order_id,
        Ticket.language: filters.language,
    }
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    if filters.status:
        query = query.where(Ticket.status.in_(filters.status))
    if filters.overdue is not None:
        query = query.where(_overdue(now) if filters.overdue else _not_overdue(now))
    if filters.q:
        query = query.where(Ticket.subject.ilike(_like(filters.q), escape="\\"))
    return query


def list_messages(
    session: Session, ticket_id: int, *, include_internal: bool
) -> Sequence[TicketMessage]:
    """A ticket's messages, oldest first; internal notes only when asked for."""
    query = select(TicketMessage).where(TicketMessage.ticket_id == ticket_id)
    if not include_internal:
        query = query.where(TicketMessage.internal.is_(False))
    return session.scalars(query.order_by(TicketMessage.created_at, TicketMessage.id)).all()


def list_actions(session: Session, ticket_id: int) -> Sequence[TicketAction]:
    """A ticket's action log, oldest first."""
    query = select(TicketAction).where(TicketAction.ticket_id == ticket_id)
    return session.scalars(query.order_by(TicketAction.created_at, TicketAction.id)).all()


def get_follow_up(session: Session, follow_up_id: int) -> FollowUp | None:
    """A follow-up visit by id."""
    return session.get(FollowUp, follow_up_id)


def list_follow_ups_query(filters: FollowUpFilters) -> Select[FollowUp]:
    """The follow-ups matching these filters."""
    query: Select[FollowUp] = select(FollowUp)
    equal = {
        FollowUp.status: filters.status,
        FollowUp.assigned_to_id: filters.assigned_to_id,
        FollowUp.customer_id: filters.customer_id,
        FollowUp.ticket_id: filters.ticket_id,
    }
    for column, value in equal.items():
        if value is not None:
            query = query.where(column == value)
    if filters.due_before is not None:
        query = query.where(FollowUp.scheduled_for < filters.due_before)
    return query


def get_customer(session: Session, customer_id: int) -> Customer | None:
    """A live customer."""
    customer = session.get(Customer, customer_id)
    return None if customer is None or customer.deleted_at is not None else customer


def get_product(session: Session, product_id: int) -> Product | None:
    """A live product."""
    product = session.get(Product, product_id)
    return None if product is None or product.deleted_at is not None else product


def get_order(session: Session, order_id: int) -> Order | None:
    """An order by id."""
    return session.get(Order, order_id)


def get_user(session: Session, user_id: int) -> User | None:
    """A user account by id."""
    return session.get(User, user_id)
