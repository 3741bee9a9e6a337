"""Knowledge curation: lifecycle, versions, review queue, drafts, gap queue, usage and stats."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kcrm.api.deps import (
    CurrentUser,
    KnowledgeDep,
    KnowledgeManager,
    ObjectId,
    PageDep,
    SessionDep,
    SettingsDep,
)
from kcrm.core.pagination import Page
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.articles.schemas import ArticleRead, ArticleVersionRead
from kcrm.knowledge.curation import drafts as draft_service
from kcrm.knowledge.curation import gaps as gap_service
from kcrm.knowledge.curation import lifecycle, overview, staleness, usage, versions
from kcrm.knowledge.curation.schemas import (
    ArticleStatsRead,
    AutoDraftsCreate,
    DiffRead,
    DraftRead,
    FromTicketsCreate,
    GapClusterRead,
    GapDraftRead,
    OverviewRead,
    RatingCreate,
    RatingRead,
    ReviewedCreate,
    ReviewItemRead,
    TransitionCreate,
    cluster_read,
    draft_read,
    stats_read,
)

router = APIRouter(prefix="/knowledge", tags=["curation"])
Days = Annotated[int, Query(ge=1, le=3650, description="Look back this many days")]
Version = Annotated[int, Query(ge=1, le=1_000_000)]


@router.post("/articles/{article_id}/transitions", response_model=ArticleRead)
def transition(
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    _manager: KnowledgeManager,
    article_id: ObjectId,
    data: TransitionCreate,
) -> ArticleRead:
    """Move an article through draft → in_review → published → retired (409 if not allowed)."""
    article = article_service.get(session, article_id=article_id)
    lifecycle.transition(
        session,
        engine,
        settings=settings,
        article=article,
        to=data.to,
        confirm_not_duplicate=data.confirm_not_duplicate,
    )
    return ArticleRead.model_validate(article)


@router.post("/articles/{article_id}/reviewed", response_model=ArticleRead)
def mark_reviewed(
    session: SessionDep,
    settings: SettingsDep,
    _manager: KnowledgeManager,
    article_id: ObjectId,
    data: ReviewedCreate,
) -> ArticleRead:
    """Confirm an article is still right: clears its staleness and sets the next review date."""
    article = article_service.get(session, article_id=article_id)
    lifecycle.mark_reviewed(session, settings=settings, article=article, review_by=data.review_by)
    return ArticleRead.model_validate(article)


@router.get("/articles/{article_id}/versions", response_model=list[ArticleVersionRead])
def list_versions(
    session: SessionDep, _manager: KnowledgeManager, article_id: ObjectId
) -> list[ArticleVersionRead]:
    """Every published version kept for an article, oldest first."""
    article = article_service.get(session, article_id=article_id)
    return [
        ArticleVersionRead.model_validate(v)
        for v in versions.list_versions(session, article=article)
    ]


@router.get("/articles/{article_id}/diff", response_model=DiffRead)
def diff(
    session: SessionDep,
    _manager: KnowledgeManager,
    article_id: ObjectId,
    from_version: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
    to_version: Annotated[
        int | None, Query(alias="to", ge=1, le=1_000_000, description="Omit for the current text")
    ] = None,
) -> DiffRead:
    """A unified diff between two kept versions (or a version and the current text)."""
    article = article_service.get(session, article_id=article_id)
    result = versions.diff(
        session, article=article, from_version=from_version, to_version=to_version
    )
    return DiffRead.model_validate(result)


@router.get("/review-queue", response_model=Page[ReviewItemRead])
def review_queue(
    session: SessionDep, _manager: KnowledgeManager, page: PageDep
) -> Page[ReviewItemRead]:
    """Articles in review, stale published ones and flagged duplicates, each with its reasons."""
    items, total = staleness.review_queue(session, params=page)
    reads = [
        ReviewItemRead(article=ArticleRead.model_validate(i.article), reasons=i.reasons)
        for i in items
    ]
    return Page(items=reads, total=total, limit=page.limit, offset=page.offset)


@router.post("/drafts/from-tickets", response_model=DraftRead, status_code=201)
def draft_from_tickets(
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    manager: KnowledgeManager,
    data: FromTicketsCreate,
) -> DraftRead:
    """Write a draft article from one resolved ticket or a cluster of them."""
    draft = draft_service.from_tickets(
        session, engine, settings=settings, ticket_ids=data.ticket_ids, owner=manager.name or None
    )
    return draft_read(draft)


@router.post("/drafts/auto", response_model=list[DraftRead], status_code=201)
def auto_drafts(
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    manager: KnowledgeManager,
    data: AutoDraftsCreate,
) -> list[DraftRead]:
    """Cluster recently resolved tickets no article covers and draft each cluster."""
    drafts = draft_service.auto(
        session,
        engine,
        settings=settings,
        days=data.days,
        min_tickets=data.min_tickets,
        max_drafts=data.max_drafts,
        owner=manager.name or None,
    )
    return [draft_read(d) for d in drafts]


@router.get("/gaps", response_model=list[GapClusterRead])
def list_gaps(
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    _manager: KnowledgeManager,
    days: Days = 90,
    min_count: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> list[GapClusterRead]:
    """Unanswered questions clustered by similarity, biggest first, with closest articles."""
    found = gap_service.clusters(session, engine, settings=settings, days=days, min_count=min_count)
    return [cluster_read(c) for c in found]


@router.post("/gaps/clusters/{cluster_key}/draft", response_model=GapDraftRead, status_code=201)
def draft_from_gaps(
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    manager: KnowledgeManager,
    cluster_key: ObjectId,
    days: Days = 90,
) -> GapDraftRead:
    """Turn a gap cluster into a draft article; its gaps leave the queue."""
    draft, found = gap_service.draft_from_cluster(
        session, engine, settings=settings, key=cluster_key, owner=manager.name or None, days=days
    )
    read = draft_read(draft)
    return GapDraftRead(**read.model_dump(), addressed_gap_ids=[g.id for g in found.gaps])


@router.post("/articles/{article_id}/rating", response_model=RatingRead, status_code=201)
def rate_article(
    session: SessionDep, principal: CurrentUser, article_id: ObjectId, data: RatingCreate
) -> RatingRead:
    """Rate an article helpful or not (customers: published public articles only)."""
    article = article_service.get(session, article_id=article_id)
    event = usage.rate(session, principal=principal, article=article, helpful=data.helpful)
    return RatingRead(article_id=article.id, kind=event.kind.value)


@router.get("/stats/articles", response_model=Page[ArticleStatsRead])
def article_stats(
    session: SessionDep, _manager: KnowledgeManager, page: PageDep, days: Days | None = None
) -> Page[ArticleStatsRead]:
    """Per article: retrieved, cited, accepted, rejected and rated counts with rates."""
    since = None if days is None else overview.days_ago(days)
    items, total = usage.article_stats(session, params=page, since=since)
    return Page(
        items=[stats_read(s) for s in items], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/stats/overview", response_model=OverviewRead)
def stats_overview(
    session: SessionDep, _manager: KnowledgeManager, days: Days | None = None
) -> OverviewRead:
    """Deflection rate, suggestion acceptance, handoff reasons, usage and article counts."""
    since = None if days is None else overview.days_ago(days)
    return OverviewRead.model_validate(overview.overview(session, since=since))
