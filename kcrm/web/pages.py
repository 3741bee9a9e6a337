"""What every console page shares: who is viewing, role checks, CSRF and rendering."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from kcrm.api.cookies import SESSION_COOKIE, csrf_matches, csrf_token, set_csrf_cookie
from kcrm.api.deps import SessionDep, SettingsDep, principal_from_token
from kcrm.auth import service as auth_service
from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.errors import Forbidden, Unauthorized
from kcrm.web import nav
from kcrm.web.i18n import LANG_COOKIE, LANGUAGES, catalog, negotiate, translator
from kcrm.web.markdown import render_markdown

TEMPLATES = Path(__file__).parent / "templates"
ONE_YEAR = 365 * 24 * 3600


class LoginRequired(Exception):
    """A page needs a logged-in user; the handler redirects to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


@dataclass(frozen=True)
class Viewer:
    """The logged-in user of a page."""

    principal: Principal
    name: str
    email: str
    language: str

    @property
    def role(self) -> Role:
        """The user's role."""
        return self.principal.role


def get_viewer(request: Request, session: SessionDep, settings: SettingsDep) -> Viewer | None:
    """The user behind the session cookie; None when there is none or it has expired."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        principal = principal_from_token(session, token, settings)
    except Unauthorized:
        return None
    assert principal.user_id is not None
    user = auth_service.get(session, user_id=principal.user_id)
    session.info["actor"] = principal.actor
    return Viewer(principal, user.full_name, user.email, user.language)


MaybeViewer = Annotated[Viewer | None, Depends(get_viewer)]


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def require_login(request: Request, viewer: MaybeViewer) -> Viewer:
    """The viewer, or a redirect to the login page that comes back here."""
    if viewer is None:
        raise LoginRequired(_here(request))
    return viewer


def _roles(*roles: Role):  # type: ignore[no-untyped-def]
    def check(viewer: Annotated[Viewer, Depends(require_login)]) -> Viewer:
        viewer.principal.require_role(*roles)
        return viewer

    return check


AnyViewer = Annotated[Viewer, Depends(require_login)]
AgentViewer = Annotated[Viewer, Depends(_roles(Role.agent))]
KnowledgeViewer = Annotated[Viewer, Depends(_roles(Role.knowledge_manager))]
AdminViewer = Annotated[Viewer, Depends(_roles())]
CustomerViewer = Annotated[Viewer, Depends(_roles(Role.customer))]


def check_csrf(request: Request, sent: str | None) -> None:
    """Refuse a form post whose CSRF field does not match the browser's cookie."""
    if not csrf_matches(request, sent):
        raise Forbidden("missing or wrong CSRF token; reload the page and try again")


def _format_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def _page_query(params: Mapping[str, str], page: int) -> str:
    return urlencode({**params, "page": page})


templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters["markdown"] = render_markdown
templates.env.filters["when"] = _format_time
templates.env.filters["pager"] = _page_query


def _lang_url(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params)}"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    viewer: Viewer | None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page in the viewer's language, with the navigation and a CSRF token."""
    lang = negotiate(request, preferred=viewer.language if viewer else None)
    token = csrf_token(request)
    messages = catalog(lang)
    page = {
        "request": request,
        "t": translator(lang),
        "lang": lang,
        "lang_links": {code: _lang_url(request, code) for code in LANGUAGES},
        "js_messages": lambda prefix: {k: v for k, v in messages.items() if k.startswith(prefix)},
        "viewer": viewer,
        "nav": nav.items_for(viewer.role if viewer else None),
        "csrf_token": token,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, page, status_code=status_code)
    set_csrf_cookie(request, response, token)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR, samesite="lax")
    return response
