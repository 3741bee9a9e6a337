"""Use cases for accounts: create, update, authenticate, API keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.auth import repository
from kcrm.auth.models import ApiKey, Role, User
from kcrm.auth.schemas import ApiKeyCreate, UserCreate, UserUpdate
from kcrm.auth.security import (
    api_key_digest,
    hash_password,
    new_api_key,
    verify_password,
)
from kcrm.core.db import utcnow
from kcrm.core.errors import BadRequest, Conflict, NotFound, Unauthorized
from kcrm.core.pagination import PageParams, paginate


def _check_binding(session: Session, role: Role, customer_id: int | None) -> None:
    from kcrm.crm.customers.models import Customer

    if role == Role.customer:
        if customer_id is None:
            raise BadRequest("a customer portal account must be bound to a customer_id")
        if session.get(Customer, customer_id) is None:
            raise NotFound(f"customer {customer_id} not found")
    elif customer_id is not None:
        raise BadRequest("only customer portal accounts can be bound to a customer")


def get(session: Session, *, user_id: int) -> User:
    """A user by id, or NotFound."""
    user = repository.get_user(session, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def list(session: Session, *, params: PageParams) -> tuple[Sequence[User], int]:  # noqa: A001
    """A page of users."""
    allowed = {"id": User.id, "email": User.email, "role": User.role, "created_at": User.created_at}
    return paginate(session, repository.list_users_query(), params, allowed)


def create(session: Session, *, data: UserCreate) -> User:
    """Create an account; emails are unique."""
    email = data.email.lower()
    if repository.get_user_by_email(session, email):
        raise Conflict(f"a user with email {email} already exists")
    _check_binding(session, data.role, data.customer_id)
    user = User(
        email=email,
        full_name=data.full_name,
        role=data.role,
        customer_id=data.customer_id,
        language=data.language,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    return user


def update(session: Session, *, user: User, data: UserUpdate) -> User:
    """Change an account's fields; a new password is re-hashed."""
    values = data.model_dump(exclude_unset=True)
    password = values.pop("password", None)
    role = values.get("role", user.role)
    customer_id = values.get("customer_id", user.customer_id)
    _check_binding(session, role, customer_id)
    for key, value in values.items():
        setattr(user, key, value)
    if password:
        user.password_hash = hash_password(password)
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str) -> User:
    """The active user with these credentials, or Unauthorized."""
    user = repository.get_user_by_email(session, email)
    if user is None or not verify_password(password, user.password_hash):
        raise Unauthorized("Incorrect email or password")
    if not user.is_active:
        raise Unauthorized("This account is disabled")
    return user


def list_api_keys(session: Session) -> Sequence[ApiKey]:
    """Every API key, newest first."""
    return repository.list_api_keys(session)


def create_api_key(
    session: Session, *, data: ApiKeyCreate, creator_id: int | None
) -> tuple[ApiKey, str]:
    """Issue an API key; the plain key is returned once and never stored."""
    if data.role == Role.customer:
        raise BadRequest("API keys are for integrations; customer keys are not allowed")
    key = new_api_key()
    api_key = ApiKey(
        name=data.name,
        prefix=key[:12],
        key_hash=api_key_digest(key),
        role=data.role,
        created_by_id=creator_id,
    )
    session.add(api_key)
    session.flush()
    return api_key, key


def revoke_api_key(session: Session, *, api_key_id: int) -> ApiKey:
    """Revoke an API key so it no longer authenticates."""
    api_key = session.get(ApiKey, api_key_id)
    if api_key is None:
        raise NotFound(f"API key {api_key_id} not found")
    api_key.revoked_at = api_key.revoked_at or utcnow()
    session.flush()
    return api_key


def authenticate_api_key(session: Session, *, key: str) -> ApiKey:
    """The live API key matching this secret, or Unauthorized."""
    api_key = repository.get_api_key_by_digest(session, api_key_digest(key))
    if api_key is None:
        raise Unauthorized("Invalid API key")
    return api_key
