"""Article lifecycle: draft → in_review → published → retired, by an explicit transition table.

Publishing indexes the article and keeps its version; any other status removes its chunks
from every index (through the knowledge service, after the commit).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.core.db import utcnow
from kcrm.core.errors import BadRequest, Conflict
from kcrm.knowledge import service as knowledge_service
from kcrm.knowledge.articles.models import Article, ArticleStatus
from kcrm.knowledge.articles.schemas import ArticleUpdate
from kcrm.knowledge.curation.transitions import check_transition
from kcrm.knowledge.engine import KnowledgeEngine


def _check_duplicate(article: Article, *, confirm_not_duplicate: bool) -> None:
    # A draft flagged as a duplicate is only published once a person has said it is not one.
    if article.duplicate_of_id is None:
        return
    if not confirm_not_duplicate:
        raise Conflict(
            f"this draft looks like article {article.duplicate_of_id} "
            f"(similarity {article.duplicate_score or 0:.2f}); merge it into that article "
            "or publish with confirm_not_duplicate",
            details=[{"duplicate_of_id": article.duplicate_of_id}],
        )
    article.duplicate_of_id = None
    article.duplicate_score = None


def _next_review(article: Article, settings: Settings) -> date:
    today = utcnow().date()
    if article.review_by is not None and article.review_by > today:
        return article.review_by
    return today + timedelta(days=settings.review_interval_days)


def transition(
    session: Session,
    engine: KnowledgeEngine,
    *,
    settings: Settings,
    article: Article,
    to: ArticleStatus,
    confirm_not_duplicate: bool = False,
) -> Article:
    """Move an article to another status; publishing clears its staleness and (re)indexes it."""
    check_transition(article.status, to)
    data = ArticleUpdate(status=to)
    if to == ArticleStatus.published:
        _check_duplicate(article, confirm_not_duplicate=confirm_not_duplicate)
        data.review_by = _next_review(article, settings)
        article.stale_reason, article.stale_since = None, None
    return knowledge_service.update_article(
        session, engine, settings=settings, article=article, data=data
    )


def mark_reviewed(
    session: Session, *, settings: Settings, article: Article, review_by: date | None
) -> Article:
    """A manager checked the article: clear its staleness and set the next review date."""
    if review_by is not None and review_by <= utcnow().date():
        raise BadRequest("review_by must be in the future")
    article.stale_reason, article.stale_since = None, None
    article.review_by = review_by or utcnow().date() + timedelta(days=settings.review_interval_days)
    session.flush()
    return article
