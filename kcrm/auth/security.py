"""Password hashing (argon2), JWT access tokens and API key digests."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from kcrm.core.db import utcnow
from kcrm.core.errors import Unauthorized

_hasher = PasswordHasher()
ALGORITHM = "HS256"
API_KEY_PREFIX = "kcrm_"


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Check a password against its argon2 hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def create_access_token(*, subject: int, role: str, secret: str, minutes: int) -> str:
    """Issue a signed JWT for a user id and role."""
    now = utcnow()
    payload = {
        "sub": str(subject),
        "role": role,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, *, secret: str) -> dict[str, Any]:
    """Verify a JWT and return its claims, or raise Unauthorized."""
    try:
        claims: dict[str, Any] = jwt.decode(token, secret, algorithms=[ALGORITHM])
    except jwt.PyJWTError as exc:
        raise Unauthorized("Invalid or expired token") from exc
    return claims


def new_api_key() -> str:
    """A fresh random API key; only its digest is stored."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def api_key_digest(key: str) -> str:
    """The SHA-256 digest under which an API key is stored (keys are high-entropy)."""
    return hashlib.sha256(key.encode()).hexdigest()
