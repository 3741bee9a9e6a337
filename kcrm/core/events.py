"""In-process domain events: services announce facts, other domains react.

Handlers run synchronously inside the caller's unit of work, so what they write to SQL
commits or rolls back with it. Work outside the database (re-indexing) is queued on
`session.info["after_commit"]` and run by `run_after_commit` once the commit succeeds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

Handler = Callable[..., None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    """Call `handler(session, **payload)` whenever `name` is emitted."""
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def emit(session: Session, name: str, **payload: Any) -> None:
    """Announce an event to every subscriber."""
    for handler in list(_handlers.get(name, ())):
        handler(session, **payload)


def after_commit(session: Session, job: Callable[[], None]) -> None:
    """Run `job` once this session's transaction commits; dropped on rollback."""
    session.info.setdefault("after_commit", []).append(job)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    jobs = session.info.pop("after_commit", [])
    for job in jobs:
        job()


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop("after_commit", None)
