"""The assist routes: suggestions, executing actions, feedback and acceptance, with roles."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.config import Settings
from kcrm.crm.customers.models import Language
from kcrm.crm.tickets.models import TicketKind, TicketStatus
from tests.factories.corpus import load_corpus
from tests.factories.customers import make_customer
from tests.factories.tickets import make_message, make_ticket
from tests.factories.users import auth_headers, make_user


def _index(session: Session, app: FastAPI, settings: Settings, name: str) -> None:
    load_corpus(session, app.state.knowledge, settings, [name])


def _agent(session: Session) -> dict[str, str]:
    return auth_headers(make_user(session, role=Role.agent))


def _suggest(client: TestClient, ticket_id: int, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    response = client.post(f"/assist/tickets/{ticket_id}/suggestions", headers=headers)
    assert response.status_code == 201, response.text
    body: dict = response.json()  # type: ignore[type-arg]
    return body


def _returns_ticket(session: Session) -> int:
    ticket = make_ticket(
        session,
        subject="退货运费谁承担？",
        kind=TicketKind.return_request,
        language=Language.zh,
        status=TicketStatus.open,
    )
    make_message(session, ticket, body="我想七天无理由退货，退货运费需要我出吗？多久退款？")
    return ticket.id


class TestSuggest:
    def test_agent_gets_a_cited_draft_context_and_actions(
        self, client: TestClient, session: Session, app: FastAPI, settings: Settings
    ) -> None:
        _index(session, app, settings, "zh/returns-7-day-no-reason.md")
        ticket_id = _returns_ticket(session)
        body = _suggest(client, ticket_id, _agent(session))
        assert body["ticket_id"] == ticket_id
        assert body["reason"] is None
        claims = [s for s in body["draft"]["sentences"] if s["citations"]]
        assert claims
        assert {c for s in claims for c in s["citations"]} == {"article:KB-0001@v3"}
        assert len(body["draft"]["alternatives"]) == 2
        assert body["customer_context"]["member_tier"]
        assert isinstance(body["next_actions"], list)
        again = client.get(f"/assist/suggestions/{body['id']}", headers=_agent(session))
        assert again.status_code == 200
        assert again.json() == body

    def test_roles_and_unknown_tickets(self, client: TestClient, session: Session) -> None:
        ticket_id = _returns_ticket(session)
        customer = make_customer(session)
        portal = auth_headers(make_user(session, role=Role.customer, customer_id=customer.id))
        manager = auth_headers(make_user(session, role=Role.knowledge_manager))
        url = f"/assist/tickets/{ticket_id}/suggestions"
        assert client.post(url).status_code == 401
        assert client.post(url, headers=portal).status_code == 403
        assert client.post(url, headers=manager).status_code == 403
        missing = client.post("/assist/tickets/999999/suggestions", headers=_agent(session))
        assert missing.status_code == 404
        assert (
            client.post("/assist/tickets/0/suggestions", headers=_agent(session)).status_code == 422
        )


class TestExecute:
    def test_agent_escalates_and_the_log_shows_it(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session, role=Role.agent)
        ticket_id = _returns_ticket(session)
        response = client.post(
            f"/assist/tickets/{ticket_id}/actions/execute",
            json={"action": "escalate", "params": {"reason": "客户要求主管处理"}},
            headers=auth_headers(user),
        )
        assert response.status_code == 201, response.text
        assert response.json()["logged"]["action"] == "escalated"
        log = client.get(f"/tickets/{ticket_id}/actions", headers=auth_headers(user)).json()
        assert [(e["action"], e["user_id"]) for e in log][-1] == ("escalated", user.id)

    def test_bad_input(self, client: TestClient, session: Session) -> None:
        ticket_id = _returns_ticket(session)
        url = f"/assist/tickets/{ticket_id}/actions/execute"
        headers = _agent(session)
        assert client.post(url, json={"action": "Bad Label"}, headers=headers).status_code == 422
        wrong = {"action": "record_refund_request", "params": {"amount": "lots"}}
        response = client.post(url, json=wrong, headers=headers)
        assert response.status_code == 422
        assert "params.amount" in response.text
        forged = client.post(url, json={"action": "status_changed"}, headers=headers)
        assert forged.status_code == 400

    def test_executing_a_suggested_action_counts_as_accepted(
        self, client: TestClient, session: Session
    ) -> None:
        headers = _agent(session)
        ticket_id = _returns_ticket(session)
        suggestion = _suggest(client, ticket_id, headers)
        assert suggestion["next_actions"]
        action = suggestion["next_actions"][0]["action"]
        body = {"action": action, "params": {}, "suggestion_id": suggestion["id"]}
        client.post(f"/assist/tickets/{ticket_id}/actions/execute", json=body, headers=headers)
        again = client.post(
            f"/assist/suggestions/{suggestion['id']}/feedback",
            json={"verdict": "rejected", "action": action},
            headers=headers,
        )
        assert again.status_code == 409


class TestFeedbackAndStats:
    def test_feedback_then_acceptance_for_managers(
        self, client: TestClient, session: Session, app: FastAPI, settings: Settings
    ) -> None:
        _index(session, app, settings, "zh/returns-7-day-no-reason.md")
        headers = _agent(session)
        suggestion = _suggest(client, _returns_ticket(session), headers)
        url = f"/assist/suggestions/{suggestion['id']}/feedback"
        edited = {"verdict": "edited", "edited_text": "您好，退货运费由您承担。"}
        response = client.post(url, json=edited, headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["edited_text"] == "您好，退货运费由您承担。"
        assert client.post(url, json={"verdict": "edited"}, headers=headers).status_code == 422
        assert client.post(url, json=edited, headers=headers).status_code == 409
        manager = auth_headers(make_user(session, role=Role.knowledge_manager))
        stats = client.get("/assist/stats/acceptance", headers=manager)
        assert stats.status_code == 200
        [article] = stats.json()["articles"]
        assert (article["key"], article["edited"], article["use_rate"]) == ("KB-0001", 1, 1.0)
        assert client.get("/assist/stats/acceptance", headers=headers).status_code == 403

    def test_unknown_suggestion_is_404(self, client: TestClient, session: Session) -> None:
        response = client.post(
            "/assist/suggestions/999999/feedback",
            json={"verdict": "accepted"},
            headers=_agent(session),
        )
        assert response.status_code == 404
