"""The customer routes: every role's access, filters, 404/409/422, soft delete, timeline, 360."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth import service as auth_service
from kcrm.auth.models import Role
from kcrm.auth.schemas import ApiKeyCreate
from kcrm.core.db import utcnow
from kcrm.crm.customers.models import CreditRating, Customer
from kcrm.crm.tickets.models import TicketKind
from tests.crm.customers.helpers import ticket_for
from tests.factories.customers import make_contact, make_customer, make_interaction
from tests.factories.orders import make_order
from tests.factories.users import auth_headers, make_user

Headers = dict[str, str]


def _staff(session: Session, role: Role = Role.agent) -> Headers:
    return auth_headers(make_user(session, role=role))


def _portal(session: Session, customer: Customer) -> Headers:
    return auth_headers(make_user(session, role=Role.customer, customer_id=customer.id))


def _api_key(session: Session, role: Role) -> Headers:
    _, key = auth_service.create_api_key(
        session, data=ApiKeyCreate(name="erp", role=role), creator_id=None
    )
    return {"X-API-Key": key}


class TestListCustomers:
    @pytest.mark.parametrize("role", [Role.admin, Role.agent, Role.knowledge_manager])
    def test_every_staff_role_may_list(
        self, client: TestClient, session: Session, role: Role
    ) -> None:
        make_customer(session)
        response = client.get("/customers", headers=_staff(session, role))
        assert response.status_code == 200, response.text
        assert response.json()["total"] >= 1

    def test_api_key_may_list(self, client: TestClient, session: Session) -> None:
        response = client.get("/customers", headers=_api_key(session, Role.agent))
        assert response.status_code == 200

    def test_portal_account_is_refused_and_anonymous_is_401(
        self, client: TestClient, session: Session
    ) -> None:
        portal = _portal(session, make_customer(session))
        assert client.get("/customers", headers=portal).status_code == 403
        assert client.get("/customers").status_code == 401

    def test_filters_sort_and_pages(self, client: TestClient, session: Session) -> None:
        for points in (30, 10, 20):
            make_customer(session, segment="api-seg", member_points=points, tags=["t1"])
        make_customer(session, segment="api-seg", language="en")
        query = "/customers?segment=api-seg&tag=t1&language=zh&sort=-member_points&limit=2"
        page = client.get(query, headers=_staff(session)).json()
        assert page["total"] == 3
        assert [c["member_points"] for c in page["items"]] == [30, 20]
        rest = client.get(query + "&offset=2", headers=_staff(session)).json()
        assert [c["member_points"] for c in rest["items"]] == [10]

    # A failed request rolls back what the test had not yet committed through the app,
    # so each refused request below comes last or brings fresh credentials.
    def test_bad_enum_and_bad_sort_are_422(self, client: TestClient, session: Session) -> None:
        bad_enum = client.get("/customers?value_tier=gold", headers=_staff(session))
        assert bad_enum.status_code == 422
        assert ["query", "value_tier"] in [d["loc"] for d in bad_enum.json()["error"]["details"]]
        bad_sort = client.get("/customers?sort=marketing_hold", headers=_staff(session))
        assert bad_sort.status_code == 422

    def test_include_deleted_is_for_admins(self, client: TestClient, session: Session) -> None:
        gone = make_customer(session, segment="api-del", deleted_at=utcnow())
        url = "/customers?segment=api-del&include_deleted=true"
        admin_page = client.get(url, headers=_staff(session, Role.admin)).json()
        assert [c["id"] for c in admin_page["items"]] == [gone.id]
        hidden = client.get("/customers?segment=api-del", headers=_staff(session)).json()
        assert hidden["total"] == 0
        assert client.get(url, headers=_staff(session)).status_code == 403


class TestCreateCustomer:
    def test_agent_creates_and_duplicate_external_id_is_409(
        self, client: TestClient, session: Session
    ) -> None:
        body = {"name": "Hearth Buyer", "external_id": "ERP-API-1", "kind": "company"}
        response = client.post("/customers", json=body, headers=_staff(session))
        assert response.status_code == 201, response.text
        assert response.json()["member_tier"] == "standard"
        again = client.post("/customers", json=body, headers=_staff(session))
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "conflict"

    def test_bad_enum_names_the_field(self, client: TestClient, session: Session) -> None:
        body = {"name": "X", "value_tier": "gold"}
        response = client.post("/customers", json=body, headers=_staff(session))
        assert response.status_code == 422
        assert ["body", "value_tier"] in [d["loc"] for d in response.json()["error"]["details"]]

    @pytest.mark.parametrize("role", [Role.knowledge_manager, Role.customer])
    def test_read_only_roles_are_refused(
        self, client: TestClient, session: Session, role: Role
    ) -> None:
        customer_id = make_customer(session).id if role == Role.customer else None
        headers = auth_headers(make_user(session, role=role, customer_id=customer_id))
        response = client.post("/customers", json={"name": "Nope"}, headers=headers)
        assert response.status_code == 403

    def test_admin_api_key_may_write(self, client: TestClient, session: Session) -> None:
        headers = _api_key(session, Role.admin)
        assert (
            client.post("/customers", json={"name": "Via ERP"}, headers=headers).status_code == 201
        )


class TestGetCustomer:
    def test_staff_see_internal_fields(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session, credit_rating=CreditRating.AA)
        body = client.get(f"/customers/{customer.id}", headers=_staff(session)).json()
        assert body["credit_rating"] == "AA"
        assert body["marketing_hold"] is False

    def test_portal_sees_own_in_portal_view_and_404_for_others(
        self, client: TestClient, session: Session
    ) -> None:
        own = make_customer(session, credit_rating=CreditRating.C)
        other = make_customer(session)
        headers = _portal(session, own)
        response = client.get(f"/customers/{own.id}", headers=headers)
        assert response.status_code == 200
        assert "credit_rating" not in response.json()
        assert client.get(f"/customers/{other.id}", headers=headers).status_code == 404
        assert client.get("/customers/987654321", headers=headers).status_code == 404

    def test_unknown_id_is_404(self, client: TestClient, session: Session) -> None:
        response = client.get("/customers/987654321", headers=_staff(session))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


class TestUpdateCustomer:
    def test_patch_changes_given_fields(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session, city="Suzhou")
        response = client.patch(
            f"/customers/{customer.id}",
            json={"lifecycle_stage": "churned", "tags": ["vip-lost"]},
            headers=_staff(session),
        )
        assert response.status_code == 200, response.text
        assert (response.json()["lifecycle_stage"], response.json()["city"]) == (
            "churned",
            "Suzhou",
        )

    def test_null_for_a_required_field_is_422(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        response = client.patch(
            f"/customers/{customer.id}", json={"name": None}, headers=_staff(session)
        )
        assert response.status_code == 422
        assert ["body", "name"] in [d["loc"] for d in response.json()["error"]["details"]]

    def test_member_points_cannot_be_patched(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        response = client.patch(
            f"/customers/{customer.id}", json={"member_points": 99999}, headers=_staff(session)
        )
        assert response.status_code == 422

    def test_knowledge_manager_is_read_only(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        headers = _staff(session, Role.knowledge_manager)
        response = client.patch(f"/customers/{customer.id}", json={"city": "X"}, headers=headers)
        assert response.status_code == 403


class TestDeleteCustomer:
    def test_soft_delete_then_404(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        headers = _staff(session)
        response = client.delete(f"/customers/{customer.id}", headers=headers)
        assert response.status_code == 200
        assert response.json()["deleted_at"] is not None
        assert client.get(f"/customers/{customer.id}", headers=headers).status_code == 404
        assert client.delete(f"/customers/{customer.id}", headers=headers).status_code == 404
        assert session.get(Customer, customer.id) is not None


class TestMe:
    def test_portal_account_reads_its_own_customer(
        self, client: TestClient, session: Session
    ) -> None:
        own = make_customer(session, marketing_hold=True)
        response = client.get("/customers/me", headers=_portal(session, own))
        assert response.status_code == 200
        assert response.json()["id"] == own.id
        assert "marketing_hold" not in response.json()

    def test_staff_have_no_me(self, client: TestClient, session: Session) -> None:
        assert client.get("/customers/me", headers=_staff(session)).status_code == 403

    def test_portal_360_hides_staff_notes(self, client: TestClient, session: Session) -> None:
        own = make_customer(session)
        make_interaction(session, own, subject="internal note")
        order = make_order(session, customer=own, tracking_number="SF123")
        ticket_for(session, own, kind=TicketKind.complaint)
        body = client.get("/customers/me/360", headers=_portal(session, own)).json()
        assert body["recent_orders"][0]["tracking_number"] == "SF123"
        assert "owner_id" not in body["open_tickets"][0]
        assert "credit_rating" not in body["customer"]
        assert {(i["kind"], i["id"]) for i in body["timeline"]} >= {("order", order.id)}
        assert all(i["kind"] != "interaction" for i in body["timeline"])


class TestPoints:
    def test_adjusts_and_refuses_negative_balance(
        self, client: TestClient, session: Session
    ) -> None:
        customer = make_customer(session, member_points=4900)
        headers = _staff(session)
        url = f"/customers/{customer.id}/points"
        response = client.post(url, json={"delta": 200, "reason": "birthday"}, headers=headers)
        assert response.status_code == 200, response.text
        assert (response.json()["member_points"], response.json()["member_tier"]) == (5100, "gold")
        too_much = client.post(url, json={"delta": -6000, "reason": "x"}, headers=headers)
        assert too_much.status_code == 409
        assert (
            client.get(f"/customers/{customer.id}", headers=headers).json()["member_points"] == 5100
        )

    def test_zero_delta_and_missing_reason_are_422(
        self, client: TestClient, session: Session
    ) -> None:
        customer = make_customer(session)
        url = f"/customers/{customer.id}/points"
        assert (
            client.post(url, json={"delta": 0, "reason": "x"}, headers=_staff(session)).status_code
            == 422
        )
        assert client.post(url, json={"delta": 5}, headers=_staff(session)).status_code == 422

    def test_portal_and_knowledge_manager_are_refused(
        self, client: TestClient, session: Session
    ) -> None:
        customer = make_customer(session)
        url = f"/customers/{customer.id}/points"
        body = {"delta": 100, "reason": "self-service"}
        assert client.post(url, json=body, headers=_portal(session, customer)).status_code == 403
        km = _staff(session, Role.knowledge_manager)
        assert client.post(url, json=body, headers=km).status_code == 403

    def test_unknown_customer_is_404(self, client: TestClient, session: Session) -> None:
        body = {"delta": 1, "reason": "x"}
        response = client.post("/customers/987654321/points", json=body, headers=_staff(session))
        assert response.status_code == 404


class TestContactRoutes:
    def test_create_list_update_delete(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session, kind="company")
        headers = _staff(session)
        url = f"/customers/{customer.id}/contacts"
        first = client.post(
            url, json={"name": "CFO", "wechat_id": "cfo_wx", "is_primary": True}, headers=headers
        ).json()
        second = client.post(
            url,
            json={"name": "Buyer", "phone": "+86 21 5555 0100", "is_primary": True},
            headers=headers,
        ).json()
        listed = client.get(url, headers=headers).json()
        assert [(c["id"], c["is_primary"]) for c in listed] == [
            (second["id"], True),
            (first["id"], False),
        ]
        patched = client.patch(f"/contacts/{first['id']}", json={"title": "CFO"}, headers=headers)
        assert patched.json()["title"] == "CFO"
        assert client.delete(f"/contacts/{first['id']}", headers=headers).status_code == 200
        assert [c["id"] for c in client.get(url, headers=headers).json()] == [second["id"]]
        assert client.patch(f"/contacts/{first['id']}", json={}, headers=headers).status_code == 404

    def test_bad_channel_is_422(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        response = client.post(
            f"/customers/{customer.id}/contacts",
            json={"name": "X", "email": "not-an-email"},
            headers=_staff(session),
        )
        assert response.status_code == 422
        assert ["body", "email"] in [d["loc"] for d in response.json()["error"]["details"]]

    def test_portal_reads_own_contacts_only_and_cannot_write(
        self, client: TestClient, session: Session
    ) -> None:
        own, other = make_customer(session), make_customer(session)
        contact = make_contact(session, own)
        headers = _portal(session, own)
        listed = client.get(f"/customers/{own.id}/contacts", headers=headers)
        assert [c["id"] for c in listed.json()] == [contact.id]
        assert client.get(f"/customers/{other.id}/contacts", headers=headers).status_code == 404
        refused = client.patch(f"/contacts/{contact.id}", json={"name": "Me"}, headers=headers)
        assert refused.status_code == 403

    def test_unknown_customer_is_404(self, client: TestClient, session: Session) -> None:
        response = client.post(
            "/customers/987654321/contacts", json={"name": "X"}, headers=_staff(session)
        )
        assert response.status_code == 404


class TestInteractionRoutes:
    def test_logs_with_the_calling_user_and_lists(
        self, client: TestClient, session: Session
    ) -> None:
        customer = make_customer(session)
        agent = make_user(session, role=Role.agent)
        url = f"/customers/{customer.id}/interactions"
        body = {"kind": "meeting", "direction": "outbound", "subject": "Quarterly review"}
        created = client.post(url, json=body, headers=auth_headers(agent))
        assert created.status_code == 201, created.text
        assert created.json()["user_id"] == agent.id
        page = client.get(url + "?kind=meeting", headers=_staff(session, Role.knowledge_manager))
        assert [i["id"] for i in page.json()["items"]] == [created.json()["id"]]

    def test_bad_kind_is_422(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        response = client.post(
            f"/customers/{customer.id}/interactions",
            json={"kind": "fax", "subject": "x"},
            headers=_staff(session),
        )
        assert response.status_code == 422
        assert ["body", "kind"] in [d["loc"] for d in response.json()["error"]["details"]]

    @pytest.mark.parametrize(("own", "status"), [(True, 403), (False, 404)])
    def test_portal_cannot_read_staff_notes(
        self, client: TestClient, session: Session, own: bool, status: int
    ) -> None:
        mine, other = make_customer(session), make_customer(session)
        target = mine if own else other
        response = client.get(
            f"/customers/{target.id}/interactions", headers=_portal(session, mine)
        )
        assert response.status_code == status


class TestTimelineRoute:
    def test_merged_newest_first_with_kinds(self, client: TestClient, session: Session) -> None:
        now = utcnow()
        customer = make_customer(session)
        call = make_interaction(session, customer, occurred_at=now - timedelta(days=1))
        order = make_order(session, customer=customer, placed_at=now - timedelta(days=2))
        ticket = ticket_for(session, customer, created_at=now)
        headers = _staff(session)
        url = f"/customers/{customer.id}/timeline"
        body = client.get(url, headers=headers).json()
        assert [(i["kind"], i["id"]) for i in body["items"]] == [
            ("ticket", ticket.id),
            ("interaction", call.id),
            ("order", order.id),
        ]
        assert body["total"] == 3
        only = client.get(url + "?kinds=order,interaction&limit=1&offset=1", headers=headers)
        assert [(i["kind"], i["id"]) for i in only.json()["items"]] == [("order", order.id)]
        assert client.get(url + "?kinds=invoice", headers=headers).status_code == 422

    def test_portal_own_without_notes_and_404_for_others(
        self, client: TestClient, session: Session
    ) -> None:
        own, other = make_customer(session), make_customer(session)
        make_interaction(session, own)
        order = make_order(session, customer=own)
        headers = _portal(session, own)
        body = client.get(f"/customers/{own.id}/timeline?kinds=interaction,order", headers=headers)
        assert [(i["kind"], i["id"]) for i in body.json()["items"]] == [("order", order.id)]
        assert client.get(f"/customers/{other.id}/timeline", headers=headers).status_code == 404


class TestCustomer360Route:
    def test_staff_view_has_every_section(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session, credit_rating=CreditRating.A, member_points=25000)
        owner = make_user(session)
        make_contact(session, customer, is_primary=True)
        make_order(session, customer=customer, tracking_number="YT42")
        ticket = ticket_for(
            session, customer, kind=TicketKind.complaint, owner_id=owner.id, sla_due_at=utcnow()
        )
        response = client.get(
            f"/customers/{customer.id}/360", headers=_api_key(session, Role.agent)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["member_points"], body["credit_rating"]) == (25000, "A")
        assert body["open_tickets"][0]["id"] == ticket.id
        assert body["open_tickets"][0]["owner_id"] == owner.id
        assert body["open_tickets"][0]["sla_due_at"] is not None
        assert body["recent_orders"][0]["tracking_number"] == "YT42"
        assert body["counts"] == {
            "orders": 1,
            "tickets": 1,
            "open_tickets": 1,
            "open_complaints": 1,
        }
        assert {i["kind"] for i in body["timeline"]} == {"order", "ticket"}
        assert len(body["contacts"]) == 1

    @pytest.mark.parametrize("role", [Role.admin, Role.knowledge_manager])
    def test_staff_roles_may_read(self, client: TestClient, session: Session, role: Role) -> None:
        customer = make_customer(session)
        response = client.get(f"/customers/{customer.id}/360", headers=_staff(session, role))
        assert response.status_code == 200
        assert response.json()["customer"]["id"] == customer.id

    def test_portal_own_gets_portal_view_other_gets_404(
        self, client: TestClient, session: Session
    ) -> None:
        own, other = make_customer(session), make_customer(session)
        headers = _portal(session, own)
        mine = client.get(f"/customers/{own.id}/360", headers=headers)
        assert mine.status_code == 200
        assert "credit_rating" not in mine.json()
        assert client.get(f"/customers/{other.id}/360", headers=headers).status_code == 404

    def test_unknown_or_deleted_is_404(self, client: TestClient, session: Session) -> None:
        gone = make_customer(session, deleted_at=utcnow())
        assert client.get(f"/customers/{gone.id}/360", headers=_staff(session)).status_code == 404
