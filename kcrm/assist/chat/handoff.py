"""Handing a chat over to a human: a ticket with the masked transcript and the retrieved context.

Anonymous visitors get no ticket (a ticket needs a customer); they are asked to log in or
leave contact details.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.assist.chat import safety, texts
from kcrm.assist.chat.answer import Draft
from kcrm.assist.chat.models import ChatMessage, ChatSession, ChatStatus
from kcrm.assist.chat.schemas import Handoff
from kcrm.auth.principal import Principal
from kcrm.crm.tickets import messages as ticket_messages
from kcrm.crm.tickets import repository as ticket_repository
from kcrm.crm.tickets import rules as ticket_rules
from kcrm.crm.tickets import service as ticket_service
from kcrm.crm.tickets.models import AuthorKind, Channel, Ticket, TicketKind
from kcrm.crm.tickets.schemas import TicketCreate
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.retrieval import RetrievedHit

SUBJECT_CHARS = 80
CONTEXT_CHARS = 400
TRANSCRIPT_TURNS = 40
_SPEAKER = {
    "zh": {"user": "客户", "assistant": "智能客服", "system": "系统"},
    "en": {"user": "Customer", "assistant": "Assistant", "system": "System"},
}


def transcript(history: Sequence[ChatMessage], question: str, *, language: str, reason: str) -> str:
    """The conversation so far (already masked) plus the question that caused the handoff."""
    names = _SPEAKER.get(language, _SPEAKER["en"])
    lines = [texts.say(language, "transcript", reason=reason)]
    for message in list(history)[-TRANSCRIPT_TURNS:]:
        lines.append(f"{names[str(message.role)]}: {message.text}")
    lines.append(f"{names['user']}: {safety.mask_pii(question)}")
    return "\n".join(lines)


def context_note(draft: Draft, history_hits: Sequence[RetrievedHit], *, language: str) -> str:
    """The internal note for agents: why it was handed over and what retrieval found."""
    lines = [
        texts.say(language, "context"),
        f"reason={draft.handoff} intent={draft.intent} confidence={draft.confidence}",
    ]
    for hit in [*draft.context, *history_hits]:
        meta = hit.metadata
        excerpt = " ".join(hit.text.split())[:CONTEXT_CHARS]
        lines.append(
            f"- [{meta.get('source')}:{meta.get('doc_id')} v{meta.get('version', 1)} "
            f"score={hit.score:.2f}] {meta.get('title', '')}: {safety.mask_pii(excerpt)}"
        )
    return "\n".join(lines)


def _open_ticket(session: Session, chat: ChatSession) -> Ticket | None:
    if chat.ticket_id is None:
        return None
    ticket = ticket_repository.get_ticket(session, chat.ticket_id)
    if ticket is None or ticket.status not in ticket_rules.ACTIVE_STATUSES:
        return None
    return ticket


def hand_over(
    session: Session,
    knowledge: KnowledgeEngine,
    *,
    chat: ChatSession,
    principal: Principal | None,
    draft: Draft,
    question: str,
    history: Sequence[ChatMessage],
    complaint: bool,
) -> Handoff:
    """Open (or add to) the session's ticket and set the customer-facing text on the draft."""
    assert draft.handoff is not None
    language = draft.language
    if principal is None or chat.customer_id is None:
        draft.text = texts.say(language, "handoff_anonymous")
        return Handoff(reason=draft.handoff)
    ticket = _open_ticket(session, chat)
    if ticket is None:
        subject = " ".join(safety.mask_pii(question).split())[:SUBJECT_CHARS]
        kind = TicketKind.complaint if complaint else TicketKind.inquiry
        data = TicketCreate(subject=subject, kind=kind, channel=Channel.chat, language=language)
        ticket = ticket_service.create(session, principal=principal, data=data)
    body = transcript(history, question, language=language, reason=draft.handoff)
    ticket_messages.add(
        session, ticket=ticket, author_kind=AuthorKind.system, user_id=None, body=body
    )
    # The customer's own history helps the agent; the retriever only returns this customer's.
    own = knowledge.search(question, k=3, sources=["history"], customer_id=chat.customer_id)
    note = context_note(draft, own, language=language)
    ticket_messages.add(
        session,
        ticket=ticket,
        author_kind=AuthorKind.system,
        user_id=None,
        body=note,
        internal=True,
    )
    chat.ticket_id = ticket.id
    chat.status = ChatStatus.handed_off
    draft.text = texts.say(language, f"handoff_{draft.handoff}", ticket=ticket.id)
    safety.log.info(
        "chat %s handed over (%s) to ticket %s in queue %s",
        chat.id,
        draft.handoff,
        ticket.id,
        ticket.queue,
    )
    return Handoff(reason=draft.handoff, ticket_id=ticket.id, queue=ticket.queue)
