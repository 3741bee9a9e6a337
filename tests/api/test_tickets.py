"""The ticket routes: roles, customer scoping, the workflow over HTTP and error shapes.

A failed request rolls the shared test session back, so each test commits its setup before
calling the API; the fixture still discards everything when the test ends.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role, User
from kcrm.crm.customers.models import Customer
from kcrm.crm.tickets.models import TicketKind, TicketStatus
from tests.factories.customers import make_customer
from tests.factories.orders import make_order
from tests.factories.tickets import make_message, make_ticket
from tests.factories.users import auth_headers, make_user


def _portal(session: Session, customer: Customer | None = None) -> User:
    return make_user(
        session, role=Role.customer, customer_id=(customer or make_customer(session)).id
    )


def _staff(session: Session, role: Role = Role.agent) -> dict[str, str]:
    return auth_headers(make_user(session, role=role))


class TestListTickets:
    def test_filters_paginate_and_count(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        for _ in range(3):
            make_ticket(session, customer=customer, kind=TicketKind.complaint)
        make_ticket(session, customer=customer, status=TicketStatus.pending)
        params = {"customer_id": customer.id, "kind": "complaint", "limit": 2, "sort": "id"}
        session.commit()
        response = client.get("/tickets", params=params, headers=_staff(session))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["total"], len(body["items"])) == (3, 2)
        assert body["items"][0]["id"] < body["items"][1]["id"]

    def test_status_takes_several_values(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        for status in (TicketStatus.new, TicketStatus.pending, TicketStatus.closed):
            make_ticket(session, customer=customer, status=status)
        params = [("customer_id", customer.id), ("status", "new"), ("status", "closed")]
        session.commit()
        response = client.get("/tickets", params=params, headers=_staff(session))
        assert sorted(t["status"] for t in response.json()["items"]) == ["closed", "new"]

    def test_a_customer_sees_only_its_own(self, client: TestClient, session: Session) -> None:
        portal = _portal(session)
        mine = make_ticket(session, customer_id=portal.customer_id)
        make_ticket(session)
        session.commit()
        response = client.get("/tickets", headers=auth_headers(portal))
        assert [t["id"] for t in response.json()["items"]] == [mine.id]

    def test_unknown_sort_and_bad_enum_are_422(self, client: TestClient, session: Session) -> None:
        headers = _staff(session)
        session.commit()
        assert client.get("/tickets?sort=password", headers=headers).status_code == 422
        response = client.get("/tickets?status=lost", headers=headers)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_error"

    def test_needs_authentication(self, client: TestClient) -> None:
        assert client.get("/tickets").status_code == 401


class TestCreateTicket:
    def test_a_customer_opens_its_own_ticket(self, client: TestClient, session: Session) -> None:
        portal = _portal(session)
        body = {"subject": "Heater makes noise", "kind": "complaint", "message": "Loud click"}
        session.commit()
        response = client.post("/tickets", json=body, headers=auth_headers(portal))
        assert response.status_code == 201, response.text
        data = response.json()
        assert (data["customer_id"], data["queue"], data["status"]) == (
            portal.customer_id,
            "complaints",
            "new",
        )
        assert [m["body"] for m in data["messages"]] == ["Loud click"]

    def test_a_customer_cannot_open_for_another(self, client: TestClient, session: Session) -> None:
        portal, other = _portal(session), make_customer(session)
        body = {"subject": "x", "kind": "inquiry", "customer_id": other.id}
        session.commit()
        response = client.post("/tickets", json=body, headers=auth_headers(portal))
        assert response.status_code == 404

    def test_staff_must_name_the_customer(self, client: TestClient, session: Session) -> None:
        session.commit()
        response = client.post(
            "/tickets", json={"subject": "x", "kind": "inquiry"}, headers=_staff(session)
        )
        assert response.status_code == 400

    def test_mismatched_order_is_400(self, client: TestClient, session: Session) -> None:
        customer, order = make_customer(session), make_order(session)
        body = {"subject": "x", "kind": "return", "customer_id": customer.id, "order_id": order.id}
        session.commit()
        response = client.post("/tickets", json=body, headers=_staff(session))
        assert response.status_code == 400

    def test_bad_body_is_422_naming_the_field(self, client: TestClient, session: Session) -> None:
        body = {"subject": "", "kind": "gripe", "customer_id": make_customer(session).id}
        session.commit()
        response = client.post("/tickets", json=body, headers=_staff(session))
        assert response.status_code == 422
        locs = [d["loc"] for d in response.json()["error"]["details"]]
        assert ["body", "kind"] in locs
        assert ["body", "subject"] in locs

    def test_a_knowledge_manager_is_403(self, client: TestClient, session: Session) -> None:
        body = {"subject": "x", "kind": "inquiry", "customer_id": make_customer(session).id}
        session.commit()
        response = client.post(
            "/tickets", json=body, headers=_staff(session, Role.knowledge_manager)
        )
        assert response.status_code == 403


class TestGetTicket:
    def test_internal_notes_are_hidden_from_the_customer(
        self, client: TestClient, session: Session
    ) -> None:
        portal = _portal(session)
        ticket = make_ticket(session, customer_id=portal.customer_id)
        make_message(session, ticket, body="public")
        make_message(session, ticket, body="secret", internal=True)
        session.commit()
        mine = client.get(f"/tickets/{ticket.id}", headers=auth_headers(portal)).json()
        staff = client.get(f"/tickets/{ticket.id}", headers=_staff(session, Role.knowledge_manager))
        assert [m["body"] for m in mine["messages"]] == ["public"]
        assert [m["body"] for m in staff.json()["messages"]] == ["public", "secret"]
        listed = client.get(f"/tickets/{ticket.id}/messages", headers=auth_headers(portal))
        assert [m["body"] for m in listed.json()] == ["public"]

    def test_another_customers_ticket_is_404(self, client: TestClient, session: Session) -> None:
        portal = _portal(session)
        theirs = make_ticket(session)
        headers = auth_headers(portal)
        session.commit()
        assert client.get(f"/tickets/{theirs.id}", headers=headers).status_code == 404
        assert client.get(f"/tickets/{theirs.id}/messages", headers=headers).status_code == 404
        message = {"body": "hi"}
        response = client.post(f"/tickets/{theirs.id}/messages", json=message, headers=headers)
        assert response.status_code == 404
        assert client.get("/tickets/999999", headers=headers).status_code == 404


class TestUpdateTicket:
    def test_resolve_without_summary_is_400_then_works(
        self, client: TestClient, session: Session
    ) -> None:
        ticket = make_ticket(session, status=TicketStatus.open)
        headers = _staff(session)
        url = f"/tickets/{ticket.id}"
        session.commit()
        assert client.patch(url, json={"status": "resolved"}, headers=headers).status_code == 400
        body = {"status": "resolved", "resolution_summary": "Replaced the fuse"}
        response = client.patch(url, json=body, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["resolved_at"] is not None

    def test_an_invalid_transition_is_409(self, client: TestClient, session: Session) -> None:
        ticket = make_ticket(session, status=TicketStatus.new)
        session.commit()
        response = client.patch(
            f"/tickets/{ticket.id}", json={"status": "closed"}, headers=_staff(session)
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "conflict"

    def test_a_customer_reopens_but_cannot_edit(self, client: TestClient, session: Session) -> None:
        portal = _portal(session)
        ticket = make_ticket(session, customer_id=portal.customer_id, status=TicketStatus.resolved)
        url, headers = f"/tickets/{ticket.id}", auth_headers(portal)
        session.commit()
        assert client.patch(url, json={"priority": "urgent"}, headers=headers).status_code == 403
        response = client.patch(url, json={"status": "reopened"}, headers=headers)
        assert response.json()["status"] == "reopened"

    def test_complaint_owner_change_is_409_but_admin_transfer_works(
        self, client: TestClient, session: Session
    ) -> None:
        first, other = make_user(session), make_user(session)
        ticket = make_ticket(session, kind=TicketKind.complaint, owner_id=first.id)
        url = f"/tickets/{ticket.id}"
        session.commit()
        response = client.patch(url, json={"owner_id": other.id}, headers=auth_headers(first))
        assert response.status_code == 409
        transfer = {"to_user_id": other.id, "reason": "on leave"}
        assert (
            client.post(f"{url}/transfer", json=transfer, headers=auth_headers(first)).status_code
            == 403
        )
        admin = _staff(session, Role.admin)
        response = client.post(f"{url}/transfer", json=transfer, headers=admin)
        assert response.json()["owner_id"] == other.id
        log = client.get(f"{url}/actions", headers=admin).json()
        assert log[-1]["action"] == "owner_transferred"

    def test_unknown_field_is_422(self, client: TestClient, session: Session) -> None:
        ticket = make_ticket(session)
        session.commit()
        response = client.patch(
            f"/tickets/{ticket.id}", json={"customer_id": 1}, headers=_staff(session)
        )
        assert response.status_code == 422


class TestDeleteTicket:
    def test_admin_only_soft_delete(self, client: TestClient, session: Session) -> None:
        ticket = make_ticket(session)
        url = f"/tickets/{ticket.id}"
        session.commit()
        assert client.delete(url, headers=_staff(session)).status_code == 403
        assert client.delete(url, headers=_staff(session, Role.admin)).status_code == 200
        assert client.get(url, headers=_staff(session)).status_code == 404
        session.refresh(ticket)
        assert ticket.deleted_at is not None


class TestMessages:
    def test_first_agent_reply_opens_and_owns(self, client: TestClient, session: Session) -> None:
        agent = make_user(session)
        ticket = make_ticket(session)
        session.commit()
        response = client.post(
            f"/tickets/{ticket.id}/messages", json={"body": "Hello"}, headers=auth_headers(agent)
        )
        assert response.status_code == 201, response.text
        detail = client.get(f"/tickets/{ticket.id}", headers=auth_headers(agent)).json()
        assert (detail["status"], detail["owner_id"]) == ("open", agent.id)
        assert detail["first_response_at"] is not None

    def test_body_limits_and_internal_from_customer(
        self, client: TestClient, session: Session
    ) -> None:
        portal = _portal(session)
        ticket = make_ticket(session, customer_id=portal.customer_id)
        url, headers = f"/tickets/{ticket.id}/messages", auth_headers(portal)
        session.commit()
        assert client.post(url, json={"body": ""}, headers=headers).status_code == 422
        assert client.post(url, json={"body": "x" * 4001}, headers=headers).status_code == 422
        note = {"body": "x", "internal": True}
        assert client.post(url, json=note, headers=headers).status_code == 403


class TestActions:
    def test_staff_log_and_read_actions(self, client: TestClient, session: Session) -> None:
        ticket = make_ticket(session)
        url, headers = f"/tickets/{ticket.id}/actions", _staff(session)
        body = {"action": "refund_issued", "details": {"amount": "199.00"}}
        session.commit()
        assert client.post(url, json=body, headers=headers).status_code == 201
        custom = {"action": "playbook:warranty_check"}
        assert client.post(url, json=custom, headers=headers).status_code == 201
        listed = client.get(url, headers=_staff(session, Role.knowledge_manager)).json()
        assert [a["action"] for a in listed] == ["refund_issued", "playbook:warranty_check"]

    def test_bad_reserved_and_forbidden(self, client: TestClient, session: Session) -> None:
        portal = _portal(session)
        ticket = make_ticket(session, customer_id=portal.customer_id)
        url, headers = f"/tickets/{ticket.id}/actions", _staff(session)
        session.commit()
        assert client.post(url, json={"action": "Refund!"}, headers=headers).status_code == 422
        reserved = {"action": "status_changed"}
        assert client.post(url, json=reserved, headers=headers).status_code == 400
        assert client.get(url, headers=auth_headers(portal)).status_code == 403
        manager = _staff(session, Role.knowledge_manager)
        assert client.post(url, json={"action": "escalated"}, headers=manager).status_code == 403


class TestEscalateAndClaim:
    def test_escalate_then_claim(self, client: TestClient, session: Session) -> None:
        ticket = make_ticket(session, status=TicketStatus.open)
        agent = make_user(session)
        url = f"/tickets/{ticket.id}"
        session.commit()
        response = client.post(
            f"{url}/escalate", json={"reason": "VIP"}, headers=auth_headers(agent)
        )
        assert (response.json()["priority"], response.json()["queue"]) == ("high", "escalations")
        assert (
            client.post(f"{url}/claim", headers=auth_headers(agent)).json()["owner_id"] == agent.id
        )
        assert client.post(f"{url}/claim", headers=_staff(session)).status_code == 409


class TestSatisfaction:
    def test_own_customer_rates_once_resolved(self, client: TestClient, session: Session) -> None:
        portal = _portal(session)
        ticket = make_ticket(session, customer_id=portal.customer_id, status=TicketStatus.open)
        url, headers = f"/tickets/{ticket.id}/satisfaction", auth_headers(portal)
        session.commit()
        assert client.post(url, json={"score": 5}, headers=headers).status_code == 409
        ticket.status = TicketStatus.resolved
        ticket.resolution_summary = "done"
        session.commit()
        assert client.post(url, json={"score": 6}, headers=headers).status_code == 422
        assert client.post(url, json={"score": 5}, headers=headers).json()["satisfaction"] == 5
        stranger = auth_headers(_portal(session))
        assert client.post(url, json={"score": 1}, headers=stranger).status_code == 404
