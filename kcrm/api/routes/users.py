"""Users, roles and API keys (admin only)."""

from __future__ import annotations

from fastapi import APIRouter

from kcrm.api.deps import AdminUser, ObjectId, PageDep, SessionDep
from kcrm.auth import service as auth_service
from kcrm.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from kcrm.core.pagination import Page

router = APIRouter(tags=["users"])


@router.get("/users", response_model=Page[UserRead])
def list_users(session: SessionDep, _admin: AdminUser, page: PageDep) -> Page[UserRead]:
    """List user accounts."""
    items, total = auth_service.list(session, params=page)
    return Page(
        items=[UserRead.model_validate(u) for u in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(session: SessionDep, _admin: AdminUser, data: UserCreate) -> UserRead:
    """Create a staff or customer portal account."""
    return UserRead.model_validate(auth_service.create(session, data=data))


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(session: SessionDep, _admin: AdminUser, user_id: ObjectId) -> UserRead:
    """One user account."""
    return UserRead.model_validate(auth_service.get(session, user_id=user_id))


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    session: SessionDep, _admin: AdminUser, user_id: ObjectId, data: UserUpdate
) -> UserRead:
    """Change a user's name, role, binding, password or active flag."""
    user = auth_service.get(session, user_id=user_id)
    return UserRead.model_validate(auth_service.update(session, user=user, data=data))


@router.get("/api-keys", response_model=list[ApiKeyRead])
def list_api_keys(session: SessionDep, _admin: AdminUser) -> list[ApiKeyRead]:
    """List integration API keys (never the keys themselves)."""
    return [ApiKeyRead.model_validate(k) for k in auth_service.list_api_keys(session)]


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=201)
def create_api_key(session: SessionDep, admin: AdminUser, data: ApiKeyCreate) -> ApiKeyCreated:
    """Issue an API key for an integration; the key is shown only in this response."""
    api_key, key = auth_service.create_api_key(session, data=data, creator_id=admin.user_id)
    return ApiKeyCreated(**ApiKeyRead.model_validate(api_key).model_dump(), key=key)


@router.delete("/api-keys/{api_key_id}", response_model=ApiKeyRead)
def revoke_api_key(session: SessionDep, _admin: AdminUser, api_key_id: ObjectId) -> ApiKeyRead:
    """Revoke an API key."""
    return ApiKeyRead.model_validate(auth_service.revoke_api_key(session, api_key_id=api_key_id))
