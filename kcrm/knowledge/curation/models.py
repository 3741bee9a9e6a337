"""Curation tables: article usage events and the gaps already turned into drafts."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kcrm.core.db import Base, utcnow
from kcrm.core.types import enum_column


class UsageKind(enum.StrEnum):
    retrieved = "retrieved"
    cited = "cited"
    accepted = "accepted"
    rejected = "rejected"
    helpful = "helpful"
    unhelpful = "unhelpful"


class ArticleUsage(Base):
    """One thing that happened to an article: retrieved, cited, accepted, rated."""

    __tablename__ = "article_usage"
    __table_args__ = (Index("ix_article_usage_article_kind", "article_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    kind: Mapped[UsageKind] = mapped_column(enum_column(UsageKind))
    # What it happened in, e.g. "suggestion:12", "chat:7" or "user:3" for a rating.
    ref: Mapped[str | None] = mapped_column(String(120), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class GapDraft(Base):
    """A knowledge gap that was turned into a draft article, so it leaves the gap queue."""

    __tablename__ = "gap_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the gaps table belongs to kcrm/assist and may be pruned on its own.
    gap_id: Mapped[int] = mapped_column(unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
