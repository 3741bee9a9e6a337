"""Tickets: the list, the workflow, messages, the action log, ownership and after-care."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from kcrm.api.deps import AdminUser, AgentUser, CurrentUser, PageDep, SessionDep, StaffUser
from kcrm.auth.principal import Principal
from kcrm.core.pagination import Page
from kcrm.crm.customers.models import Language
from kcrm.crm.tickets import actions as action_service
from kcrm.crm.tickets import follow_ups as follow_up_service
from kcrm.crm.tickets import messages as message_service
from kcrm.crm.tickets import service as ticket_service
from kcrm.crm.tickets import workflow
from kcrm.crm.tickets.models import Channel, Priority, Ticket, TicketKind, TicketStatus
from kcrm.crm.tickets.schemas import (
    ActionCreate,
    ActionRead,
    Escalation,
    FollowUpCreate,
    FollowUpRead,
    MessageCreate,
    MessageRead,
    SatisfactionCreate,
    TicketCreate,
    TicketDetail,
    TicketFilters,
    TicketRead,
    TicketUpdate,
    Transfer,
)

router = APIRouter(tags=["tickets"])


def _detail(session: Session, ticket: Ticket, principal: Principal) -> TicketDetail:
    items = message_service.list(session, ticket=ticket, principal=principal)
    return TicketDetail(
        **TicketRead.model_validate(ticket).model_dump(),
        messages=[MessageRead.model_validate(m) for m in items],
    )


def ticket_filters(
    status: Annotated[list[TicketStatus] | None, Query(description="Repeat for several")] = None,
    kind: TicketKind | None = None,
    priority: Priority | None = None,
    queue: Annotated[str | None, Query(max_length=64)] = None,
    channel: Channel | None = None,
    owner_id: int | None = None,
    customer_id: int | None = None,
    product_id: int | None = None,
    order_id: int | None = None,
    language: Language | None = None,
    overdue: Annotated[bool | None, Query(description="SLA breached and not done")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in the subject")] = None,
) -> TicketFilters:
    """The ticket list filters from the query string."""
    return TicketFilters(
        status=status,
        kind=kind,
        priority=priority,
        queue=queue,
        channel=channel,
        owner_id=owner_id,
        customer_id=customer_id,
        product_id=product_id,
        order_id=order_id,
        language=language,
        overdue=overdue,
        q=q,
    )


@router.get("/tickets", response_model=Page[TicketRead])
def list_tickets(
    session: SessionDep,
    principal: CurrentUser,
    page: PageDep,
    filters: Annotated[TicketFilters, Depends(ticket_filters)],
) -> Page[TicketRead]:
    """List tickets; customer accounts see only their own."""
    items, total = ticket_service.list(session, principal=principal, filters=filters, params=page)
    return Page(
        items=[TicketRead.model_validate(t) for t in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/tickets", response_model=TicketDetail, status_code=201)
def create_ticket(session: SessionDep, principal: CurrentUser, data: TicketCreate) -> TicketDetail:
    """Open a ticket, optionally with the customer's first message."""
    ticket = ticket_service.create(session, principal=principal, data=data)
    return _detail(session, ticket, principal)


@router.get("/tickets/{ticket_id}", response_model=TicketDetail)
def get_ticket(session: SessionDep, principal: CurrentUser, ticket_id: int) -> TicketDetail:
    """One ticket with its conversation (internal notes for staff only)."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=principal)
    return _detail(session, ticket, principal)


@router.patch("/tickets/{ticket_id}", response_model=TicketRead)
def update_ticket(
    session: SessionDep, principal: CurrentUser, ticket_id: int, data: TicketUpdate
) -> TicketRead:
    """Change a ticket's fields or status; customers may only reopen a resolved ticket."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=principal, for_update=True)
    return TicketRead.model_validate(
        ticket_service.update(session, ticket=ticket, principal=principal, data=data)
    )


