"""Customers (people or companies), their contacts and the interactions with them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kcrm.core.db import Base, SoftDeleteMixin, TimestampMixin, utcnow
from kcrm.core.types import enum_column


class CustomerKind(enum.StrEnum):
    person = "person"
    company = "company"


class Language(enum.StrEnum):
    zh = "zh"
    en = "en"


class LifecycleStage(enum.StrEnum):
    lead = "lead"
    prospect = "prospect"
    customer = "customer"
    churned = "churned"


class ValueTier(enum.StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    vip = "vip"


class MemberTier(enum.StrEnum):
    standard = "standard"
    silver = "silver"
    gold = "gold"
    platinum = "platinum"


class CreditRating(enum.StrEnum):
    AAA = "AAA"
    AA = "AA"
    A = "A"
    BBB = "BBB"
    BB = "BB"
    B = "B"
    C = "C"


class Customer(TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "customers"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[CustomerKind] = mapped_column(
        enum_column(CustomerKind), default=CustomerKind.person
    )
    name: Mapped[str] = mapped_column(String(200), index=True)
    language: Mapped[Language] = mapped_column(enum_column(Language), default=Language.zh)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    segment: Mapped[str | None] = mapped_column(String(64))
    lifecycle_stage: Mapped[LifecycleStage] = mapped_column(
        enum_column(LifecycleStage), default=LifecycleStage.customer
    )
    value_tier: Mapped[ValueTier] = mapped_column(enum_column(ValueTier), default=ValueTier.medium)
    credit_rating: Mapped[CreditRating | None] = mapped_column(enum_column(CreditRating))
    member_points: Mapped[int] = mapped_column(default=0)
    member_tier: Mapped[MemberTier] = mapped_column(
        enum_column(MemberTier), default=MemberTier.standard
    )
    tags: Mapped[list[str]] = mapped_column(default=list)
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    # Open complaints suppress marketing; set by the assist rules, honoured by campaigns.
    marketing_hold: Mapped[bool] = mapped_column(default=False)


class Contact(TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "contacts"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    wechat_id: Mapped[str | None] = mapped_column(String(64))
    is_primary: Mapped[bool] = mapped_column(default=False)


class InteractionKind(enum.StrEnum):
    call = "call"
    email = "email"
    visit = "visit"
    chat = "chat"
    meeting = "meeting"
    sms = "sms"


class Direction(enum.StrEnum):
    inbound = "inbound"
    outbound = "outbound"


class Interaction(TimestampMixin, Base):
    __tablename__ = "interactions"
    __audited__ = True
    __table_args__ = (Index("ix_interactions_customer_occurred", "customer_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[InteractionKind] = mapped_column(enum_column(InteractionKind))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction), default=Direction.inbound)
    subject: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
