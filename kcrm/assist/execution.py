"""Executing an approved action through the existing CRM services, logged on the ticket.

Known actions do the real thing (a follow-up, an escalation, a message to the customer, a
customer flag); any other well-formed label is written to the ticket's action log as is.
Every execution leaves an entry in the action log with the approving user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kcrm.assist.grounding import passage_lines
from kcrm.assist.suggestions import feedback as feedback_service
from kcrm.assist.suggestions import repository as suggestion_repository
from kcrm.assist.suggestions.models import Verdict
from kcrm.assist.suggestions.schemas import (
    ActionExecute,
    ActionExecutionRead,
    EscalateParams,
    FeedbackCreate,
    FollowUpParams,
    NoParams,
    RefundParams,
    SendArticleParams,
    TrackingParams,
)
from kcrm.auth.principal import Principal
from kcrm.core.db import utcnow
from kcrm.core.errors import BadRequest, Conflict, InvalidInput, NotFound
from kcrm.core.schemas import Schema
from kcrm.crm.customers import service as customer_service
from kcrm.crm.customers.schemas import CustomerUpdate
from kcrm.crm.orders import service as order_service
from kcrm.crm.tickets import actions as ticket_actions
from kcrm.crm.tickets import follow_ups, messages, rules, workflow
from kcrm.crm.tickets import service as ticket_service
from kcrm.crm.tickets.models import Priority, Ticket, TicketAction
from kcrm.crm.tickets.schemas import (
    ActionCreate,
    ActionRead,
    Escalation,
    FollowUpCreate,
    MessageCreate,
)
from kcrm.knowledge.articles import repository as article_repository
from kcrm.knowledge.articles.models import ArticleStatus, Visibility
from kcrm.knowledge.ports import Passage

P = TypeVar("P", bound=Schema)
FOLLOW_UP_AFTER = timedelta(days=3)
ARTICLE_EXCERPT_CHARS = 1500


@dataclass
class Outcome:
    """What a handler did: the log entry, and a message or follow-up it created."""

    logged: TicketAction
    message_id: int | None = None
    follow_up_id: int | None = None


def _params(model: type[P], params: dict[str, Any]) -> P:
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in ("params", *first["loc"]))
        raise InvalidInput(f"{field}: {first['msg']}", field=field) from exc


def _latest(session: Session, ticket: Ticket) -> TicketAction:
    # The CRM service wrote the entry itself; it is the newest one on the log.
    return ticket_actions.list(session, ticket=ticket)[-1]


def _log(
    session: Session, ticket: Ticket, principal: Principal, action: str, details: dict[str, Any]
) -> TicketAction:
    return ticket_actions.record(
        session, ticket=ticket, action=action, user_id=principal.user_id, details=details
    )


def _post(session: Session, ticket: Ticket, principal: Principal, body: str) -> int:
    message = messages.post(
        session, ticket=ticket, principal=principal, data=MessageCreate(body=body[:4000])
    )
    return message.id


def schedule_follow_up(
    session: Session, ticket: Ticket, principal: Principal, raw: dict[str, Any]
) -> Outcome:
    """Plan a follow-up visit (three days out unless a time is given)."""
    params = _params(FollowUpParams, raw)
    data = FollowUpCreate(
        scheduled_for=params.scheduled_for or utcnow() + FOLLOW_UP_AFTER,
        assigned_to_id=params.assigned_to_id,
        note=params.note,
    )
    follow_up = follow_ups.schedule(session, ticket=ticket, principal=principal, data=data)
    return Outcome(_latest(session, ticket), follow_up_id=follow_up.id)


def escalate(
    session: Session, ticket: Ticket, principal: Principal, raw: dict[str, Any]
) -> Outcome:
    """Escalate: priority up one step, the escalations queue."""
    params = _params(EscalateParams, raw)
    workflow.escalate(
        session, ticket=ticket, principal=principal, data=Escalation(reason=params.reason)
    )
    return Outcome(_latest(session, ticket))


def send_article(
    session: Session, ticket: Ticket, principal: Principal, raw: dict[str, Any]
) -> Outcome:
    """Send a published public article's text to the customer as an agent reply."""
    params = _params(SendArticleParams, raw)
    article = article_repository.get_by_external_id(session, params.article)
    if article is None:
        raise NotFound(f"article {params.article} not found")
    if article.status != ArticleStatus.published:
        raise Conflict(f"article {article.external_id} is {article.status}, not published")
    if article.visibility != Visibility.public:
        raise BadRequest(f"article {article.external_id} is internal; it cannot go to a customer")
    # The same cleaning as for drafts: no tables, quoted posts or injected instructions.
    lines = passage_lines(Passage(article.external_id, article.body, article.external_id))
    excerpt = "\n".join(lines)[:ARTICLE_EXCERPT_CHARS]
    body = f"{article.title}\n\n{excerpt}\n\n[{article.external_id} v{article.version}]"
    message_id = _post(session, ticket, principal, body)
    details = {"article": article.external_id, "version": article.version, "message_id": message_id}
    return Outcome(_log(session, ticket, principal, "article_sent", details), message_id=message_id)


def record_refund_request(
    session: Session, ticket: Ticket, principal: Principal, raw: dict[str, Any]
) -> Outcome:
    """Log a refund request with its amount and reason (approval follows the limits)."""
    params = _params(RefundParams, raw)
    details = {"amount": str(params.amount), "currency": params.currency, "reason": params.reason}
    return Outcome(_log(session, ticket, principal, "refund_requested", details))


