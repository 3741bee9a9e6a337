"""Account, token and API key schemas."""

from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr, Field

from kcrm.auth.models import Role
from kcrm.core.schemas import Schema


class UserBase(Schema):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=200)
    role: Role
    customer_id: int | None = None
    language: str = Field("zh", pattern="^(zh|en)$")


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=128)


class UserUpdate(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=200)
    role: Role | None = None
    customer_id: int | None = None
    language: str | None = Field(None, pattern="^(zh|en)$")
    is_active: bool | None = None
    password: str | None = Field(None, min_length=8, max_length=128)


class UserRead(UserBase):
    id: int
    is_active: bool
    created_at: datetime


class Token(Schema):
    access_token: str
    token_type: str = "bearer"
    role: Role
    expires_in: int


class ApiKeyCreate(Schema):
    name: str = Field(min_length=1, max_length=120)
    role: Role = Role.agent


class ApiKeyRead(Schema):
    id: int
    name: str
    prefix: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="Shown once; only its digest is stored")
