"""Every chat query."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.assist.chat.models import ChatMessage, ChatSession


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
