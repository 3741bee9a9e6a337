"""User accounts (staff and customer portal) and integration API keys."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kcrm.core.db import Base, TimestampMixin
from kcrm.core.types import enum_column


class Role(enum.StrEnum):
    admin = "admin"
    agent = "agent"
    knowledge_manager = "knowledge_manager"
    customer = "customer"


STAFF_ROLES = frozenset({Role.admin, Role.agent, Role.knowledge_manager})


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # A customer portal account sees this customer's data and nothing else.
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    language: Mapped[str] = mapped_column(String(8), default="zh")

    @property
    def is_staff(self) -> bool:
        """Whether this account belongs to the company's own staff."""
        return self.role in STAFF_ROLES


class ApiKey(TimestampMixin, Base):
    __tablename__ = "api_keys"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
