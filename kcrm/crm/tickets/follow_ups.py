"""After-care: follow-up visits (回访) and satisfaction ratings on finished tickets."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.db import utcnow
from kcrm.core.errors import BadRequest, Conflict, NotFound
from kcrm.core.pagination import PageParams, paginate
from kcrm.crm.tickets import actions, repository, rules, workflow
from kcrm.crm.tickets.models import FollowUp, FollowUpStatus, Ticket
from kcrm.crm.tickets.schemas import (
    FollowUpCreate,
    FollowUpFilters,
    FollowUpUpdate,
    SatisfactionCreate,
)


def _require_done(ticket: Ticket, what: str) -> None:
    if ticket.status not in rules.DONE_STATUSES:
        raise Conflict(f"{what} needs a resolved or closed ticket; this one is {ticket.status}")


def schedule(
    session: Session, *, ticket: Ticket, principal: Principal, data: FollowUpCreate
) -> FollowUp:
    """Plan a follow-up visit on a resolved or closed ticket; defaults to the ticket's owner."""
    _require_done(ticket, "a follow-up")
    assigned_to_id = data.assigned_to_id or ticket.owner_id
    if assigned_to_id is not None:
        workflow.owner_user(session, assigned_to_id)
    follow_up = FollowUp(
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        assigned_to_id=assigned_to_id,
        scheduled_for=data.scheduled_for,
        status=FollowUpStatus.scheduled,
        note=data.note,
    )
    session.add(follow_up)
    session.flush()
    details = {"follow_up_id": follow_up.id, "scheduled_for": data.scheduled_for.isoformat()}
    actions.record(
        session,
        ticket=ticket,
        action="follow_up_scheduled",
        user_id=principal.user_id,
        details=details,
    )
    return follow_up


def get(session: Session, *, follow_up_id: int) -> FollowUp:
    """A follow-up by id, or 404."""
    follow_up = repository.get_follow_up(session, follow_up_id)
    if follow_up is None:
        raise NotFound(f"follow-up {follow_up_id} not found")
    return follow_up


def list(  # noqa: A001
    session: Session, *, filters: FollowUpFilters, params: PageParams
) -> tuple[Sequence[FollowUp], int]:
    """A page of follow-ups, soonest first by default."""
    if params.sort is None:
        params = params.model_copy(update={"sort": "scheduled_for"})
    query = repository.list_follow_ups_query(filters)
    return paginate(session, query, params, repository.FOLLOW_UP_SORTS)


def _record_outcome(
    session: Session, *, follow_up: FollowUp, status: FollowUpStatus, user_id: int | None
) -> None:
    if follow_up.status != FollowUpStatus.scheduled:
        raise Conflict(f"follow-up {follow_up.id} is already {follow_up.status}")
    follow_up.status = status
    if status != FollowUpStatus.scheduled:
        follow_up.completed_at = utcnow()
        ticket = repository.get_ticket(session, follow_up.ticket_id)
        if ticket is not None:
            details = {"follow_up_id": follow_up.id, "status": status.value}
            actions.record(
                session,
                ticket=ticket,
                action="follow_up_recorded",
                user_id=user_id,
                details=details,
            )


def update(
    session: Session, *, follow_up: FollowUp, principal: Principal, data: FollowUpUpdate
) -> FollowUp:
    """Record a visit's outcome (done, missed, cancelled) or reschedule it."""
    values = data.model_dump(exclude_unset=True)
    for name in ("status", "scheduled_for"):
        if name in values and values[name] is None:
            raise BadRequest(f"{name} cannot be null")
    status = values.get("status", follow_up.status)
    if values.get("satisfaction") is not None and status != FollowUpStatus.done:
        raise BadRequest("a satisfaction score belongs to a follow-up that was done")
    if values.get("assigned_to_id") is not None:
        workflow.owner_user(session, values["assigned_to_id"])
    if "status" in values and status != follow_up.status:
        _record_outcome(session, follow_up=follow_up, status=status, user_id=principal.user_id)
    for name in ("outcome", "satisfaction", "scheduled_for", "assigned_to_id"):
        if name in values:
            setattr(follow_up, name, values[name])
    session.flush()
    return follow_up


def rate(
    session: Session, *, ticket: Ticket, principal: Principal, data: SatisfactionCreate
) -> Ticket:
    """Record the customer's satisfaction (1..5) with a resolved or closed ticket."""
    if principal.is_staff:
        principal.require_role(Role.agent)
    _require_done(ticket, "a satisfaction rating")
    ticket.satisfaction = data.score
    details: dict[str, object] = {"score": data.score, "by": "customer"}
    if principal.is_staff:
        details["by"] = "staff"
    if data.comment:
        details["comment"] = data.comment
    actions.record(
        session,
        ticket=ticket,
        action="satisfaction_rated",
        user_id=principal.user_id,
        details=details,
    )
    return ticket
