"""Ticket use cases: get, list, create, update and delete, scoped to the caller."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.db import utcnow
from kcrm.core.errors import BadRequest, Conflict, Forbidden, NotFound
from kcrm.core.events import emit
from kcrm.core.pagination import PageParams, paginate
from kcrm.crm.tickets import messages, repository, rules, workflow
from kcrm.crm.tickets.models import AuthorKind, Priority, Ticket, TicketStatus
from kcrm.crm.tickets.schemas import TicketCreate, TicketFilters, TicketUpdate

# Fields a customer portal account may not choose when opening a ticket.
_STAFF_ONLY_CREATE = ("priority", "queue", "tags")


def get(
    session: Session, *, ticket_id: int, principal: Principal, for_update: bool = False
) -> Ticket:
    """A live ticket the caller may see, or 404 (also for other customers' tickets)."""
    ticket = repository.get_ticket(session, ticket_id, for_update=for_update)
    if ticket is None:
        raise NotFound(f"ticket {ticket_id} not found")
    principal.ensure_customer(ticket.customer_id, what=f"ticket {ticket_id}")
    return ticket


def list(  # noqa: A001
    session: Session, *, principal: Principal, filters: TicketFilters, params: PageParams
) -> tuple[Sequence[Ticket], int]:
    """A page of tickets; a customer account only ever sees its own customer's."""
    scope = principal.scope_customer_id
    if scope is not None:
        if filters.customer_id not in (None, scope):
            return [], 0
        filters = filters.model_copy(update={"customer_id": scope})
    query = repository.list_tickets_query(filters, now=utcnow())
    return paginate(session, query, params, repository.TICKET_SORTS)


def _check_links(
    session: Session,
    *,
    principal: Principal,
    customer_id: int,
    product_id: int | None,
    order_id: int | None,
) -> None:
    if product_id is not None and repository.get_product(session, product_id) is None:
        raise NotFound(f"product {product_id} not found")
    if order_id is None:
        return
    order = repository.get_order(session, order_id)
    if order is None:
        raise NotFound(f"order {order_id} not found")
    principal.ensure_customer(order.customer_id, what=f"order {order_id}")
    if order.customer_id != customer_id:
        raise BadRequest(f"order {order_id} belongs to another customer")


def _customer_for_create(session: Session, *, principal: Principal, data: TicketCreate) -> int:
    if principal.is_staff:
        principal.require_role(Role.agent)
        if data.customer_id is None:
            raise BadRequest("customer_id is required when staff open a ticket")
        customer_id = data.customer_id
    else:
        given = [name for name in _STAFF_ONLY_CREATE if getattr(data, name) is not None]
        if given:
            raise Forbidden(f"customer accounts cannot set {', '.join(given)}")
        customer_id = data.customer_id or principal.customer_id or 0
        principal.ensure_customer(customer_id, what=f"customer {customer_id}")
    if repository.get_customer(session, customer_id) is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer_id


def create(session: Session, *, principal: Principal, data: TicketCreate) -> Ticket:
    """Open a ticket: route its queue, compute its SLA and store the first message."""
    customer_id = _customer_for_create(session, principal=principal, data=data)
    _check_links(
        session,
        principal=principal,
        customer_id=customer_id,
        product_id=data.product_id,
        order_id=data.order_id,
    )
    priority = data.priority or Priority.normal
    now = utcnow()
    ticket = Ticket(
        subject=data.subject,
        kind=data.kind,
        channel=data.channel,
        status=TicketStatus.new,
        priority=priority,
        language=data.language,
        queue=data.queue or rules.QUEUE_BY_KIND[data.kind],
        customer_id=customer_id,
        product_id=data.product_id,
        order_id=data.order_id,
        tags=data.tags or [],
        created_at=now,
        sla_due_at=rules.sla_due_at(now, priority, data.kind),
    )
    session.add(ticket)
    session.flush()
    if data.message:
        # Staff may type in a customer's phone call; it is still the customer's message.
        messages.add(
            session,
            ticket=ticket,
            author_kind=AuthorKind.customer,
            user_id=principal.user_id,
            body=data.message,
        )
    emit(session, "ticket.created", ticket_id=ticket.id)
    return ticket


def _customer_update(
    session: Session, *, ticket: Ticket, principal: Principal, data: TicketUpdate
) -> None:
    values = data.model_dump(exclude_unset=True)
    if set(values) != {"status"} or data.status != TicketStatus.reopened:
        raise Forbidden("customer accounts may only reopen a resolved ticket")
    if ticket.status != TicketStatus.resolved:
        raise Conflict(f"only a resolved ticket can be reopened; this one is {ticket.status}")
    workflow.change_status(
        session, ticket=ticket, to=TicketStatus.reopened, user_id=principal.user_id
    )


def _apply_fields(
    session: Session, *, ticket: Ticket, principal: Principal, data: TicketUpdate
) -> None:
    values = data.model_dump(exclude_unset=True)
    if "product_id" in values or "order_id" in values:
        _check_links(
            session,
            principal=principal,
            customer_id=ticket.customer_id,
            product_id=values.get("product_id", ticket.product_id),
            order_id=values.get("order_id", ticket.order_id),
        )
    for name in ("subject", "queue", "tags", "product_id", "order_id"):
        if name in values:
            if values[name] is None and name in ("subject", "queue", "tags"):
                raise BadRequest(f"{name} cannot be null")
            setattr(ticket, name, values[name])
    if values.get("resolution_summary") is not None:
        ticket.resolution_summary = values["resolution_summary"]
    if values.get("priority") is not None:
        workflow.set_priority(ticket, values["priority"])
    if "owner_id" in values:
        workflow.set_owner(session, ticket=ticket, owner_id=values["owner_id"], principal=principal)


def update(session: Session, *, ticket: Ticket, principal: Principal, data: TicketUpdate) -> Ticket:
    """Change a ticket's fields and status; customers may only reopen a resolved ticket."""
    if not principal.is_staff:
        _customer_update(session, ticket=ticket, principal=principal, data=data)
        session.flush()
        return ticket
    principal.require_role(Role.agent)
    _apply_fields(session, ticket=ticket, principal=principal, data=data)
    if data.status is not None:
        workflow.change_status(session, ticket=ticket, to=data.status, user_id=principal.user_id)
    session.flush()
    return ticket


def delete(session: Session, *, ticket: Ticket) -> Ticket:
    """Soft-delete a ticket; its history stays in the database."""
    ticket.deleted_at = utcnow()
    session.flush()
    return ticket
