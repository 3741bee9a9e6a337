"""Every chat query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kcrm.assist.chat.models import ChatMessage, ChatSession, ChatStatus


def get_session(session: Session, session_id: int) -> ChatSession | None:
    """A chat session by id."""
    return session.get(ChatSession, session_id)


def list_messages(session: Session, session_id: int) -> Sequence[ChatMessage]:
    """A session's transcript, oldest first."""
    statement = (
        select(ChatMessage)
        .where(ChatMessage.session_id == session_id)
        .order_by(ChatMessage.created_at, ChatMessage.id)
    )
    return session.scalars(statement).all()


def add(session: Session, row: ChatSession | ChatMessage) -> None:
    """Stage a new session or message and give it its id."""
    session.add(row)
    session.flush()


def session_counts(session: Session, *, since: datetime | None = None) -> tuple[int, int]:
    """(all, handed over) chat sessions started since a moment (ever when None).

    A session counts as handed over when a ticket took it or any reply handed it to a
    person: an anonymous visitor told to leave an email was not helped by the chat either.
    """
    handed_message = (
        select(ChatMessage.id)
        .where(ChatMessage.session_id == ChatSession.id, ChatMessage.handoff.is_(True))
        .exists()
    )
    handed = func.count().filter(or_(ChatSession.status == ChatStatus.handed_off, handed_message))
    query = select(func.count(), handed).select_from(ChatSession)
    if since is not None:
        query = query.where(ChatSession.created_at >= since)
    total, handed_off = session.execute(query).one()
    return int(total or 0), int(handed_off or 0)


def handoff_reasons(session: Session, *, since: datetime | None = None) -> dict[str | None, int]:
    """How many handoff turns gave each reason since a moment (ever when None)."""
    query = select(ChatMessage.handoff_reason, func.count()).where(ChatMessage.handoff.is_(True))
    if since is not None:
        query = query.where(ChatMessage.created_at >= since)
    query = query.group_by(ChatMessage.handoff_reason)
    return {reason: int(n) for reason, n in session.execute(query)}
