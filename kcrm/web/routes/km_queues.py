"""Knowledge manager pages: the review queue, the gap queue and the usage charts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from kcrm.api.deps import KnowledgeDep, SessionDep, SettingsDep
from kcrm.core.db import utcnow
from kcrm.core.pagination import PageParams
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.curation import gaps as gap_service
from kcrm.knowledge.curation import overview, staleness, usage
from kcrm.web import charts
from kcrm.web.pages import KnowledgeViewer, render

router = APIRouter(prefix="/km", tags=["web"])

PAGE_SIZE = 25
Days = Annotated[int, Query(ge=1, le=3650)]
USAGE_SERIES = ("retrieved", "cited", "accepted", "helpful")


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request,
    session: SessionDep,
    viewer: KnowledgeViewer,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Drafts in review, stale articles and flagged duplicates with their match."""
    params = PageParams(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    items, total = staleness.review_queue(session, params=params)
    duplicate_ids = [i.article.duplicate_of_id for i in items if i.article.duplicate_of_id]
    context: dict[str, Any] = {
        "items": items,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "matches": {i: article_service.get(session, article_id=i) for i in duplicate_ids},
        "today": utcnow().date(),
    }
    return render(request, "km/review.html", context, viewer=viewer)


@router.get("/gaps", response_class=HTMLResponse)
def gap_queue(
    request: Request,
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    viewer: KnowledgeViewer,
    days: Days = 90,
) -> HTMLResponse:
    """Unanswered questions in clusters, biggest first, with their best partial matches."""
    found = gap_service.clusters(session, engine, settings=settings, days=days)
    clusters = [
        {
            "cluster": c,
            "examples": list(dict.fromkeys(g.question for g in c.gaps))[:5],
            "first_seen": min(g.created_at for g in c.gaps),
            "last_seen": max(g.created_at for g in c.gaps),
        }
        for c in found
    ]
    context = {"clusters": clusters, "days": days, "total": sum(len(c.gaps) for c in found)}
    return render(request, "km/gaps.html", context, viewer=viewer)


@router.get("/usage", response_class=HTMLResponse)
def usage_page(
    request: Request,
    session: SessionDep,
    viewer: KnowledgeViewer,
    days: Days | None = None,
    sort: Annotated[str, Query(pattern=r"^(retrieved|cited|accepted|helpful)$")] = "retrieved",
) -> HTMLResponse:
    """Per-article usage and the overall deflection, acceptance and handoff reasons as charts."""
    since = None if days is None else overview.days_ago(days)
    stats, total = usage.article_stats(session, params=PageParams(limit=15, sort=sort), since=since)
    summary = overview.overview(session, since=since)
    rows = [(f"{s.article.external_id} {s.article.title}", s.counts) for s in stats]
    reasons = sorted(summary.handoff_reasons.items(), key=lambda item: -item[1])
    context: dict[str, Any] = {
        "stats": stats,
        "total": total,
        "summary": summary,
        "days": days,
        "sort": sort,
        "series": USAGE_SERIES,
        "usage_chart": charts.grouped_bars(rows, USAGE_SERIES),
        "reason_chart": charts.bars(reasons),
        "rates": [
            ("deflection", summary.deflection_rate, summary.chat_sessions),
            ("acceptance", summary.suggestion_acceptance_rate, summary.suggestions_decided),
        ],
    }
    return render(request, "km/usage.html", context, viewer=viewer)
