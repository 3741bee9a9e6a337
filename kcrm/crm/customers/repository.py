"""Every query of the customers domain, including its read-only views of orders and tickets."""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from kcrm.core.audit import AuditLog
from kcrm.core.db import utcnow
from kcrm.crm.customers.models import (
    Contact,
    CreditRating,
    Customer,
    Interaction,
    MemberTier,
    ValueTier,
)
from kcrm.crm.customers.schemas import CustomerFilter, TimelineKind
from kcrm.crm.orders.models import Order
from kcrm.crm.tickets.models import Ticket, TicketKind, TicketStatus

OPEN_TICKET_STATUSES = (
    TicketStatus.new,
    TicketStatus.open,
    TicketStatus.pending,
    TicketStatus.reopened,
)


def _rank(column: QueryableAttribute[Any], values: Sequence[Any]) -> ColumnElement[int]:
    # Sorting tiers by their business order, not alphabetically.
    return case({v: i for i, v in enumerate(values)}, value=column, else_=-1)


CUSTOMER_SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "id": Customer.id,
    "name": Customer.name,
    "created_at": Customer.created_at,
    "updated_at": Customer.updated_at,
    "member_points": Customer.member_points,
    "value_tier": _rank(Customer.value_tier, list(ValueTier)),
    "member_tier": _rank(Customer.member_tier, list(MemberTier)),
    "credit_rating": _rank(Customer.credit_rating, list(reversed(CreditRating))),
    "lifecycle_stage": Customer.lifecycle_stage,
}

INTERACTION_SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "occurred_at": Interaction.occurred_at,
    "id": Interaction.id,
    "kind": Interaction.kind,
}


# --- customers ---------------------------------------------------------------------------


def get_customer(
    session: Session, customer_id: int, *, include_deleted: bool = False
) -> Customer | None:
    """A customer by id; soft-deleted ones only when asked."""
    customer = session.get(Customer, customer_id)
    if customer is None or (customer.deleted_at is not None and not include_deleted):
        return None
    return customer


