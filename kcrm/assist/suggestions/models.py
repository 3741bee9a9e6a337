"""Stored suggestions, the sources each was grounded in, and the agents' verdicts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcrm.core.db import Base, utcnow
from kcrm.core.types import enum_column


class Suggestion(Base):
    """What an agent was shown for a ticket: the draft (or why there is none), and its context."""

    __tablename__ = "assist_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    language: Mapped[str] = mapped_column(String(8))
    query: Mapped[str] = mapped_column(Text)
    generator: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float]
    draft_text: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    # [{"text", "citations": [...]}] and [str]: the draft as shown, claim by claim.
    sentences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    alternatives: Mapped[list[str]] = mapped_column(JSON, default=list)
    customer_context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    next_actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuggestionSource(Base):
    """One retrieved passage behind a suggestion; `cited` when the draft quotes it."""

    __tablename__ = "assist_suggestion_sources"
    __table_args__ = (Index("ix_assist_suggestion_sources_doc", "source", "doc_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("assist_suggestions.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    chunk_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(32))
    doc_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    citation: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300), default="")
    score: Mapped[float]
    cited: Mapped[bool] = mapped_column(default=False)


class Verdict(enum.StrEnum):
    accepted = "accepted"
    edited = "edited"
    rejected = "rejected"


class SuggestionFeedback(Base):
    """An agent's verdict on a suggestion's draft (action null) or on one suggested action."""

    __tablename__ = "assist_feedback"
    __table_args__ = (Index("ix_assist_feedback_action", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("assist_suggestions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict))
    edited_text: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
