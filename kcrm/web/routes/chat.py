"""The customer chat page and the public articles its answers cite."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from kcrm.api.deps import SessionDep
from kcrm.knowledge.articles import service as article_service
from kcrm.web.pages import MaybeViewer, render

router = APIRouter(tags=["web"])

ArticleRef = Path(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


@router.get("/chat", response_class=HTMLResponse)
def chat_page(request: Request, viewer: MaybeViewer) -> HTMLResponse:
    """The chat widget: a logged-in customer's own chat, or an anonymous one."""
    staff = viewer is not None and viewer.principal.is_staff
    return render(request, "chat/chat.html", {"staff": staff}, viewer=viewer)


@router.get("/help/articles/{external_id}", response_class=HTMLResponse)
def public_article(
    request: Request, session: SessionDep, viewer: MaybeViewer, external_id: str = ArticleRef
) -> HTMLResponse:
    """A published public article, as the chat's citations link to it."""
    article = article_service.get_by_external_id(session, external_id=external_id, public_only=True)
    return render(request, "chat/article.html", {"article": article}, viewer=viewer)
