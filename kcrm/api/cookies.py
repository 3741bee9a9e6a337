"""The browser session: the access token in an HttpOnly cookie, guarded by a CSRF token.

The console's pages and their JavaScript use the same JSON API as every other client. A
browser sends cookies with cross-site form posts, so a request authenticated by the cookie
must also prove it came from our own page: the double-submit check compares a header (or a
form field) with a second cookie that other sites can neither read nor set.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from kcrm.core.errors import Forbidden

SESSION_COOKIE = "kcrm_session"
CSRF_COOKIE = "kcrm_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_matches(request: Request, sent: str | None) -> bool:
    """Whether a submitted CSRF token equals the one in the browser's cookie."""
    expected = request.cookies.get(CSRF_COOKIE)
    return bool(expected and sent) and hmac.compare_digest(str(expected), str(sent))


def session_token(request: Request) -> str | None:
    """The access token from the session cookie; unsafe methods must carry the CSRF header."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    if request.method not in SAFE_METHODS and not csrf_matches(
        request, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden("missing or wrong CSRF token")
    return token


def csrf_token(request: Request) -> str:
    """The browser's CSRF token, or a fresh one that `set_csrf_cookie` must store."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)


def set_csrf_cookie(request: Request, response: Response, token: str) -> None:
    """Store the CSRF token when the browser does not hold it yet."""
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )


def set_session_cookie(request: Request, response: Response, token: str, *, seconds: int) -> None:
    """Keep the access token where page scripts cannot read it."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=seconds,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response) -> None:
    """Log the browser out."""
    response.delete_cookie(SESSION_COOKIE)
