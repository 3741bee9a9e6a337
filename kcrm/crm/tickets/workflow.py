"""The status workflow, ownership (首问负责制) and escalation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcrm.auth.models import Role, User
from kcrm.auth.principal import Principal
from kcrm.core.db import utcnow
from kcrm.core.errors import BadRequest, Conflict, NotFound
from kcrm.core.events import emit
from kcrm.crm.tickets import actions, repository, rules
from kcrm.crm.tickets.models import Priority, Ticket, TicketKind, TicketStatus
from kcrm.crm.tickets.schemas import Escalation, Transfer

# Status changes other domains care about (the knowledge engine re-indexes resolutions).
STATUS_EVENTS = {
    TicketStatus.resolved: "ticket.resolved",
    TicketStatus.reopened: "ticket.reopened",
    TicketStatus.closed: "ticket.closed",
}
OWNER_ROLES = frozenset({Role.agent, Role.admin})


def change_status(
    session: Session, *, ticket: Ticket, to: TicketStatus, user_id: int | None
) -> None:
    """Move a ticket along the workflow table, log it and announce it; 409 if not allowed."""
    current = ticket.status
    if to == current:
        return
    if not rules.can_transition(current, to):
        allowed = ", ".join(sorted(rules.TRANSITIONS[current])) or "none"
        raise Conflict(f"a {current} ticket cannot become {to}; allowed: {allowed}")
    if to == TicketStatus.resolved and not ticket.resolution_summary:
        raise BadRequest("resolving a ticket needs a resolution_summary")
    now = utcnow()
    if to == TicketStatus.resolved:
        ticket.resolved_at = now
    elif to == TicketStatus.closed:
        ticket.closed_at = now
    elif to == TicketStatus.reopened:
        ticket.resolved_at = None
        ticket.closed_at = None
    ticket.status = to
    details = {"from": current.value, "to": to.value}
    actions.record(
        session, ticket=ticket, action="status_changed", user_id=user_id, details=details
    )
    if to in STATUS_EVENTS:
        emit(session, STATUS_EVENTS[to], ticket_id=ticket.id)


def owner_user(session: Session, user_id: int) -> User:
    """An active agent or admin who can own tickets and follow-ups."""
    user = repository.get_user(session, user_id)
    if user is None or not user.is_active:
        raise NotFound(f"user {user_id} not found")
    if user.role not in OWNER_ROLES:
        raise BadRequest(f"user {user_id} is a {user.role}; only agents and admins own tickets")
    return user


def _owner_locked(ticket: Ticket) -> bool:
    # 首问负责制: a complaint stays with its first responder until it is closed.
    return (
        ticket.kind == TicketKind.complaint
        and ticket.owner_id is not None
        and ticket.status != TicketStatus.closed
    )


def set_owner(
    session: Session, *, ticket: Ticket, owner_id: int | None, principal: Principal
) -> None:
    """Reassign a ticket (PATCH); an owned, unclosed complaint only moves by admin transfer."""
    if owner_id == ticket.owner_id:
        return
    if _owner_locked(ticket):
        raise Conflict(
            "this complaint stays with its first responder until closed; "
            "an admin can move it with POST /tickets/{id}/transfer"
        )
    if owner_id is not None:
        owner_user(session, owner_id)
    details = {"from": ticket.owner_id, "to": owner_id}
    ticket.owner_id = owner_id
    actions.record(
        session, ticket=ticket, action="owner_assigned", user_id=principal.user_id, details=details
    )


def take_first_response(session: Session, *, ticket: Ticket, user_id: int | None) -> None:
    """The first public agent reply: stamps first_response_at, opens it, owns it if unowned."""
    if ticket.first_response_at is None:
        ticket.first_response_at = utcnow()
    if ticket.status == TicketStatus.new:
        change_status(session, ticket=ticket, to=TicketStatus.open, user_id=user_id)
    if ticket.owner_id is None and user_id is not None:
        ticket.owner_id = user_id
        details = {"from": None, "to": user_id, "reason": "first_response"}
        actions.record(
            session, ticket=ticket, action="owner_assigned", user_id=user_id, details=details
        )


def claim(session: Session, *, ticket: Ticket, principal: Principal) -> Ticket:
    """An agent takes an unowned ticket; 409 if someone already owns it."""
    if principal.user_id is None:
        raise BadRequest("only a user account can claim a ticket")
    if ticket.owner_id == principal.user_id:
        return ticket
    if ticket.owner_id is not None:
        raise Conflict(f"ticket {ticket.id} is already owned by user {ticket.owner_id}")
    owner_user(session, principal.user_id)
    ticket.owner_id = principal.user_id
    actions.record(session, ticket=ticket, action="claimed", user_id=principal.user_id)
    return ticket


def transfer(session: Session, *, ticket: Ticket, principal: Principal, data: Transfer) -> Ticket:
    """An admin moves a ticket (complaints included) to another owner, with a logged reason."""
    if data.to_user_id == ticket.owner_id:
        raise Conflict(f"user {data.to_user_id} already owns ticket {ticket.id}")
    owner_user(session, data.to_user_id)
    details = {"from": ticket.owner_id, "to": data.to_user_id, "reason": data.reason}
    ticket.owner_id = data.to_user_id
    actions.record(
        session,
        ticket=ticket,
        action="owner_transferred",
        user_id=principal.user_id,
        details=details,
    )
    return ticket


def set_priority(ticket: Ticket, priority: Priority) -> None:
    """Change the priority and recompute the SLA from the ticket's creation."""
    ticket.priority = priority
    ticket.sla_due_at = rules.sla_due_at(ticket.created_at, priority, ticket.kind)


def escalate(session: Session, *, ticket: Ticket, principal: Principal, data: Escalation) -> Ticket:
    """Raise the priority one step, move the ticket to the escalations queue and log it."""
    if ticket.status not in rules.ACTIVE_STATUSES:
        raise Conflict(f"a {ticket.status} ticket cannot be escalated; reopen it first")
    before = ticket.priority
    set_priority(ticket, rules.raised(before))
    details = {
        "reason": data.reason,
        "from_priority": before.value,
        "to_priority": ticket.priority.value,
        "from_queue": ticket.queue,
    }
    ticket.queue = rules.ESCALATION_QUEUE
    actions.record(
        session, ticket=ticket, action="escalated", user_id=principal.user_id, details=details
    )
    return ticket
