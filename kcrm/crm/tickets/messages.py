"""Ticket conversations: customer messages, agent replies and internal notes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.errors import Conflict, Forbidden
from kcrm.crm.tickets import repository, workflow
from kcrm.crm.tickets.models import AuthorKind, Ticket, TicketMessage, TicketStatus
from kcrm.crm.tickets.schemas import MessageCreate


def add(
    session: Session,
    *,
    ticket: Ticket,
    author_kind: AuthorKind,
    user_id: int | None,
    body: str,
    internal: bool = False,
) -> TicketMessage:
    """Store a message as is; the workflow effects live in `post`."""
    message = TicketMessage(
        ticket_id=ticket.id,
        author_kind=author_kind,
        author_user_id=user_id,
        body=body,
        internal=internal,
    )
    session.add(message)
    session.flush()
    return message


def _customer_effects(session: Session, *, ticket: Ticket, user_id: int | None) -> None:
    # The customer answering a pending question, or coming back after a resolution,
    # puts the ticket back in front of an agent.
    if ticket.status == TicketStatus.pending:
        workflow.change_status(session, ticket=ticket, to=TicketStatus.open, user_id=user_id)
    elif ticket.status == TicketStatus.resolved:
        workflow.change_status(session, ticket=ticket, to=TicketStatus.reopened, user_id=user_id)


def post(
    session: Session, *, ticket: Ticket, principal: Principal, data: MessageCreate
) -> TicketMessage:
    """Post a message as the caller; customers cannot write internal notes or to closed tickets."""
    if not principal.is_staff:
        if data.internal:
            raise Forbidden("customers cannot post internal notes")
        if ticket.status == TicketStatus.closed:
            raise Conflict("this ticket is closed; please open a new ticket")
        message = add(
            session,
            ticket=ticket,
            author_kind=AuthorKind.customer,
            user_id=principal.user_id,
            body=data.body,
        )
        _customer_effects(session, ticket=ticket, user_id=principal.user_id)
        return message
    principal.require_role(Role.agent)
    message = add(
        session,
        ticket=ticket,
        author_kind=AuthorKind.agent,
        user_id=principal.user_id,
        body=data.body,
        internal=data.internal,
    )
    if not data.internal:
        workflow.take_first_response(session, ticket=ticket, user_id=principal.user_id)
    return message


def list(  # noqa: A001
    session: Session, *, ticket: Ticket, principal: Principal
) -> Sequence[TicketMessage]:
    """The conversation, oldest first; internal notes only for staff."""
    return repository.list_messages(session, ticket.id, include_internal=principal.is_staff)
