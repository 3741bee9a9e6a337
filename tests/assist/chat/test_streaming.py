"""Server-sent events for a chat reply."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kcrm.assist.chat import streaming
from kcrm.assist.chat.schemas import ChatMessageRead, ChatReply, Citation, Handoff


def _reply(text: str, handoff: Handoff | None = None) -> ChatReply:
    message = ChatMessageRead(
        id=7,
        role="assistant",
        text=text,
        language="zh",
        intent="knowledge",
        citations=[Citation(kind="article", ref="KB-0001", version=3)],
        confidence=0.8,
        handoff=handoff is not None,
        handoff_reason=handoff.reason if handoff else None,
        created_at=datetime.now(UTC),
    )
    return ChatReply(session_id=3, message=message, handoff=handoff)


def _parse(raw: str) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    events = []
    for block in raw.strip().split("\n\n"):
        name, data = block.split("\n")
        events.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return events


class TestChunks:
    def test_chunks_join_back_to_the_text(self) -> None:
        text = "您好，订单 SO-2026-00001 已发货。 Hello there, tracking SF123."
        pieces = streaming.chunks(text)
        assert "".join(pieces) == text
        assert len(pieces) > 5


class TestEvents:
    def test_order_of_events(self) -> None:
        events = _parse("".join(streaming.events(_reply("您好，订单已发货。"))))
        names = [name for name, _ in events]
        assert names[-2:] == ["citations", "done"]
        assert set(names[:-2]) == {"token"}
        assert "".join(d["text"] for n, d in events if n == "token") == "您好，订单已发货。"
        assert events[-2][1]["citations"][0]["ref"] == "KB-0001"
        assert events[-1][1] == {"session_id": 3, "message_id": 7}

    def test_handoff_event(self) -> None:
        handoff = Handoff(reason="requested", ticket_id=12, queue="general")
        events = _parse("".join(streaming.events(_reply("好的", handoff))))
        assert ("handoff", {"reason": "requested", "ticket_id": 12, "queue": "general"}) in events


class TestStream:
    def test_the_opening_is_sent_before_the_answer_is_made(self) -> None:
        made: list[str] = []

        def answer() -> ChatReply:
            made.append("answer")
            return _reply("您好，感谢您的耐心等待。订单已发货。")

        stream = streaming.stream("您好，感谢您的耐心等待。", answer)
        first = next(stream)
        assert made == []
        assert _parse(first) == [("token", {"text": "您好，感谢您的耐心等待。"})]
        events = [first, *stream]
        text = "".join(d["text"] for n, d in _parse("".join(events)) if n == "token")
        assert text == "您好，感谢您的耐心等待。订单已发货。"
        assert made == ["answer"]

    def test_without_an_opening_the_reply_streams_whole(self) -> None:
        events = _parse("".join(streaming.stream(None, lambda: _reply("好的"))))
        assert [d["text"] for n, d in events if n == "token"] == ["好的"]
