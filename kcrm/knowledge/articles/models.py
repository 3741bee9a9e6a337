"""Knowledge articles and their published versions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kcrm.core.db import Base, TimestampMixin, utcnow
from kcrm.core.types import enum_column
from kcrm.crm.customers.models import Language


class ArticleStatus(enum.StrEnum):
    draft = "draft"
    in_review = "in_review"
    published = "published"
    retired = "retired"


class Visibility(enum.StrEnum):
    public = "public"
    internal = "internal"


class Article(TimestampMixin, Base):
    """The current state of one article; only published ones are indexed as knowledge."""

    __tablename__ = "articles"
    __audited__ = True
    __table_args__ = (Index("ix_articles_status_language", "status", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[Language] = mapped_column(enum_column(Language))
    product_sku: Mapped[str | None] = mapped_column(String(64), index=True)
    category: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[ArticleStatus] = mapped_column(
        enum_column(ArticleStatus), default=ArticleStatus.draft
    )
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility), default=Visibility.public
    )
    owner: Mapped[str | None] = mapped_column(String(120))
    review_by: Mapped[date | None]
    # Bumped whenever the content hash changes, so chunks and citations name a version.
    version: Mapped[int] = mapped_column(default=1)
    body: Mapped[str] = mapped_column(Text)
    body_format: Mapped[str] = mapped_column(String(16), default="markdown")
    content_hash: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str | None] = mapped_column(String(500))
    # Curation (kcrm/knowledge/curation): why the article needs a review, and since when.
    stale_reason: Mapped[str | None] = mapped_column(String(300))
    stale_since: Mapped[datetime | None]
    # The resolved tickets a draft was written from (a ticket is turned into one draft only).
    source_ticket_ids: Mapped[list[int] | None] = mapped_column(JSON, default=list)
    # A draft that looks like an existing article is flagged with it, never added silently.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    duplicate_score: Mapped[float | None]


class ArticleVersion(Base):
    """A snapshot of an article as it was published; never changed or deleted."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[Language] = mapped_column(enum_column(Language))
    product_sku: Mapped[str | None] = mapped_column(String(64))
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility))
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
