"""The curation routes: lifecycle, versions, review queue, drafts, gaps, ratings and stats."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.crm.tickets.models import AuthorKind, TicketStatus
from tests.factories.curation import make_gap
from tests.factories.customers import make_customer
from tests.factories.knowledge import make_article
from tests.factories.tickets import make_message, make_ticket
from tests.factories.users import auth_headers, make_user

ARTICLE = {
    "external_id": "KB-6001",
    "title": "Fridge ice maker stops",
    "language": "en",
    "body": "# Ice maker\n\nReset the ice maker by holding the button for five seconds.",
    "status": "draft",
    "visibility": "public",
}


def _manager(session: Session) -> dict[str, str]:
    return auth_headers(make_user(session, role=Role.knowledge_manager))


def _move(client: TestClient, headers: dict[str, str], article_id: int, to: str) -> int:
    response = client.post(
        f"/knowledge/articles/{article_id}/transitions", json={"to": to}, headers=headers
    )
    return response.status_code


def _search_ids(client: TestClient, headers: dict[str, str]) -> set[str]:
    response = client.get("/knowledge/search", params={"q": "ice maker reset"}, headers=headers)
    return {h["id"].split(":")[1] for h in response.json()}


class TestTransitions:
    def test_draft_review_publish_retire(self, client: TestClient, session: Session) -> None:
        headers = _manager(session)
        article = client.post("/knowledge/articles", json=ARTICLE, headers=headers).json()
        assert _move(client, headers, article["id"], "published") == 409
        assert _move(client, headers, article["id"], "in_review") == 200
        assert "KB-6001" not in _search_ids(client, headers)
        assert _move(client, headers, article["id"], "published") == 200
        assert "KB-6001" in _search_ids(client, headers)
        assert _move(client, headers, article["id"], "retired") == 200
        assert "KB-6001" not in _search_ids(client, headers)

    def test_agents_cannot_publish(self, client: TestClient, session: Session) -> None:
        article = make_article(session, status="in_review")
        agent = auth_headers(make_user(session, role=Role.agent))
        assert _move(client, agent, article.id, "published") == 403

    def test_patch_follows_the_same_table(self, client: TestClient, session: Session) -> None:
        article = make_article(session, status="draft")
        response = client.patch(
            f"/knowledge/articles/{article.id}",
            json={"status": "published"},
            headers=_manager(session),
        )
        assert response.status_code == 409


class TestVersionsAndDiff:
    def test_versions_and_diff(self, client: TestClient, session: Session) -> None:
        headers = _manager(session)
        article = client.post(
            "/knowledge/articles", json={**ARTICLE, "status": "published"}, headers=headers
        ).json()
        client.patch(
            f"/knowledge/articles/{article['id']}",
            json={"body": "Unplug it for a minute."},
            headers=headers,
        )
        versions = client.get(
            f"/knowledge/articles/{article['id']}/versions", headers=headers
        ).json()
        assert [v["version"] for v in versions] == [1, 2]
        diff = client.get(
            f"/knowledge/articles/{article['id']}/diff",
            params={"from": 1, "to": 2},
            headers=headers,
        )
        assert diff.status_code == 200, diff.text
        assert "+Unplug it for a minute.\n" in diff.json()["diff"]
        missing = client.get(
            f"/knowledge/articles/{article['id']}/diff",
            params={"from": 1, "to": 5},
            headers=headers,
        )
        assert missing.status_code == 404


class TestReviewQueue:
    def test_lists_in_review_with_reasons(self, client: TestClient, session: Session) -> None:
        article = make_article(session, status="in_review")
        body = client.get("/knowledge/review-queue", headers=_manager(session)).json()
        assert {"id": article.id, "reasons": ["in review"]} in [
            {"id": i["article"]["id"], "reasons": i["reasons"]} for i in body["items"]
        ]


class TestDrafts:
    def test_from_tickets(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session, name="Li Wei")
        ticket = make_ticket(
            session, customer=customer, subject="Ice maker stuck", status=TicketStatus.resolved
        )
        make_message(
            session, ticket, author_kind=AuthorKind.agent, body="Li, hold the reset button."
        )
        response = client.post(
            "/knowledge/drafts/from-tickets",
            json={"ticket_ids": [ticket.id]},
            headers=_manager(session),
        )
        assert response.status_code == 201, response.text
        draft = response.json()
        assert draft["article"]["status"] == "draft"
        assert "[customer], hold the reset button." in draft["article"]["body"]
        assert draft["duplicate"] is None

    def test_empty_ticket_list_is_422(self, client: TestClient, session: Session) -> None:
        response = client.post(
            "/knowledge/drafts/from-tickets", json={"ticket_ids": []}, headers=_manager(session)
        )
        assert response.status_code == 422

    def test_auto_with_nothing_to_do(self, client: TestClient, session: Session) -> None:
        response = client.post(
            "/knowledge/drafts/auto", json={"days": 1}, headers=_manager(session)
        )
        assert (response.status_code, response.json()) == (201, [])


class TestGaps:
    def test_cluster_then_draft(self, client: TestClient, session: Session) -> None:
        headers = _manager(session)
        key = make_gap(session, "does the fridge have a holiday mode")
        make_gap(session, "does the fridge have a holiday mode?", source="suggestion")
        clusters = client.get("/knowledge/gaps", headers=headers).json()
        assert [(c["key"], c["count"]) for c in clusters] == [(key, 2)]
        response = client.post(f"/knowledge/gaps/clusters/{key}/draft", headers=headers)
        assert response.status_code == 201, response.text
        assert len(response.json()["addressed_gap_ids"]) == 2
        assert client.get("/knowledge/gaps", headers=headers).json() == []
        again = client.post(f"/knowledge/gaps/clusters/{key}/draft", headers=headers)
        assert again.status_code == 404


class TestRatingAndStats:
    def test_customer_rates_and_manager_sees_it(self, client: TestClient, session: Session) -> None:
        article = make_article(session)
        hidden = make_article(session, status="draft")
        customer = make_user(session, role=Role.customer, customer_id=make_customer(session).id)
        rated = client.post(
            f"/knowledge/articles/{article.id}/rating",
            json={"helpful": True},
            headers=auth_headers(customer),
        )
        assert (rated.status_code, rated.json()["kind"]) == (201, "helpful")
        refused = client.post(
            f"/knowledge/articles/{hidden.id}/rating",
            json={"helpful": True},
            headers=auth_headers(customer),
        )
        assert refused.status_code == 404
        headers = _manager(session)
        stats = client.get("/knowledge/stats/articles", headers=headers).json()
        assert [(s["article"]["id"], s["helpful"], s["helpful_rate"]) for s in stats["items"]] == [
            (article.id, 1, 1.0)
        ]
        overview = client.get("/knowledge/stats/overview", params={"days": 7}, headers=headers)
        assert overview.status_code == 200
        assert overview.json()["usage"]["helpful"] == 1

    def test_stats_are_for_managers(self, client: TestClient, session: Session) -> None:
        agent = auth_headers(make_user(session, role=Role.agent))
        assert client.get("/knowledge/stats/overview", headers=agent).status_code == 403
