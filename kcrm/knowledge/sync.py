"""Keep past resolutions and customer history in step with the tickets.

The tickets service emits `ticket.resolved`, `ticket.reopened` and `ticket.closed`. The
documents are rebuilt inside the caller's transaction (so they read exactly what commits)
and written to the indexes only after the commit succeeds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.core.events import after_commit, subscribe
from kcrm.crm.tickets.models import Ticket
from kcrm.knowledge import sources
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ingest import apply_docs_safely

TICKET_EVENTS = ("ticket.resolved", "ticket.reopened", "ticket.closed")
_bound: dict[str, Any] = {}


def bind(engine: KnowledgeEngine, settings: Settings) -> None:
    """Route ticket events to this engine (the process's one engine; the latest bind wins)."""
    _bound["engine"], _bound["settings"] = engine, settings
    for name in TICKET_EVENTS:
        subscribe(name, on_ticket_event)


def unbind() -> None:
    """Stop re-indexing on ticket events (tests)."""
    _bound.clear()


def bound() -> tuple[KnowledgeEngine, Settings] | None:
    """The engine and settings ticket events are routed to, if any."""
    if not _bound:
        return None
    return _bound["engine"], _bound["settings"]


def on_ticket_event(session: Session, *, ticket_id: int, **_: Any) -> None:
    """Refresh the ticket's resolution document and its customer's history after commit."""
    binding = bound()
    if binding is None:
        return
    engine, settings = binding
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return
    docs = sources.resolution_docs(session, [ticket_id], settings)
    docs.append(sources.history_doc(session, ticket.customer_id, settings))
    after_commit(session, lambda: apply_docs_safely(engine, docs))
