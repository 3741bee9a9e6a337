"""The one error shape, body limits and health."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from tests.factories.users import auth_headers, make_user


class TestErrorShape:
    def test_unknown_route_is_404_json(self, client: TestClient) -> None:
        body = client.get("/no-such-thing").json()
        assert body["error"]["status"] == 404

    def test_unknown_user_id_is_404(self, client: TestClient, session: Session) -> None:
        admin = make_user(session, role=Role.admin)
        response = client.get("/users/987654", headers=auth_headers(admin))
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "user 987654 not found"

    def test_malformed_json_is_422(self, client: TestClient, session: Session) -> None:
        admin = make_user(session, role=Role.admin)
        headers = {**auth_headers(admin), "Content-Type": "application/json"}
        response = client.post("/users", content=b"{not json", headers=headers)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_error"

    def test_oversize_body_is_413(self, client: TestClient, session: Session) -> None:
        admin = make_user(session, role=Role.admin)
        headers = {**auth_headers(admin), "Content-Type": "application/json"}
        response = client.post("/users", content=b"x" * 2_000_000, headers=headers)
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"


class TestHealth:
    def test_health_answers(self, client: TestClient) -> None:
        body = client.get("/health").json()
        assert body["status"] == "ok"
