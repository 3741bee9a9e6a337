"""Curation payloads in and out of the API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from kcrm.core.schemas import Schema
from kcrm.knowledge.articles.models import ArticleStatus, Visibility
from kcrm.knowledge.articles.schemas import ArticleRead
from kcrm.knowledge.curation.drafts import Draft
from kcrm.knowledge.curation.duplicates import Match
from kcrm.knowledge.curation.gaps import GapCluster
from kcrm.knowledge.curation.usage import ArticleStats


class TransitionCreate(Schema):
    to: ArticleStatus
    confirm_not_duplicate: bool = Field(
        False, description="Publish a draft flagged as a possible duplicate anyway"
    )


class ReviewedCreate(Schema):
    review_by: date | None = Field(None, description="The next review date (default: interval)")


class DiffRead(Schema):
    article_id: int
    from_version: int
    to_version: int | str
    diff: str
    added: int
    removed: int


class ArticleBrief(Schema):
    id: int
    external_id: str
    title: str
    language: str
    status: ArticleStatus
    visibility: Visibility


class ReviewItemRead(Schema):
    article: ArticleRead
    reasons: list[str]


class MatchRead(Schema):
    article: ArticleBrief
    score: float


class DraftRead(Schema):
    article: ArticleRead
    duplicate: MatchRead | None = Field(
        None, description="The published article this draft may duplicate"
    )


class FromTicketsCreate(Schema):
    ticket_ids: list[int] = Field(min_length=1, max_length=50)


class AutoDraftsCreate(Schema):
    days: int = Field(30, ge=1, le=365, description="Tickets resolved in the last N days")
    min_tickets: int = Field(2, ge=1, le=100, description="Smallest cluster worth a draft")
    max_drafts: int = Field(10, ge=1, le=50)


class GapRead(Schema):
    id: int
    question: str
    language: str
    source: str
    created_at: datetime


class GapClusterRead(Schema):
    key: int
    count: int
    examples: list[str]
    languages: dict[str, int]
    sources: dict[str, int]
    first_seen: datetime
    last_seen: datetime
    matches: list[MatchRead]
    gap_ids: list[int]


class GapDraftRead(DraftRead):
    addressed_gap_ids: list[int]


class RatingCreate(Schema):
    helpful: bool


class RatingRead(Schema):
    article_id: int
    kind: str


class ArticleStatsRead(Schema):
    article: ArticleBrief
    retrieved: int
    cited: int
    accepted: int
    rejected: int
    helpful: int
    unhelpful: int
    acceptance_rate: float | None
    helpful_rate: float | None


class OverviewRead(Schema):
    chat_sessions: int
    handed_off: int
    deflection_rate: float = Field(description="Chat sessions resolved without a handoff")
    handoff_reasons: dict[str, int]
    suggestions_decided: int
    suggestions_accepted: int
    suggestion_acceptance_rate: float
    usage: dict[str, int]
    articles: dict[str, int]
    sources: list[str] = Field(description="Which optional data sources were found (chat)")


def match_read(match: Match) -> MatchRead:
    """A duplicate or partial match as the API shows it."""
    return MatchRead(
        article=ArticleBrief.model_validate(match.article), score=round(match.score, 4)
    )


def draft_read(draft: Draft) -> DraftRead:
    """A saved draft with its duplicate flag."""
    duplicate = match_read(draft.duplicate) if draft.duplicate else None
    return DraftRead(article=ArticleRead.model_validate(draft.article), duplicate=duplicate)


def cluster_read(found: GapCluster) -> GapClusterRead:
    """A gap cluster with counts, examples and matches."""
    examples = list(dict.fromkeys(g.question for g in found.gaps))[:5]
    return GapClusterRead(
        key=found.key,
        count=len(found.gaps),
        examples=examples,
        languages=found.languages,
        sources=found.sources,
        first_seen=min(g.created_at for g in found.gaps),
        last_seen=max(g.created_at for g in found.gaps),
        matches=[match_read(m) for m in found.matches],
        gap_ids=[g.id for g in found.gaps],
    )


def stats_read(stats: ArticleStats) -> ArticleStatsRead:
    """One article's usage row."""
    return ArticleStatsRead(
        article=ArticleBrief.model_validate(stats.article),
        **stats.counts,
        acceptance_rate=stats.acceptance_rate,
        helpful_rate=stats.helpful_rate,
    )
