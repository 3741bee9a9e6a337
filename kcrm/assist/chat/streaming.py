"""The chat reply as server-sent events: token chunks, then citations, handoff and done."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
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


def events(reply: ChatReply) -> Iterator[str]:
    """Every event of one reply, in order."""
    for piece in chunks(reply.message.text):
        yield event("token", {"text": piece})
    citations = [c.model_dump() for c in reply.message.citations]
    yield event("citations", {"citations": citations, "confidence": reply.message.confidence})
    if reply.handoff is not None:
        yield event("handoff", reply.handoff.model_dump())
    yield event("done", {"session_id": reply.session_id, "message_id": reply.message.id})
