"""The queries next-action suggestions need: timelines, resolved action logs, rule facts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcrm.crm.tickets.models import (
    AuthorKind,
    FollowUp,
    FollowUpStatus,
    Ticket,
    TicketAction,
    TicketKind,
    TicketMessage,
)
from kcrm.crm.tickets.rules import ACTIVE_STATUSES, DONE_STATUSES


class TalkMessage(NamedTuple):
    """The columns of a shared message a case's timeline needs (no ORM object to build)."""

    id: int
    created_at: datetime
    author_kind: AuthorKind
    body: str


class TalkAction(NamedTuple):
    """The columns of a logged action a case's timeline needs."""

    id: int
    created_at: datetime
    action: str


def case_talk(
    session: Session, ticket_ids: Sequence[int]
) -> tuple[dict[int, list[TalkMessage]], dict[int, list[TalkAction]]]:
    """Shared messages and logged actions per ticket, oldest first, as plain rows.

    A suggestion reads hundreds of similar tickets' talks: rows cost a fraction of entities.
    """
    messages: dict[int, list[TalkMessage]] = defaultdict(list)
    actions: dict[int, list[TalkAction]] = defaultdict(list)
    if not ticket_ids:
        return messages, actions
    m = TicketMessage
    query = (
        select(m.ticket_id, m.id, m.created_at, m.author_kind, m.body)
        .where(m.ticket_id.in_(ticket_ids), m.internal.is_(False))
        .order_by(m.created_at, m.id)
    )
    for ticket_id, message_id, at, author, body in session.execute(query):
        messages[ticket_id].append(TalkMessage(message_id, at, author, body))
    a = TicketAction
    logged = (
        select(a.ticket_id, a.id, a.created_at, a.action)
        .where(a.ticket_id.in_(ticket_ids))
        .order_by(a.created_at, a.id)
    )
    for ticket_id, action_id, at, action in session.execute(logged):
        actions[ticket_id].append(TalkAction(action_id, at, action))
    return messages, actions


def resolved_fingerprint(session: Session) -> tuple[object, ...]:
    """What changes whenever the resolved tickets' action logs or tags may have changed:
    their count and latest update, and the latest logged action."""
    done = select(func.count(Ticket.id), func.max(Ticket.updated_at)).where(
        Ticket.status.in_(DONE_STATUSES), Ticket.deleted_at.is_(None)
    )
    count, updated = session.execute(done).one()
    return (count, updated, session.scalar(select(func.max(TicketAction.id))))


def resolved_tags(
    session: Session, ticket_ids: Sequence[int] | None = None
) -> dict[int, list[str]]:
    """Live resolved or closed tickets' tags (these ids only, when given), in id order."""
    query = select(Ticket.id, Ticket.tags).where(
        Ticket.status.in_(DONE_STATUSES), Ticket.deleted_at.is_(None)
    )
    if ticket_ids is not None:
        query = query.where(Ticket.id.in_(ticket_ids))
    rows = session.execute(query.order_by(Ticket.id))
    return {int(ticket_id): list(tags or ()) for ticket_id, tags in rows}


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
