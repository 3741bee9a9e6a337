"""The customer context beside a suggestion: the customer 360 plus the history index."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.assist.grounding import passage_lines, passages_from_hits
from kcrm.assist.suggestions.schemas import CustomerContext, OpenComplaint
from kcrm.auth import repository as user_repository
from kcrm.crm.customers import service as customer_service
from kcrm.crm.tickets.models import Ticket, TicketKind
from kcrm.knowledge.retrieval import RetrievedHit

LAST_INTERACTIONS = 5
HISTORY_PASSAGES = 2


def _owner_names(session: Session, owner_ids: set[int]) -> dict[int, str]:
    names = {}
    for owner_id in owner_ids:
        user = user_repository.get_user(session, owner_id)
        if user is not None:
            names[owner_id] = user.full_name
    return names


def build(session: Session, *, ticket: Ticket, history: Sequence[RetrievedHit]) -> CustomerContext:
    """Tier, points, credit, open complaints with owners, recent orders, last interactions,
    and the customer's own history passages found for the ticket."""
    view = customer_service.get_360(session, customer_id=ticket.customer_id)
    complaints = [t for t in view.open_tickets if t.kind == TicketKind.complaint]
    names = _owner_names(session, {t.owner_id for t in complaints if t.owner_id is not None})
    return CustomerContext(
        customer_id=view.customer.id,
        name=view.customer.name,
        member_tier=view.member_tier,
        member_points=view.member_points,
        credit_rating=view.credit_rating,
        marketing_hold=view.customer.marketing_hold,
        open_complaints=[
            OpenComplaint(
                id=t.id,
                subject=t.subject,
                status=t.status,
                priority=t.priority,
                owner_id=t.owner_id,
                owner_name=names.get(t.owner_id) if t.owner_id is not None else None,
                sla_due_at=t.sla_due_at,
            )
            for t in complaints
        ],
        recent_orders=view.recent_orders,
        last_interactions=view.timeline[:LAST_INTERACTIONS],
        history=["\n".join(passage_lines(p)) for p in passages_from_hits(history)],
    )
