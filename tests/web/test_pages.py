"""The console's shared parts over HTTP: login and logout with the session cookie, CSRF,
role checks, language choice and the cookie-authenticated JSON API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.api.cookies import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from kcrm.auth.models import Role
from tests.factories.customers import make_customer
from tests.factories.users import PASSWORD, make_user
from tests.web.forms import HTML, csrf, login


class TestLogin:
    def test_sets_http_only_session_cookie_and_lands_on_role_home(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session, role=Role.agent)
        token = csrf(client)
        response = client.post(
            "/login",
            data={"username": user.email.upper(), "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/agent/tickets"
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
        )
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie

    def test_wrong_password_rerenders_the_form(self, client: TestClient, session: Session) -> None:
        user = make_user(session, role=Role.agent)
        token = csrf(client)
        response = client.post(
            "/login",
            data={"username": user.email, "password": "nope", "csrf_token": token},
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 401
        assert "Wrong email or password" in response.text
        assert SESSION_COOKIE not in client.cookies

    def test_refuses_a_post_without_the_csrf_token(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session, role=Role.agent)
        csrf(client)
        response = client.post("/login", data={"username": user.email, "password": PASSWORD})
        assert response.status_code == 403
        assert SESSION_COOKIE not in client.cookies

    def test_next_only_goes_to_this_site(self, client: TestClient, session: Session) -> None:
        user = make_user(session, role=Role.customer, customer_id=make_customer(session).id)
        token = csrf(client)
        for target, expected in (("//evil.example/x", "/chat"), ("/chat?x=1", "/chat?x=1")):
            data = {"username": user.email, "password": PASSWORD, "csrf_token": token}
            response = client.post("/login", data={**data, "next": target}, follow_redirects=False)
            assert response.headers["location"] == expected

    def test_logout_clears_the_cookie(self, client: TestClient, session: Session) -> None:
        user = make_user(session, role=Role.agent)
        login(client, user.email)
        token = client.cookies[CSRF_COOKIE]
        response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert response.headers["location"] == "/login"
        assert SESSION_COOKIE not in client.cookies


class TestPageAccess:
    def test_anonymous_page_request_redirects_to_login(self, client: TestClient) -> None:
        response = client.get("/", headers=HTML, follow_redirects=False)
        assert response.headers["location"] == "/login"

    def test_home_sends_each_role_home(self, client: TestClient, session: Session) -> None:
        user = make_user(session, role=Role.knowledge_manager)
        login(client, user.email)
        response = client.get("/", follow_redirects=False)
        assert response.headers["location"] == "/km/articles"


class TestCookieApi:
    def test_api_reads_the_session_cookie(self, client: TestClient, session: Session) -> None:
        user = make_user(session, role=Role.agent)
        login(client, user.email)
        response = client.get("/auth/me")
        assert response.status_code == 200
        assert response.json()["email"] == user.email

    def test_unsafe_api_call_needs_the_csrf_header(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session, role=Role.customer, customer_id=make_customer(session).id)
        login(client, user.email)
        refused = client.post("/chat/sessions", json={})
        assert refused.status_code == 403
        assert refused.json()["error"]["message"] == "missing or wrong CSRF token"
        header = {CSRF_HEADER: client.cookies[CSRF_COOKIE]}
        accepted = client.post("/chat/sessions", json={}, headers=header)
        assert accepted.status_code == 201
        assert accepted.json()["customer_id"] == user.customer_id

    def test_api_errors_stay_json_for_api_clients(self, client: TestClient) -> None:
        response = client.get("/tickets")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"


class TestLanguage:
    @pytest.mark.parametrize(
        ("header", "expected"),
        [("en-US,en;q=0.9", "Log in to kcrm"), ("zh-CN,zh;q=0.9,en;q=0.5", "登录 kcrm")],
    )
    def test_accept_language_picks_the_catalog(
        self, client: TestClient, header: str, expected: str
    ) -> None:
        response = client.get("/login", headers={"Accept-Language": header})
        assert expected in response.text

    def test_lang_query_wins_and_is_remembered(self, client: TestClient) -> None:
        first = client.get("/login?lang=en", headers={"Accept-Language": "zh-CN"})
        assert "Log in to kcrm" in first.text
        again = client.get("/login", headers={"Accept-Language": "zh-CN"})
        assert "Log in to kcrm" in again.text

    def test_user_language_beats_accept_language(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(
            session, role=Role.customer, customer_id=make_customer(session).id, language="en"
        )
        login(client, user.email)
        response = client.get("/login", headers={"Accept-Language": "zh-CN"})
        assert "Log in to kcrm" in response.text


class TestErrorPages:
    def test_unknown_page_is_html_for_browsers_and_json_for_clients(
        self, client: TestClient
    ) -> None:
        page = client.get("/no/such/page", headers={**HTML, "Accept-Language": "en"})
        assert page.status_code == 404
        assert "Page or record not found" in page.text
        api = client.get("/no/such/page")
        assert api.status_code == 404
        assert api.json()["error"]["code"] == "not_found"
