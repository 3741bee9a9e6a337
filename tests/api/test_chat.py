"""The chat routes: sessions, messages, SSE streaming, scoping, bad input, rate limits, demo."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.assist.chat.models import ChatMessage
from kcrm.assist.generation.extractive import GREETING
from kcrm.auth.models import Role, User
from kcrm.config import Settings
from kcrm.crm.customers.models import Customer
from kcrm.crm.orders.models import OrderStatus
from kcrm.knowledge import sources
from kcrm.knowledge.articles.models import Article
from kcrm.knowledge.ingest import apply_docs
from tests.factories.customers import make_customer
from tests.factories.knowledge import make_article
from tests.factories.orders import make_order
from tests.factories.users import auth_headers, make_user


def _portal(session: Session, customer: Customer | None = None) -> dict[str, str]:
    customer = customer or make_customer(session)
    user: User = make_user(session, role=Role.customer, customer_id=customer.id)
    return auth_headers(user)


def _open(client: TestClient, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = client.post("/chat/sessions", json={}, headers=headers or {})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _ask(
    client: TestClient, chat: dict[str, Any], text: str, headers: dict[str, str] | None = None
) -> Any:
    headers = {**(headers or {}), "X-Chat-Token": chat["token"]}
    return client.post(
        f"/chat/sessions/{chat['id']}/messages", json={"text": text}, headers=headers
    )


def _kettle(app: FastAPI, session: Session) -> Article:
    """A published kettle article, indexed; the threshold separates the fake embedder's hits."""
    settings: Settings = app.state.settings
    settings.chat_min_confidence = 0.55
    article = make_article(session)
    apply_docs(app.state.knowledge, [sources.article_doc(article, settings)])
    return article


def _events(raw: str) -> list[tuple[str, Any]]:
    events = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


class TestCreateSession:
    def test_anonymous_gets_a_token(self, client: TestClient) -> None:
        chat = _open(client)
        assert chat["customer_id"] is None
        assert len(chat["token"]) >= 32
        assert chat["messages"] == []

    def test_customer_session_is_bound_to_the_customer(
        self, client: TestClient, session: Session
    ) -> None:
        customer = make_customer(session)
        chat = _open(client, _portal(session, customer))
        assert chat["customer_id"] == customer.id

    def test_staff_are_refused(self, client: TestClient, session: Session) -> None:
        headers = auth_headers(make_user(session, role=Role.agent))
        assert client.post("/chat/sessions", json={}, headers=headers).status_code == 403

    def test_bad_token_is_401_not_anonymous(self, client: TestClient) -> None:
        response = client.post("/chat/sessions", json={}, headers={"Authorization": "Bearer x"})
        assert response.status_code == 401


class TestPostMessage:
    def test_empty_and_too_long_are_422(self, client: TestClient) -> None:
        chat = _open(client)
        assert _ask(client, chat, "").status_code == 422
        assert _ask(client, chat, "x" * 4001).status_code == 422
        assert _ask(client, chat, "x" * 4000).status_code == 200

    def test_unknown_session_is_404(self, client: TestClient) -> None:
        chat = _open(client)
        response = _ask(client, {**chat, "id": 999_999}, "hello")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    def test_anonymous_session_needs_its_token(self, client: TestClient) -> None:
        chat = _open(client)
        assert _ask(client, {**chat, "token": "not-the-token"}, "hi").status_code == 404
        response = client.post(f"/chat/sessions/{chat['id']}/messages", json={"text": "hi"})
        assert response.status_code == 404

    def test_another_customers_session_is_404(self, client: TestClient, session: Session) -> None:
        owner = _portal(session)
        chat = _open(client, owner)
        _ask(client, chat, "我的订单到哪了？", owner)
        intruder = _portal(session)
        response = _ask(client, chat, "我的订单到哪了？", intruder)
        assert response.status_code == 404
        assert client.get(f"/chat/sessions/{chat['id']}", headers=intruder).status_code == 404
        # Knowing the token is not enough for a customer's session.
        response = client.get(
            f"/chat/sessions/{chat['id']}", headers={"X-Chat-Token": chat["token"]}
        )
        assert response.status_code == 404

    def test_answer_with_citations(
        self, app: FastAPI, client: TestClient, session: Session
    ) -> None:
        article = _kettle(app, session)
        response = _ask(client, _open(client), "How do I descale the kettle with vinegar?")
        assert response.status_code == 200, response.text
        body = response.json()
        assert "vinegar" in body["message"]["text"].lower()
        assert body["message"]["citations"][0]["ref"] == article.external_id
        assert body["handoff"] is None

    def test_transcript_is_masked(self, client: TestClient, session: Session) -> None:
        chat = _open(client)
        _ask(client, chat, "my phone is 13812345678 and card 6222 0202 0000 1234")
        read = client.get(f"/chat/sessions/{chat['id']}", headers={"X-Chat-Token": chat["token"]})
        assert read.status_code == 200
        stored = session.scalars(select(ChatMessage.text)).all()
        for text in [read.text, *stored]:
            assert "13812345678" not in text
            assert "6222 0202 0000 1234" not in text
        assert "138****5678" in read.json()["messages"][0]["text"]


