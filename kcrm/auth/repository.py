"""Queries for users and API keys."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kcrm.auth.models import ApiKey, User


def get_user(session: Session, user_id: int) -> User | None:
    """A user by id."""
    return session.get(User, user_id)


def get_user_by_email(session: Session, email: str) -> User | None:
    """A user by email, case-insensitively."""
    return session.scalar(select(User).where(User.email == email.lower()))


def list_users_query() -> Select[tuple[User]]:
    """The base query for listing users."""
    return select(User)


def get_api_key_by_digest(session: Session, digest: str) -> ApiKey | None:
    """A live (unrevoked) API key by its digest."""
    return session.scalar(
        select(ApiKey).where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None))
    )


def list_api_keys(session: Session) -> list[ApiKey]:
    """Every API key, newest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id.desc())))
