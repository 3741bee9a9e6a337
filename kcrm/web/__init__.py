"""The web console: server-rendered pages for agents, customers, knowledge managers and admins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kcrm.core.errors import KcrmError
from kcrm.web.pages import LoginRequired, Viewer, get_viewer, render
from kcrm.web.routes import WEB_ROUTERS

STATIC = Path(__file__).parent / "static"
Handler = Callable[[Request, Exception], Awaitable[Response]]


def _wants_html(request: Request) -> bool:
    # Browsers navigating ask for text/html first; fetch() and API clients do not.
    return request.method == "GET" and request.headers.get("accept", "").startswith("text/html")


async def _login_redirect(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)


def _viewer(request: Request) -> Viewer | None:
    # Error handlers run outside the request's dependencies: look the viewer up afresh.
    session = request.app.state.session_factory()
    try:
        return get_viewer(request, session, request.app.state.settings)
    finally:
        session.close()


def install(app: FastAPI) -> None:
    """Mount the static files and the pages; page errors render as HTML, API errors as JSON."""
    json_handlers = {
        kind: cast(Handler, app.exception_handlers[kind])
        for kind in (KcrmError, StarletteHTTPException)
    }

    async def page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, KcrmError | StarletteHTTPException)
        if not _wants_html(request):
            kind = KcrmError if isinstance(exc, KcrmError) else StarletteHTTPException
            return await json_handlers[kind](request, exc)
        if exc.status_code == 401:
            return await _login_redirect(request, LoginRequired(request.url.path))
        message = exc.message if isinstance(exc, KcrmError) else str(exc.detail)
        context = {"status": exc.status_code, "message": message}
        viewer = _viewer(request)
        return render(request, "error.html", context, viewer=viewer, status_code=exc.status_code)

    app.add_exception_handler(KcrmError, page_error)
    app.add_exception_handler(StarletteHTTPException, page_error)
    app.add_exception_handler(LoginRequired, _login_redirect)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in WEB_ROUTERS:
        app.include_router(router, include_in_schema=False)


__all__ = ["get_viewer", "install"]