TRACKING_TEXT = {
    "zh": "您的订单 {number} 已由{carrier}发出，运单号：{tracking}。",
    "en": "Your order {number} has been shipped with {carrier}; the tracking number is {tracking}.",
}


def share_tracking_number(
    session: Session, ticket: Ticket, principal: Principal, raw: dict[str, Any]
) -> Outcome:
    """Tell the customer the tracking number of the ticket's (or the given) order."""
    params = _params(TrackingParams, raw)
    order_id = params.order_id or ticket.order_id
    if order_id is None:
        raise BadRequest("this ticket has no order; give params.order_id")
    order = order_service.get(session, order_id=order_id)
    if order.customer_id != ticket.customer_id:
        raise BadRequest(f"order {order_id} belongs to another customer")
    if not order.tracking_number:
        raise Conflict(f"order {order.number} has no tracking number yet")
    template = TRACKING_TEXT.get(str(ticket.language), TRACKING_TEXT["en"])
    carrier = order.carrier or ("承运商" if str(ticket.language) == "zh" else "the carrier")
    body = template.format(number=order.number, carrier=carrier, tracking=order.tracking_number)
    message_id = _post(session, ticket, principal, body)
    details: dict[str, Any] = {"order": order.number, "tracking_number": order.tracking_number}
    details["message_id"] = message_id
    return Outcome(
        _log(session, ticket, principal, "tracking_shared", details), message_id=message_id
    )


def raise_priority(
    session: Session, ticket: Ticket, principal: Principal, raw: dict[str, Any]
) -> Outcome:
    """Raise the priority one step (the SLA is recomputed)."""
    _params(NoParams, raw)
    before = ticket.priority
    if before == Priority.urgent:
        raise Conflict(f"ticket {ticket.id} is already urgent")
    workflow.set_priority(ticket, rules.raised(before))
    details = {"from": before.value, "to": ticket.priority.value}
    return Outcome(_log(session, ticket, principal, "priority_raised", details))


def hold_marketing(
    session: Session, ticket: Ticket, principal: Principal, raw: dict[str, Any]
) -> Outcome:
    """Stop marketing messages to the ticket's customer."""
    _params(NoParams, raw)
    customer = customer_service.get(session, customer_id=ticket.customer_id)
    was = customer.marketing_hold
    customer_service.update(session, customer=customer, data=CustomerUpdate(marketing_hold=True))
    details = {"customer_id": customer.id, "already_held": was}
    return Outcome(_log(session, ticket, principal, "marketing_hold", details))


Handler = Callable[[Session, Ticket, Principal, dict[str, Any]], Outcome]
HANDLERS: dict[str, Handler] = {
    "schedule_follow_up": schedule_follow_up,
    "escalate": escalate,
    "send_article": send_article,
    "record_refund_request": record_refund_request,
    "share_tracking_number": share_tracking_number,
    "raise_priority": raise_priority,
    "hold_marketing": hold_marketing,
}
# The action log's own labels name the same actions (past tense), as similar tickets suggest.
ALIASES = {
    "follow_up_scheduled": "schedule_follow_up",
    "escalated": "escalate",
    "article_sent": "send_article",
    "refund_requested": "record_refund_request",
    "tracking_shared": "share_tracking_number",
    "priority_raised": "raise_priority",
    "marketing_hold": "hold_marketing",
}


def _generic(
    session: Session, ticket: Ticket, principal: Principal, action: str, raw: dict[str, Any]
) -> Outcome:
    entry = ticket_actions.create(
        session, ticket=ticket, principal=principal, data=ActionCreate(action=action, details=raw)
    )
    return Outcome(entry)


def _accept(
    session: Session, *, ticket: Ticket, principal: Principal, suggestion_id: int, action: str
) -> None:
    """An executed suggested action counts as accepted (once, and only if it was suggested)."""
    suggestion = suggestion_repository.get(session, suggestion_id)
    if suggestion is None or suggestion.ticket_id != ticket.id:
        raise NotFound(f"suggestion {suggestion_id} not found for ticket {ticket.id}")
    suggested = {a.get("action") for a in suggestion.next_actions}
    if (
        action in suggested
        and suggestion_repository.find_feedback(session, suggestion_id, action) is None
    ):
        data = FeedbackCreate(verdict=Verdict.accepted, action=action)
        feedback_service.create(
            session, suggestion_id=suggestion_id, principal=principal, data=data
        )


def execute(
    session: Session, *, ticket_id: int, principal: Principal, data: ActionExecute
) -> ActionExecutionRead:
    """Run an approved action on a ticket and log it; other well-formed labels are logged."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=principal, for_update=True)
    name = ALIASES.get(data.action, data.action)
    handler = HANDLERS.get(name)
    if handler is not None:
        outcome = handler(session, ticket, principal, data.params)
    else:
        outcome = _generic(session, ticket, principal, data.action, data.params)
    if data.suggestion_id is not None:
        _accept(
            session,
            ticket=ticket,
            principal=principal,
            suggestion_id=data.suggestion_id,
            action=data.action,
        )
    return ActionExecutionRead(
        ticket_id=ticket.id,
        action=name,
        logged=ActionRead.model_validate(outcome.logged),
        message_id=outcome.message_id,
        follow_up_id=outcome.follow_up_id,
    )
