"""The follow-up routes: scheduling on a ticket, the work list and recording outcomes.

A failed request rolls the shared test session back, so each test commits its setup first.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.core.db import utcnow
from kcrm.crm.tickets.models import TicketKind, TicketStatus
from tests.factories.customers import make_customer
from tests.factories.tickets import make_follow_up, make_ticket
from tests.factories.users import auth_headers, make_user


class TestScheduleFollowUp:
    def test_only_on_a_finished_ticket(self, client: TestClient, session: Session) -> None:
        agent = make_user(session)
        open_ticket = make_ticket(session, status=TicketStatus.open)
        done = make_ticket(session, kind=TicketKind.complaint, status=TicketStatus.resolved)
        body = {"scheduled_for": (utcnow() + timedelta(days=2)).isoformat(), "note": "call back"}
        headers = auth_headers(agent)
        session.commit()
        refused = client.post(f"/tickets/{open_ticket.id}/follow-ups", json=body, headers=headers)
        assert refused.status_code == 409
        response = client.post(f"/tickets/{done.id}/follow-ups", json=body, headers=headers)
        assert response.status_code == 201, response.text
        assert (response.json()["status"], response.json()["note"]) == ("scheduled", "call back")
        actions = client.get(f"/tickets/{done.id}/actions", headers=headers).json()
        assert actions[-1]["action"] == "follow_up_scheduled"

    def test_roles(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        portal = make_user(session, role=Role.customer, customer_id=customer.id)
        manager = make_user(session, role=Role.knowledge_manager)
        ticket = make_ticket(session, customer=customer, status=TicketStatus.closed)
        body = {"scheduled_for": utcnow().isoformat()}
        url = f"/tickets/{ticket.id}/follow-ups"
        session.commit()
        assert client.post(url, json=body, headers=auth_headers(portal)).status_code == 403
        assert client.post(url, json=body, headers=auth_headers(manager)).status_code == 403


class TestListFollowUps:
    def test_filters_and_staff_only(self, client: TestClient, session: Session) -> None:
        agent, other = make_user(session), make_user(session)
        ticket = make_ticket(session, status=TicketStatus.resolved)
        mine = make_follow_up(session, ticket, assigned_to_id=agent.id)
        make_follow_up(session, ticket, assigned_to_id=other.id)
        portal = make_user(session, role=Role.customer, customer_id=ticket.customer_id)
        session.commit()
        params = {"assigned_to_id": agent.id, "status": "scheduled"}
        manager = auth_headers(make_user(session, role=Role.knowledge_manager))
        response = client.get("/follow-ups", params=params, headers=manager)
        assert response.status_code == 200, response.text
        assert [f["id"] for f in response.json()["items"]] == [mine.id]
        assert client.get("/follow-ups", headers=auth_headers(portal)).status_code == 403
        assert client.get("/follow-ups?status=someday", headers=manager).status_code == 422


class TestUpdateFollowUp:
    def test_records_the_outcome_once(self, client: TestClient, session: Session) -> None:
        follow_up = make_follow_up(session, make_ticket(session, status=TicketStatus.resolved))
        headers = auth_headers(make_user(session))
        url = f"/follow-ups/{follow_up.id}"
        session.commit()
        body = {"status": "done", "outcome": "works now", "satisfaction": 4}
        response = client.patch(url, json=body, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["completed_at"] is not None
        assert client.patch(url, json={"status": "missed"}, headers=headers).status_code == 409
        assert client.patch(url, json={"satisfaction": 9}, headers=headers).status_code == 422
        assert client.patch("/follow-ups/999999", json={}, headers=headers).status_code == 404
