"""Staleness: an article needs a review when its review_by date passes or its product changes.

The ERP import emits `products.changed` with the ids of products whose data changed; the
articles about those products are flagged in the same transaction. A passed review_by date
needs no flag: the review queue compares it with today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.events import subscribe
from kcrm.core.pagination import PageParams
from kcrm.knowledge.articles.models import Article, ArticleStatus
from kcrm.knowledge.curation import repository

PRODUCTS_CHANGED = "products.changed"
_BATCH = 1000


@dataclass(frozen=True)
class ReviewItem:
    """An article waiting for a knowledge manager, with every reason it is waiting."""

    article: Article
    reasons: list[str]


def flag_products_changed(session: Session, *, product_ids: Sequence[int], **_: Any) -> None:
    """Flag the published and in-review articles about these products as stale."""
    ids = list(product_ids)
    # Batched: a large ERP feed can change more products than one IN list should hold.
    skus = [
        s
        for i in range(0, len(ids), _BATCH)
        for s in repository.skus_of(session, ids[i : i + _BATCH])
    ]
    if not skus:
        return
    now = utcnow()
    for article in repository.articles_covering(session, skus):
        if article.stale_reason is None:
            article.stale_reason = f"product {article.product_sku} changed in an ERP import"
            article.stale_since = now
    session.flush()


def register() -> None:
    """Listen for product changes (idempotent; called when the package is imported)."""
    subscribe(PRODUCTS_CHANGED, flag_products_changed)


def reasons(article: Article, *, today: date) -> list[str]:
    """Why an article is in the review queue (empty when it is not)."""
    found = []
    if article.status == ArticleStatus.in_review:
        found.append("in review")
    if article.duplicate_of_id is not None:
        found.append(
            f"possible duplicate of article {article.duplicate_of_id} "
            f"(similarity {article.duplicate_score or 0:.2f})"
        )
    if article.status == ArticleStatus.published:
        if article.review_by is not None and article.review_by < today:
            found.append(f"review date {article.review_by.isoformat()} has passed")
        if article.stale_reason:
            found.append(article.stale_reason)
    return found


def review_queue(
    session: Session, *, params: PageParams, today: date | None = None
) -> tuple[list[ReviewItem], int]:
    """One page of articles needing review, each with its reasons."""
    today = today or utcnow().date()
    articles, total = repository.review_queue(session, params, today=today)
    return [ReviewItem(a, reasons(a, today=today)) for a in articles], total


def list_articles(
    session: Session,
    *,
    params: PageParams,
    status: str | None = None,
    language: str | None = None,
    stale_only: bool = False,
    today: date | None = None,
) -> tuple[list[ReviewItem], int]:
    """One page of articles by status and language, each with its review reasons."""
    today = today or utcnow().date()
    articles, total = repository.article_page(
        session, params, status=status, language=language, stale_only=stale_only, today=today
    )
    return [ReviewItem(a, reasons(a, today=today)) for a in articles], total
