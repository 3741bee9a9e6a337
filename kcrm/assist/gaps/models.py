"""A question without a confident answer, and what retrieval found for it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcrm.core.db import Base, utcnow
from kcrm.core.types import enum_column


class GapSource(enum.StrEnum):
    suggestion = "suggestion"
    chat = "chat"


class KnowledgeGap(Base):
    __tablename__ = "knowledge_gaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    source: Mapped[GapSource] = mapped_column(enum_column(GapSource))
    # What asked it: "ticket:123" for a suggestion, "chat:45" for a chat session.
    ref: Mapped[str | None] = mapped_column(String(64), index=True)
    # The best partial matches: [{"citation", "title", "score"}], so curation sees near misses.
    matches: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
