"""Factories for accounts and auth headers."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from kcrm.auth.models import Role, User
from kcrm.auth.security import create_access_token, hash_password

_seq = itertools.count(1)
_HASH = hash_password("correct-horse-battery")  # argon2 is slow; hash once per run
PASSWORD = "correct-horse-battery"


def make_user(session: Session, *, role: Role = Role.agent, **overrides: Any) -> User:
    """A persisted user with password PASSWORD."""
    n = next(_seq)
    values: dict[str, Any] = {
        "email": f"user{n}@kcrm-test.com",
        "full_name": f"Test User {n}",
        "role": role,
        "password_hash": _HASH,
    }
    values.update(overrides)
    user = User(**values)
    session.add(user)
    session.flush()
    return user


def auth_headers(user: User) -> dict[str, str]:
    """Bearer headers for this user, signed with the test secret."""
    from tests.conftest import TEST_SECRET

    token = create_access_token(
        subject=user.id, role=user.role.value, secret=TEST_SECRET, minutes=30
    )
    return {"Authorization": f"Bearer {token}"}
