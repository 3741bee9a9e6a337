"""Every query on articles and their versions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from kcrm.core.pagination import PageParams, paginate
from kcrm.knowledge.articles.models import Article, ArticleStatus, ArticleVersion

_IN_BATCH = 500  # ids per IN list: well under SQLite's bound-parameter limit
ARTICLE_SORTS: dict[str, ColumnElement[Any] | QueryableAttribute[Any]] = {
    "updated_at": Article.updated_at,
    "id": Article.id,
    "external_id": Article.external_id,
    "title": Article.title,
    "review_by": Article.review_by,
}


def get(session: Session, article_id: int) -> Article | None:
    """An article by primary key."""
    return session.get(Article, article_id)


def get_by_external_id(session: Session, external_id: str) -> Article | None:
    """An article by its external id (KB-0001)."""
    return session.scalar(select(Article).where(Article.external_id == external_id))


def list_by_external_ids(session: Session, external_ids: Sequence[str]) -> list[Article]:
    """The articles with these external ids (those that exist), in a few IN queries."""
    found: list[Article] = []
    unique = sorted(set(external_ids))
    for start in range(0, len(unique), _IN_BATCH):
        query = select(Article).where(Article.external_id.in_(unique[start : start + _IN_BATCH]))
        found += session.scalars(query).all()
    return found


def list_published(session: Session) -> Sequence[Article]:
    """Every published article, in id order."""
    query = select(Article).where(Article.status == ArticleStatus.published)
    return session.scalars(query.order_by(Article.id)).all()


def _filtered(*, status: str | None, language: str | None, product_sku: str | None) -> Select[Any]:
    query = select(Article)
    if status:
        query = query.where(Article.status == status)
    if language:
        query = query.where(Article.language == language)
    if product_sku:
        query = query.where(Article.product_sku == product_sku)
    return query


def list_page(
    session: Session,
    params: PageParams,
    *,
    status: str | None = None,
    language: str | None = None,
    product_sku: str | None = None,
) -> tuple[Sequence[Article], int]:
    """One page of articles matching the filters."""
    query = _filtered(status=status, language=language, product_sku=product_sku)
    return paginate(session, query, params, ARTICLE_SORTS)


def has_version(session: Session, article_id: int, version: int) -> bool:
    """Whether this version of the article was already kept."""
    query = select(ArticleVersion.id).where(
        ArticleVersion.article_id == article_id, ArticleVersion.version == version
    )
    return session.scalar(query) is not None


def versions(session: Session, article_id: int) -> Sequence[ArticleVersion]:
    """Every kept version of an article, oldest first."""
    query = select(ArticleVersion).where(ArticleVersion.article_id == article_id)
    return session.scalars(query.order_by(ArticleVersion.version)).all()
