"""The knowledge routes: articles, upload ingestion and search."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.config import Settings
from kcrm.crm.tickets.models import TicketStatus
from kcrm.knowledge import sources
from kcrm.knowledge.articles import repository as article_repository
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ingest import apply_docs
from tests.factories.customers import make_customer
from tests.factories.tickets import make_ticket
from tests.factories.users import auth_headers, make_user

ARTICLE = {
    "external_id": "KB-5001",
    "title": "Rice cooker lid will not close",
    "language": "en",
    "body": "# Rice cooker lid\n\nPress the hinge clip and clean the rubber seal.",
    "status": "published",
    "visibility": "public",
}


def _manager(session: Session) -> dict[str, str]:
    return auth_headers(make_user(session, role=Role.knowledge_manager))


def _search(client: TestClient, headers: dict[str, str], **params: object) -> list[dict]:  # type: ignore[type-arg]
    response = client.get("/knowledge/search", params=params, headers=headers)
    assert response.status_code == 200, response.text
    hits: list[dict] = response.json()  # type: ignore[type-arg]
    return hits


class TestCreateArticle:
    def test_manager_creates_and_it_is_searchable(
        self, client: TestClient, session: Session
    ) -> None:
        headers = _manager(session)
        response = client.post("/knowledge/articles", json=ARTICLE, headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["version"] == 1
        hits = _search(client, headers, q="rice cooker lid hinge", k=3)
        assert hits[0]["id"] == "article:KB-5001:0"
        assert hits[0]["found_by"][0]["index"] in ("dense", "bm25")
        assert 0 <= hits[0]["score"] <= 1

    def test_agent_cannot_create(self, client: TestClient, session: Session) -> None:
        headers = auth_headers(make_user(session, role=Role.agent))
        response = client.post("/knowledge/articles", json=ARTICLE, headers=headers)
        assert response.status_code == 403

    def test_duplicate_external_id_is_409(self, client: TestClient, session: Session) -> None:
        headers = _manager(session)
        client.post("/knowledge/articles", json=ARTICLE, headers=headers)
        response = client.post("/knowledge/articles", json=ARTICLE, headers=headers)
        assert response.status_code == 409

    def test_unknown_status_is_422(self, client: TestClient, session: Session) -> None:
        data = {**ARTICLE, "status": "live"}
        response = client.post("/knowledge/articles", json=data, headers=_manager(session))
        assert response.status_code == 422

    def test_draft_is_not_searchable(self, client: TestClient, session: Session) -> None:
        headers = _manager(session)
        client.post("/knowledge/articles", json={**ARTICLE, "status": "draft"}, headers=headers)
        assert _search(client, headers, q="rice cooker lid hinge") == []


class TestReadArticles:
    def test_staff_list_and_get(self, client: TestClient, session: Session) -> None:
        headers = _manager(session)
        created = client.post("/knowledge/articles", json=ARTICLE, headers=headers).json()
        agent = auth_headers(make_user(session, role=Role.agent))
        page = client.get("/knowledge/articles", params={"language": "en"}, headers=agent).json()
        assert [a["external_id"] for a in page["items"]] == ["KB-5001"]
        one = client.get(f"/knowledge/articles/{created['id']}", headers=agent)
        assert one.json()["title"] == ARTICLE["title"]

    def test_customer_cannot_read_articles(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        portal = auth_headers(make_user(session, role=Role.customer, customer_id=customer.id))
        assert client.get("/knowledge/articles", headers=portal).status_code == 403

    def test_missing_article_is_404(self, client: TestClient, session: Session) -> None:
        response = client.get("/knowledge/articles/999999", headers=_manager(session))
        assert response.status_code == 404


class TestUpdateArticle:
    def test_retiring_removes_it_from_search(self, client: TestClient, session: Session) -> None:
        headers = _manager(session)
        created = client.post("/knowledge/articles", json=ARTICLE, headers=headers).json()
        response = client.patch(
            f"/knowledge/articles/{created['id']}", json={"status": "retired"}, headers=headers
        )
        assert response.status_code == 200
        assert _search(client, headers, q="rice cooker lid hinge") == []

    def test_body_change_makes_a_new_version(self, client: TestClient, session: Session) -> None:
        headers = _manager(session)
        created = client.post("/knowledge/articles", json=ARTICLE, headers=headers).json()
        response = client.patch(
            f"/knowledge/articles/{created['id']}",
            json={"body": "Replace the seal every year."},
            headers=headers,
        )
        assert response.json()["version"] == 2
        hits = _search(client, headers, q="replace the seal every year", k=1)
        assert "every year" in hits[0]["text"]
        assert hits[0]["metadata"]["version"] == 2


class TestDeleteArticle:
    def test_delete_removes_row_and_chunks(
        self, client: TestClient, session: Session, app: FastAPI
    ) -> None:
        headers = _manager(session)
        created = client.post("/knowledge/articles", json=ARTICLE, headers=headers).json()
        response = client.delete(f"/knowledge/articles/{created['id']}", headers=headers)
        assert response.status_code == 200
        assert article_repository.get_by_external_id(session, "KB-5001") is None
        assert app.state.knowledge.lexical.hashes() == {}


class TestIngestUpload:
    def test_markdown_upload(self, client: TestClient, session: Session) -> None:
        body = (
            b"---\nid: KB-5002\ntitle: Fan noise\nlanguage: en\n---\nThe fan rattles: tighten it."
        )
        response = client.post(
            "/knowledge/ingest",
            files={"file": ("fan.md", body, "text/markdown")},
            data={"visibility": "public"},
            headers=_manager(session),
        )
        assert response.status_code == 201, response.text
        assert response.json()["article_ids"] == ["KB-5002"]
        assert response.json()["created"] == 1
        article = article_repository.get_by_external_id(session, "KB-5002")
        assert article is not None
        assert article.visibility == "public"

    def test_malformed_front_matter_is_400_with_file_and_line(
        self, client: TestClient, session: Session
    ) -> None:
        body = b"---\nid: KB-5003\ntags: [a\n---\nBody."
        response = client.post(
            "/knowledge/ingest",
            files={"file": ("broken.md", body, "text/markdown")},
            headers=_manager(session),
        )
        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith("broken.md:")
        assert article_repository.get_by_external_id(session, "KB-5003") is None

    def test_faq_with_one_bad_row_saves_nothing(self, client: TestClient, session: Session) -> None:
        body = b"id,language,question,answer\nF-1,en,Why?,Because.\nF-2,fr,How?,So.\n"
        response = client.post(
            "/knowledge/ingest",
            files={"file": ("faq.csv", body, "text/csv")},
            headers=_manager(session),
        )
        assert response.status_code == 400
        assert "faq.csv:3: unknown language 'fr'" in response.json()["error"]["message"]
        assert article_repository.get_by_external_id(session, "F-1") is None

    def test_binary_upload_is_400(self, client: TestClient, session: Session) -> None:
        response = client.post(
            "/knowledge/ingest",
            files={"file": ("x.txt", b"\x00\x01\x02binary", "text/plain")},
            headers=_manager(session),
        )
        assert response.status_code == 400
        assert "binary" in response.json()["error"]["message"]


class TestSearch:
    def _history(self, session: Session, app: FastAPI, settings: Settings) -> int:
        customer = make_customer(session)
        make_ticket(
            session,
            customer=customer,
            subject="Rice cooker lid hinge broken",
            status=TicketStatus.open,
        )
        engine: KnowledgeEngine = app.state.knowledge
        apply_docs(engine, [sources.history_doc(session, customer.id, settings)])
        return customer.id

    def test_without_customer_id_history_never_comes_back(
        self, client: TestClient, session: Session, app: FastAPI, settings: Settings
    ) -> None:
        self._history(session, app, settings)
        headers = _manager(session)
        client.post("/knowledge/articles", json=ARTICLE, headers=headers)
        hits = _search(client, headers, q="rice cooker lid hinge broken", k=50)
        assert hits
        assert {h["source"] for h in hits} == {"article"}

    def test_with_customer_id_only_that_customers_history(
        self, client: TestClient, session: Session, app: FastAPI, settings: Settings
    ) -> None:
        mine = self._history(session, app, settings)
        self._history(session, app, settings)
        headers = _manager(session)
        hits = _search(client, headers, q="rice cooker lid", source="history", customer_id=mine)
        assert hits
        assert {h["metadata"]["customer_id"] for h in hits} == {mine}

    def test_history_without_customer_is_400(self, client: TestClient, session: Session) -> None:
        response = client.get(
            "/knowledge/search", params={"q": "x", "source": "history"}, headers=_manager(session)
        )
        assert response.status_code == 400
        assert "customer_id" in response.json()["error"]["message"]

    def test_customer_account_cannot_search(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        portal = auth_headers(make_user(session, role=Role.customer, customer_id=customer.id))
        response = client.get("/knowledge/search", params={"q": "lid"}, headers=portal)
        assert response.status_code == 403

    def test_unknown_source_and_bad_k_are_422(self, client: TestClient, session: Session) -> None:
        headers = _manager(session)
        session.commit()  # a 422 rolls the shared test session back; keep the user
        bad_source = client.get(
            "/knowledge/search", params={"q": "x", "source": "web"}, headers=headers
        )
        bad_k = client.get("/knowledge/search", params={"q": "x", "k": 0}, headers=headers)
        assert (bad_source.status_code, bad_k.status_code) == (422, 422)
