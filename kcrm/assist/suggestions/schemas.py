"""Suggestions in and out: the draft with claim-level citations, the customer context, next
actions, feedback and acceptance rates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field, model_validator

from kcrm.assist.suggestions.models import Verdict
from kcrm.core.schemas import Schema
from kcrm.crm.customers.models import CreditRating, MemberTier
from kcrm.crm.customers.schemas import RecentOrder, TimelineItem
from kcrm.crm.tickets.models import Priority, TicketStatus
from kcrm.crm.tickets.schemas import ActionRead

ACTION_LABEL = r"^[a-z][a-z0-9_:]{1,63}$"


class SentenceRead(Schema):
    """One sentence of a draft; the greeting and closing are the ones without citations."""

    text: str
    citations: list[str]


class DraftRead(Schema):
    sentences: list[SentenceRead]
    text: str
    alternatives: list[str]
    confidence: float = Field(ge=0, le=1)
    generator: str


class SourceRead(Schema):
    """A retrieved passage the draft could draw on; `cited` when it does."""

    citation: str
    source: str
    doc_id: str
    version: int
    title: str
    score: float
    cited: bool


class OpenComplaint(Schema):
    id: int
    subject: str
    status: TicketStatus
    priority: Priority
    owner_id: int | None
    owner_name: str | None
    sla_due_at: datetime | None


class CustomerContext(Schema):
    """The customer at a glance: membership, credit, open complaints, orders, last contacts."""

    customer_id: int
    name: str
    member_tier: MemberTier
    member_points: int
    credit_rating: CreditRating | None
    marketing_hold: bool
    open_complaints: list[OpenComplaint]
    recent_orders: list[RecentOrder]
    last_interactions: list[TimelineItem]
    history: list[str] = Field(description="The best passages of the customer's history index")


class EvidenceRead(Schema):
    kind: str
    ref: str
    detail: str
    ticket_ids: list[int]


class NextActionRead(Schema):
    action: str
    score: float
    reason: str
    evidence: list[EvidenceRead]


class SuggestionRead(Schema):
    """A suggestion as stored: a draft, or the reason there is none, with its context."""

    id: int
    ticket_id: int
    language: str
    query: str
    confidence: float
    draft: DraftRead | None
    reason: str | None
    sources: list[SourceRead]
    customer_context: CustomerContext
    next_actions: list[NextActionRead]
    created_at: datetime


class FeedbackCreate(Schema):
    verdict: Verdict
    edited_text: str | None = Field(None, min_length=1, max_length=4000)
    action: str | None = Field(
        None, pattern=ACTION_LABEL, description="The suggested action judged; omit for the draft"
    )

    @model_validator(mode="after")
    def _edited_needs_text(self) -> FeedbackCreate:
        if self.verdict == Verdict.edited and not self.edited_text:
            raise ValueError("an edited verdict needs the edited_text that was sent")
        if self.verdict != Verdict.edited and self.edited_text is not None:
            raise ValueError("edited_text belongs to an edited verdict only")
        return self


class FeedbackRead(Schema):
    id: int
    suggestion_id: int
    user_id: int | None
    verdict: Verdict
    edited_text: str | None
    action: str | None
    created_at: datetime


class AcceptanceRow(Schema):
    """Verdicts on one article's drafts or one action; the rate counts edited as used."""

    key: str
    title: str = ""
    total: int
    accepted: int
    edited: int
    rejected: int
    acceptance_rate: float = Field(description="accepted / total")
    use_rate: float = Field(description="(accepted + edited) / total")


class AcceptanceStats(Schema):
    drafts: AcceptanceRow
    articles: list[AcceptanceRow]
    actions: list[AcceptanceRow]


class ActionExecute(Schema):
    action: str = Field(pattern=ACTION_LABEL, description="e.g. escalate, send_article")
    params: dict[str, Any] = Field(default_factory=dict)
    suggestion_id: int | None = Field(
        None, ge=1, le=2_147_483_647, description="Records an accepted verdict on this action"
    )


class ActionExecutionRead(Schema):
    """What ran: the action-log entry written, and any message or follow-up it created."""

    ticket_id: int
    action: str
    logged: ActionRead
    message_id: int | None = None
    follow_up_id: int | None = None


class FollowUpParams(Schema):
    scheduled_for: datetime | None = Field(None, description="Defaults to three days from now")
    note: str | None = Field(None, max_length=2000)
    assigned_to_id: int | None = Field(None, ge=1)


class EscalateParams(Schema):
    reason: str = Field("Escalated from an approved suggestion", min_length=1, max_length=1000)


class SendArticleParams(Schema):
    article: str = Field(min_length=1, max_length=64, description="The article id, e.g. KB-0001")


class RefundParams(Schema):
    amount: Decimal = Field(gt=0, le=1_000_000, decimal_places=2)
    reason: str = Field(min_length=1, max_length=1000)
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")


class TrackingParams(Schema):
    order_id: int | None = Field(None, ge=1, description="Defaults to the ticket's order")


class NoParams(Schema):
    pass
