"""Login, tokens, API keys and role checks on the account routes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from tests.factories.customers import make_customer
from tests.factories.users import PASSWORD, auth_headers, make_user


class TestLogin:
    def test_password_flow_issues_a_usable_token(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session, role=Role.agent)
        response = client.post("/auth/token", data={"username": user.email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["email"] == user.email
        assert "password_hash" not in me.json()

    def test_wrong_password_is_401_in_the_error_shape(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)
        response = client.post("/auth/token", data={"username": user.email, "password": "nope1234"})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"

    def test_disabled_account_cannot_log_in(self, client: TestClient, session: Session) -> None:
        user = make_user(session, is_active=False)
        response = client.post("/auth/token", data={"username": user.email, "password": PASSWORD})
        assert response.status_code == 401

    def test_tampered_token_is_refused(self, client: TestClient, session: Session) -> None:
        headers = auth_headers(make_user(session))
        headers["Authorization"] += "x"
        assert client.get("/auth/me", headers=headers).status_code == 401

    def test_no_credentials_is_401(self, client: TestClient) -> None:
        assert client.get("/auth/me").status_code == 401


class TestUsersRoutes:
    def test_admin_creates_a_customer_portal_account(
        self, client: TestClient, session: Session
    ) -> None:
        admin = make_user(session, role=Role.admin)
        customer = make_customer(session)
        body = {
            "email": "Portal@Example.com",
            "full_name": "Portal",
            "role": "customer",
            "customer_id": customer.id,
            "password": "long-enough-pw",
        }
        response = client.post("/users", json=body, headers=auth_headers(admin))
        assert response.status_code == 201, response.text
        assert response.json()["email"] == "portal@example.com"
        again = client.post("/users", json=body, headers=auth_headers(admin))
        assert again.status_code == 409

    def test_customer_account_needs_a_customer(self, client: TestClient, session: Session) -> None:
        admin = make_user(session, role=Role.admin)
        body = {"email": "p@example.com", "full_name": "P", "role": "customer", "password": "x" * 8}
        response = client.post("/users", json=body, headers=auth_headers(admin))
        assert response.status_code == 400

    def test_bad_enum_names_the_field(self, client: TestClient, session: Session) -> None:
        admin = make_user(session, role=Role.admin)
        body = {"email": "a@example.com", "full_name": "A", "role": "wizard", "password": "x" * 8}
        response = client.post("/users", json=body, headers=auth_headers(admin))
        assert response.status_code == 422
        assert ["body", "role"] in [d["loc"] for d in response.json()["error"]["details"]]

    def test_non_admins_are_refused(self, client: TestClient, session: Session) -> None:
        for role in (Role.agent, Role.knowledge_manager):
            assert (
                client.get(
                    "/users", headers=auth_headers(make_user(session, role=role))
                ).status_code
                == 403
            )
        customer = make_customer(session)
        portal = make_user(session, role=Role.customer, customer_id=customer.id)
        assert client.get("/users", headers=auth_headers(portal)).status_code == 403

    def test_list_is_paginated_and_sortable(self, client: TestClient, session: Session) -> None:
        admin = make_user(session, role=Role.admin)
        for _ in range(3):
            make_user(session)
        response = client.get("/users?limit=2&sort=email", headers=auth_headers(admin))
        page = response.json()
        assert page["total"] >= 4
        assert len(page["items"]) == 2
        emails = [u["email"] for u in page["items"]]
        assert emails == sorted(emails)
        bad = client.get("/users?sort=password_hash", headers=auth_headers(admin))
        assert bad.status_code == 422


class TestApiKeys:
    def test_key_authenticates_until_revoked(self, client: TestClient, session: Session) -> None:
        admin = make_user(session, role=Role.admin)
        created = client.post(
            "/api-keys", json={"name": "erp", "role": "admin"}, headers=auth_headers(admin)
        ).json()
        key_headers = {"X-API-Key": created["key"]}
        assert client.get("/users", headers=key_headers).status_code == 200
        client.delete(f"/api-keys/{created['id']}", headers=auth_headers(admin))
        assert client.get("/users", headers=key_headers).status_code == 401

    def test_unknown_key_is_401(self, client: TestClient) -> None:
        assert client.get("/users", headers={"X-API-Key": "kcrm_nope"}).status_code == 401
