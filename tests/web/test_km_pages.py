"""The knowledge manager pages over HTTP: article filters, the editor with preview, versions
and diffs, the review and gap queues, usage charts, and who may open them."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.api.cookies import CSRF_COOKIE, CSRF_HEADER
from kcrm.auth.models import Role
from kcrm.core.db import utcnow
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.articles.schemas import ArticleUpdate
from kcrm.knowledge.curation import usage
from tests.factories.curation import make_gap
from tests.factories.knowledge import make_article
from tests.factories.users import make_user
from tests.web.forms import HTML, login


def _manager(client: TestClient, session: Session) -> None:
    login(client, make_user(session, role=Role.knowledge_manager, language="en").email)


class TestArticleList:
    def test_filters_by_status_language_and_staleness(
        self, client: TestClient, session: Session
    ) -> None:
        _manager(client, session)
        yesterday = utcnow().date() - timedelta(days=1)
        overdue = make_article(session, title="Overdue kettle", review_by=yesterday)
        draft = make_article(session, title="Draft kettle", status="draft")
        chinese = make_article(session, title="电水壶除垢", language="zh")

        stale = client.get("/km/articles?stale=true", headers=HTML)
        assert stale.status_code == 200
        assert "Overdue kettle" in stale.text
        assert "Review overdue" in stale.text
        assert draft.title not in stale.text
        assert chinese.title not in stale.text

        drafts = client.get("/km/articles?status=draft&language=en", headers=HTML).text
        assert draft.title in drafts
        assert overdue.title not in drafts
        assert chinese.title in client.get("/km/articles?language=zh", headers=HTML).text

    def test_refuses_an_unknown_status(self, client: TestClient, session: Session) -> None:
        _manager(client, session)
        assert client.get("/km/articles?status=lost", headers=HTML).status_code == 422


class TestEditor:
    def test_shows_the_rendered_body_versions_and_a_diff(
        self, client: TestClient, session: Session
    ) -> None:
        _manager(client, session)
        article = make_article(session, body="# Steps\n\nFill with vinegar.")
        article_service.update(
            session, article=article, data=ArticleUpdate(body="# Steps\n\nFill with citric acid.")
        )
        page = client.get(f"/km/articles/{article.id}?from=1&to=2", headers=HTML)
        assert page.status_code == 200
        assert "<h1>Steps</h1>" in page.text
        assert "v1" in page.text
        assert "v2" in page.text
        assert '<span class="del">-Fill with vinegar.</span>' in page.text
        assert '<span class="add">+Fill with citric acid.</span>' in page.text
        assert "1 line(s) added, 1 removed" in page.text

    def test_preview_renders_markdown_and_escapes_html(
        self, client: TestClient, session: Session
    ) -> None:
        _manager(client, session)
        body = {"body": "**bold** <script>alert(1)</script>"}
        refused = client.post("/km/preview", json=body)
        assert refused.status_code == 403
        headers = {CSRF_HEADER: client.cookies[CSRF_COOKIE]}
        html = client.post("/km/preview", json=body, headers=headers).json()["html"]
        assert "<strong>bold</strong>" in html
        assert "<script>" not in html
        assert "&lt;script&gt;" in html


class TestQueues:
    def test_review_queue_shows_a_flagged_duplicate_with_its_match(
        self, client: TestClient, session: Session
    ) -> None:
        _manager(client, session)
        original = make_article(session, title="Original kettle guide")
        copy = make_article(session, title="Copied kettle guide", status="in_review")
        copy.duplicate_of_id, copy.duplicate_score = original.id, 0.97
        session.flush()
        page = client.get("/km/review", headers=HTML).text
        assert "Copied kettle guide" in page
        assert f'href="/km/articles/{original.id}">{original.external_id}' in page
        assert "0.97" in page
        assert 'data-to="published"' in page

    def test_gap_queue_counts_a_cluster(self, client: TestClient, session: Session) -> None:
        _manager(client, session)
        for _ in range(3):
            make_gap(session, "Can I pay for a kettle with bitcoin?")
        page = client.get("/km/gaps", headers=HTML).text
        assert "Can I pay for a kettle with bitcoin?" in page
        assert '<strong class="count">3</strong>' in page
        assert "data-draft-cluster=" in page

    def test_usage_page_draws_bars_for_used_articles(
        self, client: TestClient, session: Session
    ) -> None:
        _manager(client, session)
        busy = make_article(session, title="Busy article")
        for kind in ("retrieved", "retrieved", "cited", "accepted"):
            usage.record_usage(session, article_id=busy.id, kind=kind, ref="suggestion:1")
        page = client.get("/km/usage", headers=HTML).text
        assert 'data-testid="usage-chart"' in page
        assert f"{busy.external_id} Busy article · Retrieved: 2" in page
        assert 'data-testid="rate-deflection"' in page


class TestAccess:
    def test_agents_may_not_open_knowledge_pages(
        self, client: TestClient, session: Session
    ) -> None:
        login(client, make_user(session, role=Role.agent).email)
        for path in ("/km/articles", "/km/review", "/km/gaps", "/km/usage"):
            assert client.get(path, headers=HTML).status_code == 403, path

    def test_admins_may(self, client: TestClient, session: Session) -> None:
        login(client, make_user(session, role=Role.admin).email)
        assert client.get("/km/usage", headers=HTML).status_code == 200
