"""Resolved tickets' step contexts embedded when they resolve, so suggestions find them cached.

Next actions compare the talk so far with every logged step of up to `assist_neighbors_k`
similar resolved tickets. Embedded on first use, a few hundred such contexts would cost a
suggestion seconds; embedded here (after the resolving commit, by the demo load and by
`kcrm reindex`), the embedding cache answers them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from kcrm.assist.actions.neighbors import context_vectors, step_texts
from kcrm.assist.actions.service import load_cases
from kcrm.config import Settings
from kcrm.core.events import after_commit, subscribe
from kcrm.knowledge import sync as knowledge_sync
from kcrm.knowledge.engine import KnowledgeEngine

log = logging.getLogger(__name__)
TICKET_EVENTS = ("ticket.resolved", "ticket.closed")
BATCH = 256


def step_contexts(session: Session, ticket_ids: Sequence[int] | None = None) -> list[str]:
    """The distinct step contexts and last turns of these resolved tickets (of all of them
    by default): the texts votes compare."""
    return step_texts(load_cases(session, ticket_ids).values())


def warm(engine: KnowledgeEngine, settings: Settings, texts: Sequence[str]) -> int:
    """Embed `texts` with the votes' model, through its cache; how many were given."""
    vectors = context_vectors(engine, settings.assist_context_model)
    for start in range(0, len(texts), BATCH):
        vectors(texts[start : start + BATCH])
    return len(texts)


def bind() -> None:
    """Warm each ticket's contexts once its resolution commits, with the engine the knowledge
    sync is bound to (the process's one engine)."""
    for name in TICKET_EVENTS:
        subscribe(name, on_ticket_event)


def on_ticket_event(session: Session, *, ticket_id: int, **_: Any) -> None:
    """Read the ticket's step contexts now; embed them after the commit."""
    binding = knowledge_sync.bound()
    if binding is None:
        return
    engine, settings = binding
    texts = step_contexts(session, [ticket_id])
    if texts:
        after_commit(session, lambda: _warm_safely(engine, settings, texts))


def _warm_safely(engine: KnowledgeEngine, settings: Settings, texts: Sequence[str]) -> None:
    try:
        warm(engine, settings, texts)
    except Exception:
        # Only a cache is at stake: the suggestion embeds what is missing.
        log.exception("warming %d step contexts failed", len(texts))
