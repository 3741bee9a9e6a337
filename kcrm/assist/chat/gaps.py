"""Questions the chat could not answer confidently go to the knowledge managers' gap queue."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcrm.assist.chat import safety
from kcrm.assist.chat.answer import Draft
from kcrm.assist.chat.models import ChatSession
from kcrm.assist.gaps import service as gap_service


def record(session: Session, *, chat: ChatSession, draft: Draft, question: str) -> None:
    """Record the (masked) question with what retrieval found for it."""
    gap_service.record_gap(
        session,
        question=safety.mask_pii(question),
        language=draft.language,
        source="chat",
        ref=f"chat:{chat.id}",
        matches=draft.context,
    )
