"""A write is committed before its response leaves: a client's next request finds it.

These tests use their own SQLite file and a real session factory, not the shared rolled-back
test session, because what they check is when the request's unit of work commits.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from kcrm.api.app import create_app
from kcrm.assist.chat.models import ChatMessage, ChatSession
from kcrm.config import Settings
from kcrm.core.db import Base, make_session_factory

Message = dict[str, Any]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A private SQLite file with the whole schema."""
    url = f"sqlite:///{tmp_path / 'commit-order.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def real_app(settings: Settings, db_url: str) -> FastAPI:
    """The app on its own database, committing for real."""
    own = settings.model_copy(update={"database_url": db_url})
    return create_app(own, session_factory=make_session_factory(create_engine(db_url)))


def count(db_url: str, model: type[Base]) -> int:
    """Rows of a table, read through a connection of its own."""
    engine = create_engine(db_url)
    try:
        with Session(engine) as other:
            return int(other.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def call(
    app: FastAPI, path: str, body: dict[str, Any], db_url: str, model: type[Base], **headers: str
) -> tuple[int, int, bytes]:
    """POST through the ASGI interface; return the status, the rows of `model` another
    connection saw when the response started, and the body."""
    seen: dict[str, int] = {}
    chunks: list[bytes] = []
    payload = json.dumps(body).encode()
    pending = [{"type": "http.request", "body": payload, "more_body": False}]
    raw_headers = [(b"content-type", b"application/json")]
    raw_headers += [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        # The client stays connected: a disconnect would cancel a streamed response.
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]
            seen["rows"] = count(db_url, model)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    asyncio.run(app(scope, receive, send))
    return seen["status"], seen["rows"], b"".join(chunks)


def test_a_created_row_is_committed_before_the_response_starts(
    real_app: FastAPI, db_url: str
) -> None:
    status, rows, _ = call(real_app, "/chat/sessions", {}, db_url, ChatSession)
    assert status == 201
    assert rows == 1


def test_a_streamed_reply_is_stored_by_the_time_the_stream_ends(
    real_app: FastAPI, db_url: str
) -> None:
    _, _, body = call(real_app, "/chat/sessions", {}, db_url, ChatSession)
    created = json.loads(body)
    status, _, stream = call(
        real_app,
        f"/chat/sessions/{created['id']}/messages/stream",
        {"text": "How do I return a kettle?"},
        db_url,
        ChatSession,
        x_chat_token=created["token"],
    )
    assert status == 200
    assert b"event: done" in stream
    # The customer's message and the reply, both kept once the last event is out.
    assert count(db_url, ChatMessage) == 2