def get_customer_for_update(session: Session, customer_id: int) -> Customer | None:
    """A live customer, row-locked (on PostgreSQL) and re-read, for read-modify-write."""
    statement = (
        select(Customer)
        .where(Customer.id == customer_id, Customer.deleted_at.is_(None))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalar(statement)


def get_customer_by_external_id(session: Session, external_id: str) -> Customer | None:
    """A customer (deleted or not) holding this ERP id."""
    return session.scalar(select(Customer).where(Customer.external_id == external_id))


def list_customers_query(filters: CustomerFilter) -> Select[Customer]:
    """The filtered base query for listing customers."""
    statement = select(Customer)
    if not filters.include_deleted:
        statement = statement.where(Customer.deleted_at.is_(None))
    if filters.q:
        statement = statement.where(
            or_(
                *(
                    column.icontains(filters.q, autoescape=True)
                    for column in (
                        Customer.name,
                        Customer.email,
                        Customer.phone,
                        Customer.external_id,
                    )
                )
            )
        )
    for name in (
        "kind",
        "lifecycle_stage",
        "value_tier",
        "member_tier",
        "credit_rating",
        "segment",
        "language",
    ):
        value = getattr(filters, name)
        if value is not None:
            statement = statement.where(getattr(Customer, name) == value)
    if filters.tag:
        # Tags are a JSON list on both backends; match the tag's exact JSON string.
        statement = statement.where(
            cast(Customer.tags, String).contains(json.dumps(filters.tag), autoescape=True)
        )
    return statement


def record_points_change(
    session: Session, customer: Customer, *, before: int, delta: int, reason: str
) -> None:
    """Write the reason of a points change to the audit log, next to the automatic row."""
    session.add(
        AuditLog(
            at=utcnow(),
            actor=str(session.info.get("actor", "system")),
            action="points",
            entity=Customer.__tablename__,
            entity_id=str(customer.id),
            before={"member_points": before},
            after={"member_points": customer.member_points, "delta": delta, "reason": reason},
        )
    )


# --- contacts ----------------------------------------------------------------------------


def get_contact(session: Session, contact_id: int) -> Contact | None:
    """A live contact by id."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.deleted_at is not None:
        return None
    return contact


def list_contacts(session: Session, customer_id: int) -> Sequence[Contact]:
    """A customer's live contacts, the primary one first (a customer-360 query)."""
    return session.scalars(_LIVE_CONTACTS, {"customer_id": customer_id}).all()


def primary_contacts(session: Session, customer_id: int) -> Sequence[Contact]:
    """The customer's live contacts currently marked primary."""
    return session.scalars(
        select(Contact).where(
            Contact.customer_id == customer_id,
            Contact.deleted_at.is_(None),
            Contact.is_primary.is_(True),
        )
    ).all()


# --- interactions ------------------------------------------------------------------------


def list_interactions_query(customer_id: int, kind: str | None = None) -> Select[Interaction]:
    """The base query for one customer's interactions."""
    statement = select(Interaction).where(Interaction.customer_id == customer_id)
    if kind is not None:
        statement = statement.where(Interaction.kind == kind)
    return statement


# --- orders and tickets, read-only -------------------------------------------------------
# The customer-360 queries are built once with bind parameters: at 100k customers the
# database answers in well under a millisecond, so rebuilding statements would dominate.


def _customer_id() -> BindParameter[int]:
    return bindparam("customer_id", type_=Integer)


def _limit(name: str = "limit") -> BindParameter[int]:
    return bindparam(name, type_=Integer)


_RECENT_ORDERS = (
    select(Order)
    .where(Order.customer_id == _customer_id())
    .order_by(Order.placed_at.desc(), Order.id.desc())
    .limit(_limit())
)

_TICKET_LIVE = (Ticket.customer_id == _customer_id(), Ticket.deleted_at.is_(None))
_TICKET_OPEN = Ticket.status.in_(OPEN_TICKET_STATUSES)

_OPEN_TICKETS = (
    select(Ticket)
    .where(*_TICKET_LIVE, _TICKET_OPEN)
    .order_by(Ticket.sla_due_at.is_(None), Ticket.sla_due_at, Ticket.id)
    .limit(_limit())
)


_LIVE_CONTACTS = (
    select(Contact)
    .where(Contact.customer_id == _customer_id(), Contact.deleted_at.is_(None))
    .order_by(Contact.is_primary.desc(), Contact.id)
    .limit(500)
)


def _ticket_count(*where: ColumnElement[bool]) -> ScalarSelect[int]:
    return select(func.count()).select_from(Ticket).where(*_TICKET_LIVE, *where).scalar_subquery()


_ACTIVITY_COUNTS = select(
    select(func.count())
    .select_from(Order)
    .where(Order.customer_id == _customer_id())
    .scalar_subquery()
    .label("orders"),
    _ticket_count().label("tickets"),
    _ticket_count(_TICKET_OPEN).label("open_tickets"),
    _ticket_count(_TICKET_OPEN, Ticket.kind == TicketKind.complaint).label("open_complaints"),
)


def recent_orders(session: Session, customer_id: int, *, limit: int) -> Sequence[Order]:
    """The customer's latest orders (served by ix_orders_customer_placed)."""
    params = {"customer_id": customer_id, "limit": limit}
    return session.scalars(_RECENT_ORDERS, params).all()


def open_tickets(session: Session, customer_id: int, *, limit: int) -> Sequence[Ticket]:
    """The customer's unresolved tickets, most urgent SLA first (ix_tickets_customer_status)."""
    params = {"customer_id": customer_id, "limit": limit}
    return session.scalars(_OPEN_TICKETS, params).all()


def activity_counts(session: Session, customer_id: int) -> dict[str, int]:
    """Orders, tickets, open tickets and open complaints of a customer, in one round trip."""
    row = session.execute(_ACTIVITY_COUNTS, {"customer_id": customer_id}).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


# --- timeline ----------------------------------------------------------------------------


TimelineSelect = Select[str, int, datetime, str, str, str]


def _branch(
    kind: TimelineKind,
    columns: tuple[Any, Any, Any, Any, Any],
    *where: ColumnElement[bool],
) -> TimelineSelect:
    """One source's select with the shared columns: kind, id, at, title, status, category."""
    id_, at, title, status, category = columns
    return select(
        literal(kind.value, String(16)).label("kind"),
        id_.label("id"),
        at.label("at"),
        title.label("title"),
        cast(status, String(32)).label("status"),
        cast(category, String(32)).label("category"),
    ).where(*where)


def _timeline_branches(kinds: frozenset[TimelineKind]) -> list[TimelineSelect]:
    """The chosen sources; enums are cast to text so the union's columns agree."""
    branches = {
        TimelineKind.interaction: _branch(
            TimelineKind.interaction,
            (
                Interaction.id,
                Interaction.occurred_at,
                Interaction.subject,
                null(),
                Interaction.kind,
            ),
            Interaction.customer_id == _customer_id(),
        ),
        TimelineKind.order: _branch(
            TimelineKind.order,
            (Order.id, Order.placed_at, Order.number, Order.status, Order.channel),
            Order.customer_id == _customer_id(),
        ),
        TimelineKind.ticket: _branch(
            TimelineKind.ticket,
            (Ticket.id, Ticket.created_at, Ticket.subject, Ticket.status, Ticket.kind),
            *_TICKET_LIVE,
        ),
    }
    return [branches[kind] for kind in TimelineKind if kind in kinds]


@functools.cache
def _timeline_statement(kinds: frozenset[TimelineKind]) -> Select[Any]:
    """The UNION ALL page query for a set of kinds, built once per set."""
    parts = []
    for branch in _timeline_branches(kinds):
        # Each branch stops at limit+offset rows via its (customer, time) index, so a
        # customer with a long history costs no more than one page.
        sub = branch.order_by(branch.selected_columns.at.desc()).limit(_limit("window")).subquery()
        parts.append(select(*sub.c))
    merged = union_all(*parts).subquery()
    return (
        select(*merged.c)
        .order_by(merged.c.at.desc(), merged.c.kind, merged.c.id.desc())
        .limit(_limit())
        .offset(_limit("offset"))
    )


@functools.cache
def _timeline_total_statement(kinds: frozenset[TimelineKind]) -> Select[Any]:
    """Sum of the chosen sources' row counts, built once per set."""
    return select(
        *(
            select(func.count()).select_from(b.subquery()).scalar_subquery()
            for b in _timeline_branches(kinds)
        )
    )


def timeline(
    session: Session,
    customer_id: int,
    *,
    kinds: Collection[TimelineKind],
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    """One UNION ALL query over interactions, orders and tickets, newest first."""
    if not kinds:
        return []
    params = {"customer_id": customer_id, "window": limit + offset, "limit": limit}
    rows = session.execute(_timeline_statement(frozenset(kinds)), {**params, "offset": offset})
    return [dict(row._mapping) for row in rows]


def timeline_total(session: Session, customer_id: int, *, kinds: Collection[TimelineKind]) -> int:
    """How many timeline items a customer has across the chosen kinds."""
    if not kinds:
        return 0
    row = session.execute(
        _timeline_total_statement(frozenset(kinds)), {"customer_id": customer_id}
    ).one()
    return sum(int(v or 0) for v in row)
