"""Customer, contact, interaction, timeline and customer-360 schemas."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator

from kcrm.core.schemas import Schema
from kcrm.crm.customers.models import (
    CreditRating,
    CustomerKind,
    Direction,
    InteractionKind,
    Language,
    LifecycleStage,
    MemberTier,
    ValueTier,
)
from kcrm.crm.orders.models import OrderStatus
from kcrm.crm.tickets.models import Priority, TicketKind, TicketStatus

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9() \-]{3,40}$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


def _refuse_null(value: Any, field: str) -> Any:
    # PATCH bodies may omit a field, but may not blank a field the table requires.
    if value is None:
        raise ValueError(f"{field} cannot be null")
    return value


class CustomerBase(Schema):
    external_id: str | None = Field(None, min_length=1, max_length=64)
    kind: CustomerKind = CustomerKind.person
    name: str = Field(min_length=1, max_length=200)
    language: Language = Language.zh
    email: EmailStr | None = Field(None, max_length=254)
    phone: Phone | None = None
    segment: str | None = Field(None, max_length=64)
    lifecycle_stage: LifecycleStage = LifecycleStage.customer
    value_tier: ValueTier = ValueTier.medium
    credit_rating: CreditRating | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    city: str | None = Field(None, max_length=100)
    country: Country | None = None
    marketing_hold: bool = False


class CustomerCreate(CustomerBase):
    member_points: int = Field(0, ge=0, le=1_000_000_000)


class CustomerUpdate(Schema):
    """Every field optional; member points change only through the points endpoint."""

    external_id: str | None = Field(None, min_length=1, max_length=64)
    kind: CustomerKind | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    language: Language | None = None
    email: EmailStr | None = Field(None, max_length=254)
    phone: Phone | None = None
    segment: str | None = Field(None, max_length=64)
    lifecycle_stage: LifecycleStage | None = None
    value_tier: ValueTier | None = None
    credit_rating: CreditRating | None = None
    tags: list[Tag] | None = Field(None, max_length=50)
    city: str | None = Field(None, max_length=100)
    country: Country | None = None
    marketing_hold: bool | None = None

    @field_validator(
        "kind", "name", "language", "lifecycle_stage", "value_tier", "tags", "marketing_hold"
    )
    @classmethod
    def _required_not_null(cls, value: Any, info: Any) -> Any:
        return _refuse_null(value, info.field_name)


class CustomerRead(Schema):
    """The full staff view of a customer."""

    id: int
    external_id: str | None
    kind: CustomerKind
    name: str
    language: Language
    email: str | None
    phone: str | None
    segment: str | None
    lifecycle_stage: LifecycleStage
    value_tier: ValueTier
    credit_rating: CreditRating | None
    member_points: int
    member_tier: MemberTier
    tags: list[str]
    city: str | None
    country: str | None
    marketing_hold: bool
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class CustomerPortalRead(Schema):
    """What a customer's own portal account sees: no internal ratings or flags."""

    id: int
    kind: CustomerKind
    name: str
    language: Language
    email: str | None
    phone: str | None
    member_points: int
    member_tier: MemberTier
    city: str | None
    country: str | None
    created_at: datetime


class CustomerFilter(BaseModel):
    """List filters from the query string (other query parameters are ignored here)."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(
        None, min_length=1, max_length=200, description="Substring of name, email, phone or ERP id"
    )
    kind: CustomerKind | None = None
    lifecycle_stage: LifecycleStage | None = None
    value_tier: ValueTier | None = None
    member_tier: MemberTier | None = None
    credit_rating: CreditRating | None = None
    segment: str | None = Field(None, max_length=64)
    language: Language | None = None
    tag: str | None = Field(None, min_length=1, max_length=64)
    include_deleted: bool = Field(False, description="Admins only: also list soft-deleted rows")


class PointsAdjust(Schema):
    delta: int = Field(ge=-1_000_000_000, le=1_000_000_000, description="Points to add (or remove)")
    reason: str = Field(min_length=1, max_length=200)

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("delta must not be zero")
        return value


class PointsResult(Schema):
    customer_id: int
    delta: int
    reason: str
    member_points: int
    member_tier: MemberTier


class ContactCreate(Schema):
    name: str = Field(min_length=1, max_length=200)
    title: str | None = Field(None, max_length=120)
    phone: Phone | None = None
    email: EmailStr | None = Field(None, max_length=254)
    wechat_id: str | None = Field(None, min_length=1, max_length=64)
    is_primary: bool = False


class ContactUpdate(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    title: str | None = Field(None, max_length=120)
    phone: Phone | None = None
    email: EmailStr | None = Field(None, max_length=254)
    wechat_id: str | None = Field(None, min_length=1, max_length=64)
    is_primary: bool | None = None

    @field_validator("name", "is_primary")
    @classmethod
    def _required_not_null(cls, value: Any, info: Any) -> Any:
        return _refuse_null(value, info.field_name)


class ContactRead(Schema):
    id: int
    customer_id: int
    name: str
    title: str | None
    phone: str | None
    email: str | None
    wechat_id: str | None
    is_primary: bool
    created_at: datetime
    updated_at: datetime


class InteractionCreate(Schema):
    kind: InteractionKind
    direction: Direction = Direction.inbound
    subject: str = Field(min_length=1, max_length=300)
    summary: str | None = Field(None, max_length=20_000)
    occurred_at: datetime | None = Field(None, description="Defaults to now")
    contact_id: int | None = None


class InteractionRead(Schema):
    id: int
    customer_id: int
    contact_id: int | None
    user_id: int | None
    kind: InteractionKind
    direction: Direction
    subject: str
    summary: str | None
    occurred_at: datetime
    created_at: datetime


class TimelineKind(enum.StrEnum):
    interaction = "interaction"
    order = "order"
    ticket = "ticket"


class TimelineItem(Schema):
    """One event in a customer's history; `category` is the interaction, ticket or order kind."""

    kind: TimelineKind
    id: int
    at: datetime
    title: str
    status: str | None
    category: str | None


class TicketSummary(Schema):
    """An open ticket as its own customer sees it."""

    id: int
    subject: str
    kind: TicketKind
    status: TicketStatus
    priority: Priority
    created_at: datetime


class OpenTicket(TicketSummary):
    """An open ticket as staff see it: who owns it and when its SLA falls due."""

    owner_id: int | None
    sla_due_at: datetime | None


class RecentOrder(Schema):
    id: int
    number: str
    status: OrderStatus
    total: Decimal
    currency: str
    placed_at: datetime
    carrier: str | None
    tracking_number: str | None


class Customer360Counts(Schema):
    orders: int
    tickets: int
    open_tickets: int
    open_complaints: int


class Customer360(Schema):
    """Everything an agent needs about one customer, in one call."""

    customer: CustomerRead
    member_points: int
    member_tier: MemberTier
    credit_rating: CreditRating | None
    contacts: list[ContactRead]
    open_tickets: list[OpenTicket]
    recent_orders: list[RecentOrder]
    counts: Customer360Counts
    timeline: list[TimelineItem]


class CustomerPortal360(Schema):
    """The portal's own-customer overview: no internal fields, no staff interaction notes."""

    customer: CustomerPortalRead
    member_points: int
    member_tier: MemberTier
    contacts: list[ContactRead]
    open_tickets: list[TicketSummary]
    recent_orders: list[RecentOrder]
    counts: Customer360Counts
    timeline: list[TimelineItem]
