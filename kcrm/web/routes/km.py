"""Knowledge manager pages: the article list and the editor with preview, versions and diffs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from kcrm.api.cookies import CSRF_HEADER
from kcrm.api.deps import ObjectId, SessionDep
from kcrm.core.db import utcnow
from kcrm.core.pagination import PageParams
from kcrm.crm.customers.models import Language
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.articles.models import ArticleStatus, Visibility
from kcrm.knowledge.curation import staleness, versions
from kcrm.knowledge.curation.transitions import TRANSITIONS
from kcrm.web.markdown import render_markdown
from kcrm.web.pages import KnowledgeViewer, check_csrf, render

router = APIRouter(prefix="/km", tags=["web"])

PAGE_SIZE = 25
StatusFilter = Annotated[str, Query(pattern=r"^(|draft|in_review|published|retired)$")]
LanguageFilter = Annotated[str, Query(pattern=r"^(|zh|en)$")]
VersionParam = Annotated[int | None, Query(ge=1, le=1_000_000)]
ToParam = Annotated[str | None, Query(pattern=r"^(current|\d{1,7})$")]


@router.get("/articles", response_class=HTMLResponse)
def article_list(
    request: Request,
    session: SessionDep,
    viewer: KnowledgeViewer,
    status: StatusFilter = "",
    language: LanguageFilter = "",
    stale: bool = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Every article, filtered by status, language and staleness."""
    params = PageParams(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    items, total = staleness.list_articles(
        session, params=params, status=status or None, language=language or None, stale_only=stale
    )
    context: dict[str, Any] = {
        "items": items,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": {"status": status, "language": language, "stale": stale},
        "statuses": list(ArticleStatus),
        "languages": list(Language),
        "today": utcnow().date(),
    }
    return render(request, "km/articles.html", context, viewer=viewer)


def _diff_context(
    session: SessionDep, article: Any, from_version: int | None, to: str | None
) -> dict[str, Any]:
    if from_version is None:
        return {"diff": None}
    to_version = None if to in (None, "current") else int(str(to))
    found = versions.diff(
        session, article=article, from_version=from_version, to_version=to_version
    )
    return {"diff": found, "diff_lines": found.diff.splitlines()}


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def editor(
    request: Request,
    session: SessionDep,
    viewer: KnowledgeViewer,
    article_id: ObjectId,
    from_version: Annotated[int | None, Query(alias="from", ge=1, le=1_000_000)] = None,
    to: ToParam = None,
) -> HTMLResponse:
    """One article: the editor with its preview, its status actions and its version history."""
    article = article_service.get(session, article_id=article_id)
    duplicate = (
        article_service.get(session, article_id=article.duplicate_of_id)
        if article.duplicate_of_id
        else None
    )
    context: dict[str, Any] = {
        "article": article,
        "duplicate": duplicate,
        "versions": versions.list_versions(session, article=article),
        "next_statuses": sorted(TRANSITIONS[article.status]),
        "visibilities": list(Visibility),
        "languages": list(Language),
        "today": utcnow().date(),
        "from_version": from_version,
        "to": to or "current",
        **_diff_context(session, article, from_version, to),
    }
    return render(request, "km/editor.html", context, viewer=viewer)


class PreviewIn(BaseModel):
    """Markdown to preview."""

    body: str = Field(max_length=1_000_000)


class PreviewOut(BaseModel):
    """The preview as the article page will show it."""

    html: str


@router.post("/preview", response_model=PreviewOut)
def preview(request: Request, viewer: KnowledgeViewer, data: PreviewIn) -> PreviewOut:
    """Render Markdown exactly as published articles are rendered (raw HTML shown as text)."""
    check_csrf(request, request.headers.get(CSRF_HEADER))
    return PreviewOut(html=str(render_markdown(data.body)))