class TestStream:
    def test_events(self, client: TestClient, session: Session) -> None:
        customer = make_customer(session)
        make_order(session, customer=customer, status=OrderStatus.shipped, carrier="JD Logistics")
        headers = _portal(session, customer)
        chat = _open(client, headers)
        with client.stream(
            "POST",
            f"/chat/sessions/{chat['id']}/messages/stream",
            json={"text": "我的订单到哪了？"},
            headers=headers,
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = _events(response.read().decode())
        names = [name for name, _ in events]
        assert names[0] == "token"
        assert names[-2:] == ["citations", "done"]
        text = "".join(data["text"] for name, data in events if name == "token")
        assert "JD Logistics" in text
        stored = client.get(f"/chat/sessions/{chat['id']}", headers=headers).json()
        assert stored["messages"][-1]["text"] == text

    def test_a_knowledge_reply_streams_its_greeting_first(
        self, app: FastAPI, client: TestClient, session: Session
    ) -> None:
        _kettle(app, session)
        chat = _open(client)
        headers = {"X-Chat-Token": chat["token"]}
        for question in ("How do I descale the kettle with vinegar?", "How do I fix my bike?"):
            response = client.post(
                f"/chat/sessions/{chat['id']}/messages/stream",
                json={"text": question},
                headers=headers,
            )
            events = _events(response.text)
            assert events[0] == ("token", {"text": GREETING["en"]})
            text = "".join(data["text"] for name, data in events if name == "token")
            stored = client.get(f"/chat/sessions/{chat['id']}", headers=headers).json()
            assert stored["messages"][-1]["text"] == text
            assert text.count(GREETING["en"]) == 1
        assert "vinegar" in stored["messages"][1]["text"].lower()
        assert stored["messages"][-1]["handoff"] is True  # low confidence: greeting, then handoff

    def test_handoff_event(self, client: TestClient, session: Session) -> None:
        headers = _portal(session)
        chat = _open(client, headers)
        response = client.post(
            f"/chat/sessions/{chat['id']}/messages/stream", json={"text": "转人工"}, headers=headers
        )
        handoffs = [data for name, data in _events(response.text) if name == "handoff"]
        assert handoffs[0]["reason"] == "requested"
        assert handoffs[0]["ticket_id"] is not None

    def test_stream_validates_like_the_plain_route(self, client: TestClient) -> None:
        chat = _open(client)
        response = client.post(
            f"/chat/sessions/{chat['id']}/messages/stream",
            json={"text": ""},
            headers={"X-Chat-Token": chat["token"]},
        )
        assert response.status_code == 422


class TestRateLimits:
    def test_per_customer(self, app: FastAPI, client: TestClient, session: Session) -> None:
        app.state.settings.chat_rate_per_customer = 3
        headers = _portal(session)
        chat = _open(client, headers)
        assert [_ask(client, chat, "hello", headers).status_code for _ in range(2)] == [200, 200]
        response = _ask(client, chat, "hello", headers)
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"
        assert int(response.headers["Retry-After"]) >= 1

    def test_per_ip(self, app: FastAPI, client: TestClient) -> None:
        app.state.settings.chat_rate_per_ip = 2
        _open(client)
        _open(client)
        response = client.post("/chat/sessions", json={})
        assert response.status_code == 429


class TestDemoJourney:
    def test_wang_xiaoming_asks_where_his_order_is(
        self, client: TestClient, session: Session
    ) -> None:
        # Factory data shaped like the demo's C0001 王小明 and his order in transit.
        wang = make_customer(session, name="王小明", language="zh", external_id="C0001-T")
        make_order(session, customer=wang, status=OrderStatus.delivered)
        order = make_order(
            session,
            customer=wang,
            status=OrderStatus.shipped,
            carrier="JD Logistics",
            tracking_number="JD0012345678901",
            placed_at=datetime(2026, 5, 1, 10, tzinfo=UTC),
            shipped_at=datetime(2026, 5, 2, 9, tzinfo=UTC),
        )
        headers = _portal(session, wang)
        chat = _open(client, headers)
        response = _ask(client, chat, "我的订单到哪了？", headers)
        assert response.status_code == 200, response.text
        message = response.json()["message"]
        assert message["language"] == "zh"
        assert message["intent"] == "order_status"
        for fact in (order.number, "已发货", "JD Logistics", "JD0012345678901", "2026-05-02"):
            assert fact in message["text"]
        assert message["citations"] == [
            {"kind": "order", "ref": order.number, "version": None, "title": None, "score": None}
        ]
