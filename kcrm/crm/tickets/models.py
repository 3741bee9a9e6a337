"""Tickets with their messages, typed action log and follow-up visits."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcrm.core.db import Base, SoftDeleteMixin, TimestampMixin, utcnow
from kcrm.core.types import enum_column
from kcrm.crm.customers.models import Language


class TicketKind(enum.StrEnum):
    inquiry = "inquiry"
    complaint = "complaint"
    service_request = "service_request"
    return_request = "return"


class Channel(enum.StrEnum):
    chat = "chat"
    email = "email"
    phone = "phone"
    web_form = "web_form"


class TicketStatus(enum.StrEnum):
    new = "new"
    open = "open"
    pending = "pending"
    resolved = "resolved"
    closed = "closed"
    reopened = "reopened"


class Priority(enum.StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class Ticket(TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "tickets"
    __audited__ = True
    __table_args__ = (
        Index("ix_tickets_customer_status", "customer_id", "status"),
        Index("ix_tickets_status_sla", "status", "sla_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    kind: Mapped[TicketKind] = mapped_column(enum_column(TicketKind))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.web_form)
    status: Mapped[TicketStatus] = mapped_column(
        enum_column(TicketStatus), default=TicketStatus.new
    )
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.normal)
    language: Mapped[Language] = mapped_column(enum_column(Language), default=Language.zh)
    queue: Mapped[str] = mapped_column(String(64), default="general")
    sla_due_at: Mapped[datetime | None]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    # 首问负责制: the first responder owns a complaint until it is closed.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    tags: Mapped[list[str]] = mapped_column(default=list)
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class AuthorKind(enum.StrEnum):
    customer = "customer"
    agent = "agent"
    system = "system"


class TicketMessage(Base):
    __tablename__ = "ticket_messages"
    __audited__ = True
    __table_args__ = (Index("ix_ticket_messages_ticket_created", "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    author_kind: Mapped[AuthorKind] = mapped_column(enum_column(AuthorKind))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    # Internal notes are for staff; customers never see them.
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketAction(Base):
    __tablename__ = "ticket_actions"
    __audited__ = True
    __table_args__ = (Index("ix_ticket_actions_ticket_created", "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUpStatus(enum.StrEnum):
    scheduled = "scheduled"
    done = "done"
    missed = "missed"
    cancelled = "cancelled"


class FollowUp(TimestampMixin, Base):
    """A 回访: a call-back after a complaint is resolved, with its outcome."""

    __tablename__ = "follow_ups"
    __audited__ = True
    __table_args__ = (Index("ix_follow_ups_status_scheduled", "status", "scheduled_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scheduled_for: Mapped[datetime]
    status: Mapped[FollowUpStatus] = mapped_column(
        enum_column(FollowUpStatus), default=FollowUpStatus.scheduled
    )
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None]
    completed_at: Mapped[datetime | None]