@router.delete("/tickets/{ticket_id}", response_model=TicketRead)
def delete_ticket(session: SessionDep, admin: AdminUser, ticket_id: int) -> TicketRead:
    """Soft-delete a ticket (admin only)."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=admin, for_update=True)
    return TicketRead.model_validate(ticket_service.delete(session, ticket=ticket))


@router.post("/tickets/{ticket_id}/messages", response_model=MessageRead, status_code=201)
def post_message(
    session: SessionDep, principal: CurrentUser, ticket_id: int, data: MessageCreate
) -> MessageRead:
    """Post a message; the first agent reply opens the ticket and takes ownership."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=principal, for_update=True)
    message = message_service.post(session, ticket=ticket, principal=principal, data=data)
    return MessageRead.model_validate(message)


@router.get("/tickets/{ticket_id}/messages", response_model=list[MessageRead])
def list_messages(session: SessionDep, principal: CurrentUser, ticket_id: int) -> list[MessageRead]:
    """The ticket's conversation, oldest first."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=principal)
    items = message_service.list(session, ticket=ticket, principal=principal)
    return [MessageRead.model_validate(m) for m in items]


@router.post("/tickets/{ticket_id}/actions", response_model=ActionRead, status_code=201)
def log_action(
    session: SessionDep, agent: AgentUser, ticket_id: int, data: ActionCreate
) -> ActionRead:
    """Log an action taken on the ticket (refund_issued, replacement_sent, ...)."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=agent)
    return ActionRead.model_validate(
        action_service.create(session, ticket=ticket, principal=agent, data=data)
    )


@router.get("/tickets/{ticket_id}/actions", response_model=list[ActionRead])
def list_actions(session: SessionDep, staff: StaffUser, ticket_id: int) -> list[ActionRead]:
    """The ticket's action log, oldest first."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=staff)
    return [ActionRead.model_validate(a) for a in action_service.list(session, ticket=ticket)]


@router.post("/tickets/{ticket_id}/escalate", response_model=TicketRead)
def escalate_ticket(
    session: SessionDep, agent: AgentUser, ticket_id: int, data: Escalation
) -> TicketRead:
    """Raise the priority one step and move the ticket to the escalations queue."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=agent, for_update=True)
    return TicketRead.model_validate(
        workflow.escalate(session, ticket=ticket, principal=agent, data=data)
    )


@router.post("/tickets/{ticket_id}/claim", response_model=TicketRead)
def claim_ticket(session: SessionDep, agent: AgentUser, ticket_id: int) -> TicketRead:
    """Take an unowned ticket."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=agent, for_update=True)
    return TicketRead.model_validate(workflow.claim(session, ticket=ticket, principal=agent))


@router.post("/tickets/{ticket_id}/transfer", response_model=TicketRead)
def transfer_ticket(
    session: SessionDep, admin: AdminUser, ticket_id: int, data: Transfer
) -> TicketRead:
    """Move a ticket, complaints included, to another owner (admin only; logged)."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=admin, for_update=True)
    return TicketRead.model_validate(
        workflow.transfer(session, ticket=ticket, principal=admin, data=data)
    )


@router.post("/tickets/{ticket_id}/satisfaction", response_model=TicketRead)
def rate_ticket(
    session: SessionDep, principal: CurrentUser, ticket_id: int, data: SatisfactionCreate
) -> TicketRead:
    """Rate a resolved or closed ticket from 1 to 5."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=principal, for_update=True)
    return TicketRead.model_validate(
        follow_up_service.rate(session, ticket=ticket, principal=principal, data=data)
    )


@router.post("/tickets/{ticket_id}/follow-ups", response_model=FollowUpRead, status_code=201)
def schedule_follow_up(
    session: SessionDep, agent: AgentUser, ticket_id: int, data: FollowUpCreate
) -> FollowUpRead:
    """Schedule a follow-up visit (回访) on a resolved or closed ticket."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=agent)
    return FollowUpRead.model_validate(
        follow_up_service.schedule(session, ticket=ticket, principal=agent, data=data)
    )
