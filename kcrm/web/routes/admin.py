"""Admin pages: users and roles, file import with a progress bar, index status and reindex."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from kcrm.api.deps import KnowledgeDep, SessionDep, SettingsDep
from kcrm.auth import service as auth_service
from kcrm.auth.models import Role
from kcrm.config import Settings
from kcrm.core.pagination import PageParams
from kcrm.crm.imports.schemas import ImportKind
from kcrm.knowledge import consistency
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.sources import SOURCES, Source
from kcrm.web.pages import AdminViewer, check_csrf, render

router = APIRouter(prefix="/admin", tags=["web"])

PAGE_SIZE = 50
SourceChoice = Annotated[str, Form(pattern=r"^(all|article|resolution|history)$")]
Count = Annotated[int | None, Query(ge=0, le=100_000_000)]


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    session: SessionDep,
    viewer: AdminViewer,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Every account with its role and state; create, change role, deactivate."""
    params = PageParams(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, sort="id")
    users, total = auth_service.list(session, params=params)
    context: dict[str, Any] = {
        "users": users,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "roles": list(Role),
    }
    return render(request, "admin/users.html", context, viewer=viewer)


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, viewer: AdminViewer) -> HTMLResponse:
    """Upload an ERP file; the bar follows the server's progress through the file."""
    return render(request, "admin/import.html", {"kinds": list(ImportKind)}, viewer=viewer)


def _source_rows(
    session: Session, engine: KnowledgeEngine, settings: Settings
) -> list[dict[str, Any]]:
    rows = []
    for source in SOURCES:
        report = consistency.check(session, engine, settings, sources=[source])
        rows.append({"source": source, "report": report})
    return rows


@router.get("/index", response_class=HTMLResponse)
def index_page(
    request: Request,
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    viewer: AdminViewer,
    chunks: Count = None,
    embedded: Count = None,
    removed: Count = None,
) -> HTMLResponse:
    """Chunks per source in SQL and in each index, the drift check, and the reindex button."""
    rows = _source_rows(session, engine, settings)
    done = None if chunks is None else {"chunks": chunks, "embedded": embedded, "removed": removed}
    context: dict[str, Any] = {
        "rows": rows,
        "clean": all(r["report"].clean for r in rows),
        "reindexed": done,
        "settings": settings,
        "sources": SOURCES,
    }
    return render(request, "admin/index.html", context, viewer=viewer)


@router.post("/index/reindex", response_class=RedirectResponse)
def reindex(
    request: Request,
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    _viewer: AdminViewer,
    source: SourceChoice = "all",
    full: Annotated[bool, Form()] = False,
    csrf_token: Annotated[str | None, Form(max_length=128)] = None,
) -> RedirectResponse:
    """Rebuild the indexes from the database (unchanged chunks keep their vectors)."""
    check_csrf(request, csrf_token)
    sources: tuple[Source, ...] = SOURCES if source == "all" else (source,)  # type: ignore[assignment]
    report = consistency.reindex(session, engine, settings, sources=sources, full=full)
    query = f"chunks={report.chunks}&embedded={report.embedded}&removed={report.removed}"
    return RedirectResponse(f"/admin/index?{query}", status_code=303)
