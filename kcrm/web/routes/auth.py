"""Logging in and out of the console; the access token lives in an HttpOnly cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kcrm.api.cookies import clear_session_cookie, set_session_cookie
from kcrm.api.deps import SessionDep, SettingsDep
from kcrm.auth import service as auth_service
from kcrm.auth.security import create_access_token
from kcrm.core.errors import Unauthorized
from kcrm.web import nav
from kcrm.web.pages import MaybeViewer, check_csrf, render

router = APIRouter(tags=["web"])


def _safe_next(next_url: str | None) -> str | None:
    # Only paths on this site: "//host" and "/\host" would leave it.
    if next_url and next_url.startswith("/") and not next_url.startswith(("//", "/\\")):
        return next_url
    return None


@router.get("/", response_class=RedirectResponse)
def home(viewer: MaybeViewer) -> RedirectResponse:
    """Send each user to their own start page."""
    target = nav.home_for(viewer.role) if viewer else "/login"
    return RedirectResponse(target, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, viewer: MaybeViewer, next: str | None = None) -> HTMLResponse:  # noqa: A002
    """The login form."""
    return render(request, "login.html", {"next": _safe_next(next) or ""}, viewer=viewer)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str | None, Form(max_length=128)] = None,
    next: Annotated[str | None, Form(max_length=500)] = None,  # noqa: A002
) -> Response:
    """Check the password, keep the token in the session cookie and go on."""
    check_csrf(request, csrf_token)
    try:
        user = auth_service.authenticate(session, email=username.strip().lower(), password=password)
    except Unauthorized as exc:
        context = {"next": _safe_next(next) or "", "error": exc.message, "username": username}
        return render(request, "login.html", context, viewer=None, status_code=401)
    token = create_access_token(
        subject=user.id,
        role=user.role.value,
        secret=settings.secret_key,
        minutes=settings.access_token_minutes,
    )
    response = RedirectResponse(_safe_next(next) or nav.home_for(user.role), status_code=303)
    set_session_cookie(request, response, token, seconds=settings.access_token_minutes * 60)
    return response


@router.post("/logout", response_class=RedirectResponse)
def logout(
    request: Request, csrf_token: Annotated[str | None, Form(max_length=128)] = None
) -> RedirectResponse:
    """Forget the session cookie."""
    check_csrf(request, csrf_token)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response
