"""The queries next-action suggestions need: timelines, resolved action logs, rule facts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcrm.crm.tickets.models import (
    FollowUp,
    FollowUpStatus,
    Ticket,
    TicketAction,
    TicketKind,
    TicketMessage,
)
from kcrm.crm.tickets.rules import ACTIVE_STATUSES, DONE_STATUSES


def shared_messages(session: Session, ticket_ids: Sequence[int]) -> dict[int, list[TicketMessage]]:
    """Customer, agent and system messages (never internal notes) per ticket, oldest first."""
    query = (
        select(TicketMessage)
        .where(TicketMessage.ticket_id.in_(ticket_ids), TicketMessage.internal.is_(False))
        .order_by(TicketMessage.created_at, TicketMessage.id)
    )
    grouped: dict[int, list[TicketMessage]] = defaultdict(list)
    for message in session.scalars(query):
        grouped[message.ticket_id].append(message)
    return grouped


def resolved_tickets(session: Session, ticket_ids: Sequence[int] | None = None) -> list[Ticket]:
    """Live resolved or closed tickets (these ids only, when given), in id order."""
    query = select(Ticket).where(Ticket.status.in_(DONE_STATUSES), Ticket.deleted_at.is_(None))
    if ticket_ids is not None:
        query = query.where(Ticket.id.in_(ticket_ids))
    return list(session.scalars(query.order_by(Ticket.id)))


def resolved_tags(session: Session) -> dict[int, list[str]]:
    """Every live resolved or closed ticket's tags, in one query (no id list to send)."""
    query = select(Ticket.id, Ticket.tags).where(
        Ticket.status.in_(DONE_STATUSES), Ticket.deleted_at.is_(None)
    )
    return {int(ticket_id): list(tags or ()) for ticket_id, tags in session.execute(query)}


def resolved_action_logs(session: Session) -> dict[int, list[str]]:
    """Every resolved ticket's action labels in order, in one query."""
    query = (
        select(TicketAction.ticket_id, TicketAction.action)
        .join(Ticket, Ticket.id == TicketAction.ticket_id)
        .where(Ticket.status.in_(DONE_STATUSES), Ticket.deleted_at.is_(None))
        .order_by(TicketAction.ticket_id, TicketAction.created_at, TicketAction.id)
    )
    logs: dict[int, list[str]] = defaultdict(list)
    for ticket_id, action in session.execute(query):
        logs[int(ticket_id)].append(str(action))
    return logs


def open_complaint_ids(session: Session, customer_id: int) -> list[int]:
    """The customer's live complaints that still need work."""
    query = select(Ticket.id).where(
        Ticket.customer_id == customer_id,
        Ticket.kind == TicketKind.complaint,
        Ticket.status.in_(ACTIVE_STATUSES),
        Ticket.deleted_at.is_(None),
    )
    return list(session.scalars(query.order_by(Ticket.id)))


def follow_up_count(session: Session, ticket_id: int) -> int:
    """Follow-up visits scheduled or done for the ticket (cancelled ones do not count)."""
    query = select(func.count(FollowUp.id)).where(
        FollowUp.ticket_id == ticket_id, FollowUp.status != FollowUpStatus.cancelled
    )
    return int(session.scalar(query) or 0)
