"""Customer self-service chat: sessions, messages and a server-sent-events variant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse

from kcrm.api.deps import (
    GeneratorDep,
    KnowledgeDep,
    MaybeUser,
    ObjectId,
    SessionDep,
    SettingsDep,
)
from kcrm.assist.chat import ratelimit, streaming
from kcrm.assist.chat import service as chat_service
from kcrm.assist.chat.schemas import (
    ChatMessageCreate,
    ChatReply,
    ChatSessionCreate,
    ChatSessionCreated,
    ChatSessionRead,
)
from kcrm.core.db import unit_of_work

router = APIRouter(prefix="/chat", tags=["chat"])

ChatToken = Annotated[
    str | None,
    Header(
        alias="X-Chat-Token",
        max_length=128,
        description="The token returned when the session was opened (anonymous sessions)",
    ),
]


def rate_limit(request: Request, settings: SettingsDep, principal: MaybeUser) -> None:
    """Per-IP and per-customer request limits on every chat endpoint (429 when exceeded)."""
    limiter = ratelimit.limiter_for(request.app.state, settings)
    ip = request.client.host if request.client else "unknown"
    customer_id = principal.customer_id if principal is not None else None
    ratelimit.enforce(limiter, settings, ip=ip, customer_id=customer_id)


Limited = Depends(rate_limit)


@router.post(
    "/sessions", response_model=ChatSessionCreated, status_code=201, dependencies=[Limited]
)
def create_session(
    session: SessionDep, principal: MaybeUser, data: ChatSessionCreate
) -> ChatSessionCreated:
    """Open a chat as a logged-in customer, or anonymously (public knowledge only)."""
    chat, token = chat_service.create(session, principal=principal, data=data)
    read = chat_service.read(session, chat=chat)
    return ChatSessionCreated(**read.model_dump(), token=token)


@router.get("/sessions/{session_id}", response_model=ChatSessionRead, dependencies=[Limited])
def get_session(
    session: SessionDep, principal: MaybeUser, session_id: ObjectId, token: ChatToken = None
) -> ChatSessionRead:
    """A chat session with its transcript (personal numbers masked)."""
    chat = chat_service.get(session, session_id=session_id, principal=principal, token=token)
    return chat_service.read(session, chat=chat)


@dataclass(frozen=True)
class Pending:
    """A message the caller may send: the reply's opening, known at once, and its making."""

    opening: str | None
    make: Callable[[], ChatReply]


def pending_message(
    request: Request,
    session: SessionDep,
    knowledge: KnowledgeDep,
    generator: GeneratorDep,
    settings: SettingsDep,
    principal: MaybeUser,
    session_id: ObjectId,
    data: ChatMessageCreate,
    token: ChatToken = None,
) -> Pending:
    """Check the session (404 before anything streams); the answer is made when asked for."""
    chat = chat_service.get(session, session_id=session_id, principal=principal, token=token)
    factory = request.app.state.session_factory
    actor = str(session.info.get("actor", "system"))
    # Release what this request wrote so far (an API key's last use): SQLite has one writer,
    # and the reply's own unit of work below must not wait on it.
    session.commit()

    def make() -> ChatReply:
        # Its own unit of work: a streamed reply is made after the request's session has
        # committed and closed, and it must be stored before the stream's last event.
        with unit_of_work(factory, actor=actor) as work:
            current = chat_service.get(
                work, session_id=session_id, principal=principal, token=token
            )
            return chat_service.post_message(
                work,
                knowledge,
                generator,
                settings=settings,
                chat=current,
                principal=principal,
                text=data.text,
            )

    return Pending(chat_service.opening(chat, data.text), make)


Asked = Annotated[Pending, Depends(pending_message)]


@router.post("/sessions/{session_id}/messages", response_model=ChatReply, dependencies=[Limited])
def post_message(pending: Asked) -> ChatReply:
    """Ask a question; the reply cites its sources or hands over to a human."""
    return pending.make()


@router.post(
    "/sessions/{session_id}/messages/stream",
    response_class=StreamingResponse,
    response_model=None,
    dependencies=[Limited],
    responses={200: {"content": {"text/event-stream": {}}, "description": "SSE events"}},
)
def stream_message(pending: Asked) -> StreamingResponse:
    """Ask a question and receive token, citations, handoff and done events; a knowledge
    reply's greeting is sent before the search runs."""
    return StreamingResponse(
        streaming.stream(pending.opening, pending.make),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
