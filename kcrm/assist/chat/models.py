"""Customer self-service chat sessions and their (PII-masked) transcripts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcrm.core.db import Base, TimestampMixin, utcnow
from kcrm.core.types import enum_column
from kcrm.crm.customers.models import Language


class ChatStatus(enum.StrEnum):
    open = "open"
    handed_off = "handed_off"


class ChatRole(enum.StrEnum):
    user = "user"
    assistant = "assistant"
    system = "system"


class ChatSession(TimestampMixin, Base):
    """One conversation; anonymous when customer_id is None (knowledge only)."""

    __tablename__ = "chat_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # sha256 of the session token given to the client at creation; the token itself is
    # never stored, so a database leak does not let anyone join a visitor's chat.
    token_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[Language | None] = mapped_column(enum_column(Language))
    status: Mapped[ChatStatus] = mapped_column(enum_column(ChatStatus), default=ChatStatus.open)
    # The ticket a handoff opened; later handoffs add to it instead of opening another.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))


class ChatMessage(Base):
    """One turn; text is stored with phone, ID card and bank card numbers masked."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_session_created", "session_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    role: Mapped[ChatRole] = mapped_column(enum_column(ChatRole))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[Language] = mapped_column(enum_column(Language), default=Language.zh)
    intent: Mapped[str | None] = mapped_column(String(32))
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    confidence: Mapped[float | None]
    handoff: Mapped[bool] = mapped_column(default=False)
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
