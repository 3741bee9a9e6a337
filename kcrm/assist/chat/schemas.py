"""Chat schemas: session creation, messages in and out, citations and handoffs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kcrm.assist.chat.models import ChatRole, ChatStatus
from kcrm.core.schemas import Schema
from kcrm.crm.customers.models import Language

MAX_MESSAGE_CHARS = 4000


class ChatSessionCreate(Schema):
    language: Language | None = Field(
        None, description="Preferred language; otherwise each answer follows the message"
    )


class ChatMessageCreate(Schema):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class Citation(Schema):
    """Where a sentence came from: an article version, or the customer's own record."""

    kind: Literal["article", "order", "ticket"]
    ref: str = Field(description="Article id (KB-0001), order number or ticket id")
    version: int | None = None
    title: str | None = None
    score: float | None = None


class Handoff(Schema):
    """A handover to a human: why, and the ticket it opened (none for anonymous visitors)."""

    reason: Literal["requested", "low_confidence", "out_of_scope"]
    ticket_id: int | None = None
    queue: str | None = None


class ChatMessageRead(Schema):
    id: int
    role: ChatRole
    text: str
    language: Language
    intent: str | None
    citations: list[Citation]
    confidence: float | None
    handoff: bool
    handoff_reason: str | None
    created_at: datetime


class ChatSessionRead(Schema):
    id: int
    customer_id: int | None
    language: Language | None
    status: ChatStatus
    ticket_id: int | None
    created_at: datetime
    messages: list[ChatMessageRead] = Field(default_factory=list)


class ChatSessionCreated(ChatSessionRead):
    token: str = Field(description="Send it as X-Chat-Token with every later call")


class ChatReply(Schema):
    """The assistant's answer to one message."""

    session_id: int
    message: ChatMessageRead
    handoff: Handoff | None = None
