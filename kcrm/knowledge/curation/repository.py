"""Every query of the curation package."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from kcrm.core.pagination import PageParams
from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Contact, Customer
from kcrm.crm.tickets.models import Ticket, TicketStatus
from kcrm.knowledge.articles.models import Article, ArticleStatus
from kcrm.knowledge.curation.models import ArticleUsage, GapDraft, UsageKind

RESOLVED = (TicketStatus.resolved, TicketStatus.closed)


def skus_of(session: Session, product_ids: Sequence[int]) -> list[str]:
    """The SKUs of these products."""
    if not product_ids:
        return []
    return list(session.scalars(select(Product.sku).where(Product.id.in_(product_ids))))


def articles_covering(session: Session, skus: Sequence[str]) -> Sequence[Article]:
    """Published and in-review articles about any of these products."""
    query = select(Article).where(
        Article.product_sku.in_(skus),
        Article.status.in_((ArticleStatus.published, ArticleStatus.in_review)),
    )
    return session.scalars(query.order_by(Article.id)).all()


def _review_filter(today: date) -> Any:
    return or_(
        Article.status == ArticleStatus.in_review,
        stale_filter(today),
        and_(Article.status == ArticleStatus.draft, Article.duplicate_of_id.is_not(None)),
    )


def review_queue(
    session: Session, params: PageParams, *, today: date
) -> tuple[Sequence[Article], int]:
    """In-review articles, stale published ones and drafts flagged as duplicates, oldest first."""
    query = select(Article).where(_review_filter(today))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(Article.updated_at, Article.id)
    items = session.scalars(ordered.limit(params.limit).offset(params.offset)).all()
    return items, int(total)


def stale_filter(today: date) -> Any:
    """Published articles past their review date or flagged by a product change."""
    overdue = and_(Article.review_by.is_not(None), Article.review_by < today)
    stale = or_(Article.stale_reason.is_not(None), overdue)
    return and_(Article.status == ArticleStatus.published, stale)


def article_page(
    session: Session,
    params: PageParams,
    *,
    status: str | None,
    language: str | None,
    stale_only: bool,
    today: date,
) -> tuple[Sequence[Article], int]:
    """One page of articles by status and language, optionally only stale ones, newest first."""
    query = select(Article)
    if status:
        query = query.where(Article.status == status)
    if language:
        query = query.where(Article.language == language)
    if stale_only:
        query = query.where(stale_filter(today))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(Article.updated_at.desc(), Article.id.desc())
    items = session.scalars(ordered.limit(params.limit).offset(params.offset)).all()
    return items, int(total)


def articles_by_ids(session: Session, article_ids: Sequence[int]) -> dict[int, Article]:
    """Articles by id."""
    if not article_ids:
        return {}
    rows = session.scalars(select(Article).where(Article.id.in_(article_ids)))
    return {a.id: a for a in rows}


def articles_by_external_ids(session: Session, external_ids: Sequence[str]) -> dict[str, Article]:
    """Articles by external id."""
    if not external_ids:
        return {}
    rows = session.scalars(select(Article).where(Article.external_id.in_(external_ids)))
    return {a.external_id: a for a in rows}


def external_id_taken(session: Session, external_id: str) -> bool:
    """Whether an article already has this external id."""
    return session.scalar(select(Article.id).where(Article.external_id == external_id)) is not None


def covered_tickets(session: Session) -> dict[int, str]:
    """The external id of the article each ticket was already written into (any status)."""
    rows = session.execute(select(Article.external_id, Article.source_ticket_ids))
    return {int(t): external_id for external_id, ids in rows for t in (ids or [])}


def resolved_tickets(session: Session, *, since: datetime, limit: int) -> Sequence[Ticket]:
    """Live tickets resolved or closed since `since`, oldest first."""
    query = (
        select(Ticket)
        .where(Ticket.status.in_(RESOLVED), Ticket.deleted_at.is_(None))
        .where(func.coalesce(Ticket.resolved_at, Ticket.updated_at) >= since)
        .order_by(Ticket.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def addressed_gap_ids(session: Session) -> set[int]:
    """Gaps already turned into drafts."""
    return set(session.scalars(select(GapDraft.gap_id)))


def rating_of(session: Session, *, article_id: int, ref: str) -> ArticleUsage | None:
    """The rating this caller gave this article, if any."""
    query = select(ArticleUsage).where(
        ArticleUsage.article_id == article_id,
        ArticleUsage.ref == ref,
        ArticleUsage.kind.in_((UsageKind.helpful, UsageKind.unhelpful)),
    )
    return session.scalar(query)


def _usage_counts() -> list[Any]:
    return [
        func.coalesce(func.sum(case((ArticleUsage.kind == kind, 1), else_=0)), 0).label(kind.value)
        for kind in UsageKind
    ]


def usage_page(
    session: Session, params: PageParams, *, since: datetime | None, sort: str
) -> tuple[list[tuple[Article, dict[str, int]]], int]:
    """Articles with usage, each with its count per usage kind, busiest first."""
    counts = select(ArticleUsage.article_id, *_usage_counts()).group_by(ArticleUsage.article_id)
    if since is not None:
        counts = counts.where(ArticleUsage.created_at >= since)
    sub = counts.subquery()
    query: Select[Any] = select(Article, *[sub.c[k.value] for k in UsageKind]).join(
        sub, sub.c.article_id == Article.id
    )
    total = session.scalar(select(func.count()).select_from(sub)) or 0
    query = query.order_by(sub.c[sort].desc(), Article.id).limit(params.limit).offset(params.offset)
    rows = [
        (row[0], {k.value: int(row[i + 1]) for i, k in enumerate(UsageKind)})
        for row in session.execute(query)
    ]
    return rows, int(total)


def usage_totals(session: Session, *, since: datetime | None) -> dict[str, int]:
    """How many usage events of each kind, over every article."""
    query = select(ArticleUsage.kind, func.count()).group_by(ArticleUsage.kind)
    if since is not None:
        query = query.where(ArticleUsage.created_at >= since)
    found = {str(kind): int(n) for kind, n in session.execute(query)}
    return {k.value: found.get(k.value, 0) for k in UsageKind}


def status_counts(session: Session) -> dict[str, int]:
    """How many articles are in each status."""
    rows = session.execute(select(Article.status, func.count()).group_by(Article.status))
    found = {str(status): int(n) for status, n in rows}
    return {s.value: found.get(s.value, 0) for s in ArticleStatus}


def customer_names(session: Session, customer_ids: Sequence[int]) -> list[str]:
    """The names of these customers and of their contacts (for masking)."""
    if not customer_ids:
        return []
    names = list(session.scalars(select(Customer.name).where(Customer.id.in_(customer_ids))))
    query = select(Contact.name).where(Contact.customer_id.in_(customer_ids))
    return [*names, *session.scalars(query)]
