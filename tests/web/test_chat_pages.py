"""The chat page and the public articles it cites, over HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from tests.factories.knowledge import make_article
from tests.factories.users import make_user
from tests.web.forms import HTML, login


class TestChatPage:
    def test_visitors_get_the_widget(self, client: TestClient) -> None:
        page = client.get("/chat?lang=en", headers=HTML)
        assert page.status_code == 200
        assert 'id="ask"' in page.text
        assert "/static/js/chat.js" in page.text
        assert "Talk to a human" in page.text

    def test_staff_get_a_notice_instead(self, client: TestClient, session: Session) -> None:
        agent = make_user(session, role=Role.agent, language="en")
        login(client, agent.email)
        page = client.get("/chat", headers=HTML)
        assert "The chat is for customers" in page.text
        assert 'id="ask"' not in page.text


class TestPublicArticle:
    def test_renders_a_published_public_article(self, client: TestClient, session: Session) -> None:
        article = make_article(session, title="Kettle care", body="Boil **twice**.")
        page = client.get(f"/help/articles/{article.external_id}", headers=HTML)
        assert page.status_code == 200
        assert "Kettle care" in page.text
        assert "<strong>twice</strong>" in page.text

    @pytest.mark.parametrize(
        "overrides", [{"visibility": "internal"}, {"status": "draft"}, {"status": "retired"}]
    )
    def test_hides_everything_else(
        self, client: TestClient, session: Session, overrides: dict[str, str]
    ) -> None:
        article = make_article(session, **overrides)
        page = client.get(f"/help/articles/{article.external_id}", headers=HTML)
        assert page.status_code == 404
