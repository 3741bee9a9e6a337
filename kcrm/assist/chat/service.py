"""Chat use cases: open a session, read it, and answer a message (with handoff and gaps)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from kcrm.assist.chat import answer, gaps, handoff, repository, safety
from kcrm.assist.chat.intent import is_complaint
from kcrm.assist.chat.models import ChatMessage, ChatRole, ChatSession
from kcrm.assist.chat.schemas import (
    ChatMessageRead,
    ChatReply,
    ChatSessionCreate,
    ChatSessionRead,
    Handoff,
)
from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.config import Settings
from kcrm.core.db import utcnow
from kcrm.core.errors import Forbidden, NotFound
from kcrm.crm.customers import service as customer_service
from kcrm.crm.customers.models import Language
from kcrm.knowledge.curation.models import UsageKind
from kcrm.knowledge.curation.usage import record_chunk_usage
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ports import Generator


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    session: Session, *, principal: Principal | None, data: ChatSessionCreate
) -> tuple[ChatSession, str]:
    """Open a session for a customer account or an anonymous visitor; returns its token."""
    customer_id = None
    language = data.language
    if principal is not None:
        if principal.role != Role.customer or principal.customer_id is None:
            raise Forbidden("the chat is for customers; staff use the assist suggestions")
        customer = customer_service.get(session, customer_id=principal.customer_id)
        customer_id = customer.id
        language = language or customer.language
    token = secrets.token_urlsafe(32)
    chat = ChatSession(
        customer_id=customer_id,
        user_id=principal.user_id if principal else None,
        token_hash=_hash(token),
        language=language,
    )
    repository.add(session, chat)
    return chat, token


def _may_access(chat: ChatSession, principal: Principal | None, token: str | None) -> bool:
    if chat.customer_id is not None:
        # A customer's session holds their orders: only that customer's account may use it.
        return (
            principal is not None
            and principal.role == Role.customer
            and principal.customer_id == chat.customer_id
        )
    return token is not None and hmac.compare_digest(_hash(token), chat.token_hash)


def get(
    session: Session, *, session_id: int, principal: Principal | None, token: str | None
) -> ChatSession:
    """A session the caller may use; 404 for unknown ones and for everyone else's."""
    chat = repository.get_session(session, session_id)
    if chat is None or not _may_access(chat, principal, token):
        raise NotFound(f"chat session {session_id} not found")
    return chat


def read(session: Session, *, chat: ChatSession) -> ChatSessionRead:
    """The session with its (masked) transcript."""
    messages = [
        ChatMessageRead.model_validate(m) for m in repository.list_messages(session, chat.id)
    ]
    return ChatSessionRead.model_validate(chat).model_copy(update={"messages": messages})


def record_usage(session: Session, draft: answer.Draft, *, ref: str) -> None:
    """Tell curation which articles a reply retrieved and which it cited."""
    if not draft.context:
        return
    record_chunk_usage(
        session, chunk_ids=[h.id for h in draft.context], kind=UsageKind.retrieved, ref=ref
    )
    cited = {str(c["ref"]) for c in draft.citations if c.get("kind") == "article"}
    chunks = [h.id for h in draft.context if str(h.metadata.get("doc_id")) in cited]
    if chunks:
        record_chunk_usage(session, chunk_ids=chunks, kind=UsageKind.cited, ref=ref)


def opening(chat: ChatSession, text: str) -> str | None:
    """What the reply to `text` will start with, known before any search (see post_message)."""
    return answer.opening(text, answer.reply_language(text, chat.language))


def post_message(
    session: Session,
    knowledge: KnowledgeEngine,
    generator: Generator,
    *,
    settings: Settings,
    chat: ChatSession,
    principal: Principal | None,
    text: str,
) -> ChatReply:
    """Store the customer's message, answer it, hand over when needed, store the reply."""
    language = answer.reply_language(text, chat.language)
    history = repository.list_messages(session, chat.id)
    # An anonymous session gets knowledge only, whoever happens to be logged in.
    owner = principal if chat.customer_id is not None else None
    draft = answer.compose(
        session,
        knowledge,
        generator,
        settings=settings,
        principal=owner,
        text=text,
        language=language,
    )
    safety.log.info("chat %s [%s] %s", chat.id, draft.intent, text)
    question = ChatMessage(
        session_id=chat.id,
        role=ChatRole.user,
        text=safety.mask_pii(text),
        language=Language(language),
        intent=draft.intent,
    )
    repository.add(session, question)
    handed: Handoff | None = None
    if draft.handoff is not None:
        handed = handoff.hand_over(
            session,
            knowledge,
            chat=chat,
            principal=owner,
            draft=draft,
            question=text,
            history=history,
            complaint=is_complaint(text),
        )
        if draft.handoff != "requested":
            gaps.record(session, chat=chat, draft=draft, question=text)
    greeting = answer.opening(text, language)
    if greeting is not None:
        # The stream may already have sent it: every knowledge reply opens with it.
        draft.text = answer.with_opening(draft.text, greeting, language)
    reply = ChatMessage(
        session_id=chat.id,
        role=ChatRole.assistant,
        text=safety.mask_pii(draft.text),
        language=Language(language),
        intent=draft.intent,
        citations=draft.citations,
        confidence=draft.confidence,
        handoff=handed is not None,
        handoff_reason=draft.handoff,
    )
    repository.add(session, reply)
    record_usage(session, draft, ref=f"chat:{chat.id}")
    chat.updated_at = utcnow()
    return ChatReply(
        session_id=chat.id, message=ChatMessageRead.model_validate(reply), handoff=handed
    )
