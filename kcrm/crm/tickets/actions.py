"""The typed action log: what was done on a ticket, by whom and when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from kcrm.auth.principal import Principal
from kcrm.core.errors import BadRequest
from kcrm.crm.tickets import repository
from kcrm.crm.tickets.models import Ticket, TicketAction
from kcrm.crm.tickets.rules import ACTION_PATTERN, SYSTEM_ACTIONS
from kcrm.crm.tickets.schemas import ActionCreate


def record(
    session: Session,
    *,
    ticket: Ticket,
    action: str,
    user_id: int | None,
    details: dict[str, Any] | None = None,
) -> TicketAction:
    """Append an action to the ticket's log (used by kcrm itself, system labels allowed)."""
    if not ACTION_PATTERN.fullmatch(action):
        raise BadRequest(f"action {action!r} must match {ACTION_PATTERN.pattern}")
    entry = TicketAction(ticket_id=ticket.id, action=action, details=details or {}, user_id=user_id)
    session.add(entry)
    session.flush()
    return entry


def create(
    session: Session, *, ticket: Ticket, principal: Principal, data: ActionCreate
) -> TicketAction:
    """Log an action a person or playbook took; workflow labels are kcrm's own."""
    if data.action in SYSTEM_ACTIONS:
        raise BadRequest(
            f"{data.action!r} is written by kcrm itself; use the matching endpoint instead"
        )
    return record(
        session,
        ticket=ticket,
        action=data.action,
        user_id=principal.user_id,
        details=data.details,
    )


def list(session: Session, *, ticket: Ticket) -> Sequence[TicketAction]:  # noqa: A001
    """The ticket's action log, oldest first."""
    return repository.list_actions(session, ticket.id)
