"""The agent pages over HTTP: the queue's filters, the ticket view, cited articles, roles."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.crm.tickets.models import Priority, TicketKind, TicketStatus
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.articles.schemas import ArticleUpdate
from tests.factories.customers import make_customer
from tests.factories.knowledge import make_article
from tests.factories.tickets import make_message, make_ticket
from tests.factories.users import make_user
from tests.web.forms import HTML, login


def _agent(client: TestClient, session: Session) -> int:
    agent = make_user(session, role=Role.agent, language="en")
    login(client, agent.email)
    return agent.id


class TestQueue:
    def test_filters_by_kind_status_and_owner(self, client: TestClient, session: Session) -> None:
        agent_id = _agent(client, session)
        customer = make_customer(session, name="Queue Customer")
        mine = make_ticket(
            session,
            customer=customer,
            kind=TicketKind.complaint,
            owner_id=agent_id,
            status=TicketStatus.open,
            subject="Mine complaint",
        )
        make_ticket(
            session, customer=customer, kind=TicketKind.complaint, subject="Other complaint"
        )
        make_ticket(session, customer=customer, subject="Plain inquiry")
        make_ticket(session, customer=customer, subject="Done one", status=TicketStatus.resolved)

        page = client.get("/agent/tickets?kind=complaint&owner=all&language=", headers=HTML)
        assert page.status_code == 200
        assert "Mine complaint" in page.text
        assert "Other complaint" in page.text
        assert "Plain inquiry" not in page.text

        mine_only = client.get("/agent/tickets?kind=complaint&owner=mine", headers=HTML)
        assert f'data-ticket="{mine.id}"' in mine_only.text
        assert "Other complaint" not in mine_only.text

        active = client.get("/agent/tickets", headers=HTML)
        assert "Done one" not in active.text
        resolved = client.get("/agent/tickets?status=resolved", headers=HTML)
        assert "Done one" in resolved.text
        assert "Plain inquiry" not in resolved.text

    def test_bad_filter_is_a_400_page(self, client: TestClient, session: Session) -> None:
        _agent(client, session)
        response = client.get("/agent/tickets?priority=extreme", headers=HTML)
        assert response.status_code == 400
        assert "text/html" in response.headers["content-type"]

    def test_customers_may_not_open_it(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        user = make_user(session, role=Role.customer, customer_id=customer.id, language="en")
        login(client, user.email)
        response = client.get("/agent/tickets", headers=HTML)
        assert response.status_code == 403
        assert "You may not open this page" in response.text

    def test_anonymous_goes_to_login_and_back(self, client: TestClient) -> None:
        response = client.get("/agent/tickets?kind=complaint", headers=HTML, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Fagent%2Ftickets%3Fkind%3Dcomplaint"


class TestTicketPage:
    def test_shows_conversation_and_customer_360(
        self, client: TestClient, session: Session
    ) -> None:
        _agent(client, session)
        customer = make_customer(session, name="Ada Lovelace", member_points=1200)
        ticket = make_ticket(
            session, customer=customer, priority=Priority.high, subject="Kettle leaks"
        )
        make_message(session, ticket, body="My kettle <b>leaks</b>")
        page = client.get(f"/agent/tickets/{ticket.id}", headers=HTML)
        assert page.status_code == 200
        assert "Kettle leaks" in page.text
        assert "My kettle &lt;b&gt;leaks&lt;/b&gt;" in page.text
        assert "Ada Lovelace" in page.text
        assert "1200" in page.text
        assert 'id="suggest"' in page.text

    def test_unknown_ticket_is_a_404_page(self, client: TestClient, session: Session) -> None:
        _agent(client, session)
        response = client.get("/agent/tickets/999999", headers=HTML)
        assert response.status_code == 404
        assert "not found" in response.text


class TestCitedArticle:
    def test_shows_the_cited_version(self, client: TestClient, session: Session) -> None:
        _agent(client, session)
        article = make_article(session, title="Descaling v1", body="Use **vinegar**.")
        article_service.update(
            session, article=article, data=ArticleUpdate(title="Descaling v2", body="Use acid.")
        )
        old = client.get(f"/agent/articles/{article.external_id}?v=1", headers=HTML)
        assert old.status_code == 200
        assert "Descaling v1" in old.text
        assert "<strong>vinegar</strong>" in old.text
        assert "the current one is v2" in old.text
        current = client.get(f"/agent/articles/{article.external_id}", headers=HTML)
        assert "Descaling v2" in current.text
        missing = client.get(f"/agent/articles/{article.external_id}?v=7", headers=HTML)
        assert missing.status_code == 404
