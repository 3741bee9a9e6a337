"""Product routes: CRUD and access per role."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer
from tests.factories.users import auth_headers, make_user

BODY = {
    "sku": "WP-7001",
    "external_id": "P-7001",
    "name": "净水器",
    "category": "water_purifier",
    "price": "1999.00",
    "specs": {"stages": 5},
}


def _portal(session: Session) -> dict[str, str]:
    customer = make_customer(session)
    return auth_headers(make_user(session, role=Role.customer, customer_id=customer.id))


class TestCreateProduct:
    def test_agent_creates_and_duplicate_is_409(self, client: TestClient, session: Session) -> None:
        headers = auth_headers(make_user(session, role=Role.agent))
        response = client.post("/products", json=BODY, headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["specs"] == {"stages": 5}
        again = client.post("/products", json=BODY, headers=headers)
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "conflict"

    def test_knowledge_manager_and_customer_cannot_write(
        self, client: TestClient, session: Session
    ) -> None:
        km = auth_headers(make_user(session, role=Role.knowledge_manager))
        assert client.post("/products", json=BODY, headers=km).status_code == 403
        assert client.post("/products", json=BODY, headers=_portal(session)).status_code == 403

    def test_negative_price_is_422(self, client: TestClient, session: Session) -> None:
        headers = auth_headers(make_user(session, role=Role.agent))
        response = client.post("/products", json={**BODY, "price": "-1"}, headers=headers)
        assert response.status_code == 422
        assert ["body", "price"] in [d["loc"] for d in response.json()["error"]["details"]]


class TestListProducts:
    def test_customer_sees_only_active_products(self, client: TestClient, session: Session) -> None:
        make_product(session, category="portal_t")
        make_product(session, category="portal_t", is_active=False)
        staff = client.get("/products?category=portal_t", headers=auth_headers(make_user(session)))
        portal = client.get("/products?category=portal_t", headers=_portal(session))
        assert staff.json()["total"] == 2
        assert portal.json()["total"] == 1

    def test_unknown_sort_is_422(self, client: TestClient, session: Session) -> None:
        response = client.get("/products?sort=secret", headers=auth_headers(make_user(session)))
        assert response.status_code == 422

    def test_anonymous_is_401(self, client: TestClient) -> None:
        assert client.get("/products").status_code == 401


class TestGetProduct:
    def test_customer_gets_404_for_an_inactive_product(
        self, client: TestClient, session: Session
    ) -> None:
        product = make_product(session, is_active=False)
        portal = _portal(session)
        staff = client.get(f"/products/{product.id}", headers=auth_headers(make_user(session)))
        assert staff.json()["sku"] == product.sku
        # Last: an error response rolls the shared test session back.
        assert client.get(f"/products/{product.id}", headers=portal).status_code == 404


class TestUpdateProduct:
    def test_patch_changes_price(self, client: TestClient, session: Session) -> None:
        product = make_product(session)
        response = client.patch(
            f"/products/{product.id}",
            json={"price": "88.50"},
            headers=auth_headers(make_user(session, role=Role.agent)),
        )
        assert response.status_code == 200, response.text
        assert response.json()["price"] == "88.50"

    def test_null_for_a_required_field_is_422(self, client: TestClient, session: Session) -> None:
        product = make_product(session)
        response = client.patch(
            f"/products/{product.id}",
            json={"name": None},
            headers=auth_headers(make_user(session, role=Role.agent)),
        )
        assert response.status_code == 422


class TestDeleteProduct:
    def test_agent_cannot_delete(self, client: TestClient, session: Session) -> None:
        product = make_product(session)
        agent = auth_headers(make_user(session, role=Role.agent))
        assert client.delete(f"/products/{product.id}", headers=agent).status_code == 403

    def test_admin_delete_is_soft(self, client: TestClient, session: Session) -> None:
        product = make_product(session)
        admin = auth_headers(make_user(session, role=Role.admin))
        response = client.delete(f"/products/{product.id}", headers=admin)
        assert response.status_code == 200
        assert response.json()["deleted_at"] is not None
        assert client.get(f"/products/{product.id}", headers=admin).status_code == 404
