"""Order routes: access per role, customer scoping and transitions over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.crm.customers.models import Customer
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer
from tests.factories.orders import make_order
from tests.factories.users import auth_headers, make_user


def _portal(session: Session, customer: Customer) -> dict[str, str]:
    return auth_headers(make_user(session, role=Role.customer, customer_id=customer.id))


class TestListOrders:
    def test_customer_list_is_scoped_to_its_own_customer(
        self, client: TestClient, session: Session
    ) -> None:
        mine = make_order(session)
        other = make_order(session)
        customer = session.get(Customer, mine.customer_id)
        assert customer is not None
        # Even asking for another customer's id yields only its own orders.
        response = client.get(
            f"/orders?customer_id={other.customer_id}", headers=_portal(session, customer)
        )
        assert response.json()["total"] == 0
        response = client.get("/orders", headers=_portal(session, customer))
        assert [o["number"] for o in response.json()["items"]] == [mine.number]

    def test_staff_filters_by_number(self, client: TestClient, session: Session) -> None:
        order = make_order(session)
        number, sku = order.number, order.lines[0].sku
        make_order(session)
        response = client.get(f"/orders?number={number}", headers=auth_headers(make_user(session)))
        body = response.json()
        assert body["total"] == 1
        assert body["items"][0]["lines"][0]["sku"] == sku

    def test_bad_status_is_422(self, client: TestClient, session: Session) -> None:
        response = client.get("/orders?status=lost", headers=auth_headers(make_user(session)))
        assert response.status_code == 422


class TestGetOrder:
    def test_customer_refused_another_customers_order_with_404(
        self, client: TestClient, session: Session
    ) -> None:
        order = make_order(session)
        stranger = _portal(session, make_customer(session))
        assert client.get(f"/orders/{order.id}", headers=stranger).status_code == 404

    def test_customer_refused_another_customers_order_by_number(
        self, client: TestClient, session: Session
    ) -> None:
        order = make_order(session)
        stranger = _portal(session, make_customer(session))
        response = client.get(f"/orders/by-number/{order.number}", headers=stranger)
        assert response.status_code == 404

    def test_customer_reads_its_own_order_by_number(
        self, client: TestClient, session: Session
    ) -> None:
        order = make_order(session, tracking_number="SF42")
        customer = session.get(Customer, order.customer_id)
        assert customer is not None
        response = client.get(
            f"/orders/by-number/{order.number}", headers=_portal(session, customer)
        )
        assert response.status_code == 200
        assert response.json()["tracking_number"] == "SF42"


class TestCreateOrder:
    def test_agent_places_an_order(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        product = make_product(session)
        body = {"customer_id": customer.id, "lines": [{"sku": product.sku, "quantity": 3}]}
        response = client.post(
            "/orders", json=body, headers=auth_headers(make_user(session, role=Role.agent))
        )
        assert response.status_code == 201, response.text
        assert response.json()["total"] == "300.00"

    def test_customer_cannot_place_orders_through_the_staff_api(
        self, client: TestClient, session: Session
    ) -> None:
        customer = make_customer(session)
        product = make_product(session)
        body = {"customer_id": customer.id, "lines": [{"product_id": product.id}]}
        response = client.post("/orders", json=body, headers=_portal(session, customer))
        assert response.status_code == 403

    def test_empty_lines_are_422(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        response = client.post(
            "/orders",
            json={"customer_id": customer.id, "lines": []},
            headers=auth_headers(make_user(session, role=Role.agent)),
        )
        assert response.status_code == 422


class TestUpdateOrder:
    def test_pay_then_ship(self, client: TestClient, session: Session) -> None:
        order = make_order(session)
        headers = auth_headers(make_user(session, role=Role.agent))
        paid = client.patch(f"/orders/{order.id}", json={"status": "paid"}, headers=headers)
        assert paid.json()["paid_at"] is not None
        shipped = client.patch(
            f"/orders/{order.id}",
            json={"status": "shipped", "tracking_number": "SF100", "carrier": "SF"},
            headers=headers,
        )
        assert shipped.status_code == 200, shipped.text
        assert shipped.json()["status"] == "shipped"

    def test_invalid_transition_is_409(self, client: TestClient, session: Session) -> None:
        order = make_order(session)
        headers = auth_headers(make_user(session, role=Role.agent))
        response = client.patch(
            f"/orders/{order.id}", json={"status": "delivered"}, headers=headers
        )
        assert response.status_code == 409
        assert "cannot go" in response.json()["error"]["message"]

    def test_customer_cannot_update(self, client: TestClient, session: Session) -> None:
        order = make_order(session)
        customer = session.get(Customer, order.customer_id)
        assert customer is not None
        response = client.patch(
            f"/orders/{order.id}", json={"status": "cancelled"}, headers=_portal(session, customer)
        )
        assert response.status_code == 403
