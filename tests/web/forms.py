"""Logging a TestClient in through the console's login form (CSRF included)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories.users import PASSWORD

HTML = {"Accept": "text/html"}


def csrf(client: TestClient) -> str:
    """The CSRF token the login page hands out (and sets as a cookie)."""
    page = client.get("/login", headers=HTML)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in; returns where the login redirects to."""
    token = csrf(client)
    response = client.post(
        "/login",
        data={"username": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])
