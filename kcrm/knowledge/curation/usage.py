"""Article usage events and the quality numbers built from them.

`record_usage` is the one way other domains report what happened to an article: the agent
suggestions (retrieved, cited, accepted, rejected) and the customer chat (retrieved, cited,
rated helpful or not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kcrm.auth.principal import Principal
from kcrm.core.errors import InvalidInput, NotFound
from kcrm.core.pagination import PageParams
from kcrm.knowledge.articles.models import Article, ArticleStatus, Visibility
from kcrm.knowledge.curation import repository
from kcrm.knowledge.curation.models import ArticleUsage, UsageKind

SORTS = tuple(k.value for k in UsageKind)


def record_usage(
    session: Session, *, article_id: int, kind: UsageKind | str, ref: str | None = None
) -> ArticleUsage:
    """Record one usage event of an article (ref names where: "suggestion:12", "chat:7")."""
    event = ArticleUsage(article_id=article_id, kind=UsageKind(kind), ref=ref)
    session.add(event)
    session.flush()
    return event


def article_ids_of_chunks(session: Session, chunk_ids: Sequence[str]) -> list[int]:
    """The distinct article ids behind chunk ids like "article:KB-0001:0" (others ignored)."""
    external = [
        c.split(":")[1] for c in chunk_ids if c.startswith("article:") and c.count(":") >= 2
    ]
    articles = repository.articles_by_external_ids(session, list(dict.fromkeys(external)))
    return [articles[e].id for e in dict.fromkeys(external) if e in articles]


def record_chunk_usage(
    session: Session, *, chunk_ids: Sequence[str], kind: UsageKind | str, ref: str | None = None
) -> int:
    """Record one event per article behind these retrieved chunks; returns how many."""
    ids = article_ids_of_chunks(session, chunk_ids)
    for article_id in ids:
        record_usage(session, article_id=article_id, kind=kind, ref=ref)
    return len(ids)


def rate(
    session: Session, *, principal: Principal, article: Article, helpful: bool
) -> ArticleUsage:
    """Rate an article; a caller's later rating replaces the earlier one."""
    customer_visible = (
        article.status == ArticleStatus.published and article.visibility == Visibility.public
    )
    if not principal.is_staff and not customer_visible:
        raise NotFound("article not found")
    kind = UsageKind.helpful if helpful else UsageKind.unhelpful
    earlier = repository.rating_of(session, article_id=article.id, ref=principal.actor)
    if earlier is not None:
        earlier.kind = kind
        session.flush()
        return earlier
    return record_usage(session, article_id=article.id, kind=kind, ref=principal.actor)


@dataclass(frozen=True)
class ArticleStats:
    """One article's usage counts and the rates built from them."""

    article: Article
    counts: dict[str, int]

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted share of the agent decisions on suggestions citing this article."""
        return _rate(self.counts["accepted"], self.counts["rejected"])

    @property
    def helpful_rate(self) -> float | None:
        """Helpful share of the customer ratings."""
        return _rate(self.counts["helpful"], self.counts["unhelpful"])


def _rate(yes: int, no: int) -> float | None:
    return round(yes / (yes + no), 4) if yes + no else None


def article_stats(
    session: Session, *, params: PageParams, since: datetime | None = None
) -> tuple[list[ArticleStats], int]:
    """Per article usage counts, busiest first (sort by any usage kind, default retrieved)."""
    sort = (params.sort or "retrieved").removeprefix("-")
    if sort not in SORTS:
        raise InvalidInput(
            f"cannot sort by {sort!r}; choose one of {', '.join(SORTS)}", field="sort"
        )
    rows, total = repository.usage_page(session, params, since=since, sort=sort)
    return [ArticleStats(article, counts) for article, counts in rows], total
