"""The chat reply as server-sent events: token chunks, then citations, handoff and done."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from kcrm.assist.chat.schemas import ChatReply

# Chinese streams a few characters at a time, English a word (with its space) at a time.
_CHUNK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]{1,4}|\S+\s*|\s+")


def event(name: str, data: Any) -> str:
    """One server-sent event with a JSON payload."""
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def chunks(text: str) -> list[str]:
    """The reply text cut into the pieces streamed as `token` events."""
    return _CHUNK.findall(text)


def events(reply: ChatReply, *, sent: str = "") -> Iterator[str]:
    """Every event of one reply, in order; `sent` is the start of the text already streamed."""
    text = reply.message.text
    for piece in chunks(text[len(sent) :] if sent and text.startswith(sent) else text):
        yield event("token", {"text": piece})
    citations = [c.model_dump() for c in reply.message.citations]
    yield event("citations", {"citations": citations, "confidence": reply.message.confidence})
    if reply.handoff is not None:
        yield event("handoff", reply.handoff.model_dump())
    yield event("done", {"session_id": reply.session_id, "message_id": reply.message.id})


def stream(opening: str | None, answer: Callable[[], ChatReply]) -> Iterator[str]:
    """The events of a reply still being made: its opening as soon as it is known (the first
    token does not wait for the search), then the rest once `answer` returns."""
    if opening:
        yield event("token", {"text": opening})
    yield from events(answer(), sent=opening or "")
