"""Ticket, message, action, follow-up and satisfaction schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from kcrm.core.schemas import Schema
from kcrm.crm.customers.models import Language
from kcrm.crm.tickets.models import (
    AuthorKind,
    Channel,
    FollowUpStatus,
    Priority,
    TicketKind,
    TicketStatus,
)

Tags = list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]]


class TicketCreate(Schema):
    subject: str = Field(min_length=1, max_length=300)
    kind: TicketKind
    channel: Channel = Channel.web_form
    priority: Priority | None = Field(None, description="Staff only; defaults to normal")
    language: Language = Language.zh
    queue: str | None = Field(
        None, min_length=1, max_length=64, description="Staff only; routed from kind if omitted"
    )
    customer_id: int | None = Field(None, description="Required for staff; forced for customers")
    product_id: int | None = None
    order_id: int | None = None
    tags: Tags | None = Field(None, max_length=20, description="Staff only")
    message: str | None = Field(
        None, min_length=1, max_length=4000, description="The customer's first message"
    )


class TicketUpdate(Schema):
    subject: str | None = Field(None, min_length=1, max_length=300)
    priority: Priority | None = None
    queue: str | None = Field(None, min_length=1, max_length=64)
    tags: Tags | None = Field(None, max_length=20)
    product_id: int | None = None
    order_id: int | None = None
    owner_id: int | None = None
    status: TicketStatus | None = None
    resolution_summary: str | None = Field(None, min_length=1, max_length=4000)


class TicketRead(Schema):
    id: int
    subject: str
    kind: TicketKind
    channel: Channel
    status: TicketStatus
    priority: Priority
    language: Language
    queue: str
    sla_due_at: datetime | None
    customer_id: int
    product_id: int | None
    order_id: int | None
    owner_id: int | None
    tags: list[str]
    resolution_summary: str | None
    satisfaction: int | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class MessageCreate(Schema):
    body: str = Field(min_length=1, max_length=4000)
    internal: bool = False


class MessageRead(Schema):
    id: int
    ticket_id: int
    author_kind: AuthorKind
    author_user_id: int | None
    body: str
    internal: bool
    created_at: datetime


class TicketDetail(TicketRead):
    messages: list[MessageRead]


class ActionCreate(Schema):
    action: str = Field(
        pattern=r"^[a-z][a-z0-9_:]{1,63}$",
        description="A snake_case label such as refund_issued or escalated",
    )
    details: dict[str, Any] = Field(default_factory=dict)


class ActionRead(Schema):
    id: int
    ticket_id: int
    action: str
    details: dict[str, Any]
    user_id: int | None
    created_at: datetime


class Escalation(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class Transfer(Schema):
    to_user_id: int
    reason: str = Field(min_length=1, max_length=1000)


class SatisfactionCreate(Schema):
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=2000)


class FollowUpCreate(Schema):
    scheduled_for: datetime
    assigned_to_id: int | None = None
    note: str | None = Field(None, max_length=2000)


class FollowUpUpdate(Schema):
    status: FollowUpStatus | None = None
    outcome: str | None = Field(None, max_length=4000)
    satisfaction: int | None = Field(None, ge=1, le=5)
    scheduled_for: datetime | None = None
    assigned_to_id: int | None = None


class FollowUpRead(Schema):
    id: int
    ticket_id: int
    customer_id: int
    assigned_to_id: int | None
    scheduled_for: datetime
    status: FollowUpStatus
    note: str | None
    outcome: str | None
    satisfaction: int | None
    completed_at: datetime | None
    created_at: datetime


class TicketFilters(Schema):
    """Filters for the ticket list; every field narrows the result."""

    status: list[TicketStatus] | None = None
    kind: TicketKind | None = None
    priority: Priority | None = None
    queue: str | None = None
    channel: Channel | None = None
    owner_id: int | None = None
    customer_id: int | None = None
    product_id: int | None = None
    order_id: int | None = None
    language: Language | None = None
    overdue: bool | None = None
    q: str | None = None


class FollowUpFilters(Schema):
    """Filters for the follow-up list."""

    status: FollowUpStatus | None = None
    assigned_to_id: int | None = None
    customer_id: int | None = None
    ticket_id: int | None = None
    due_before: datetime | None = None
