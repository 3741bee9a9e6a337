"""Login (OAuth2 password flow) and the caller's own account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from kcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from kcrm.auth import service as auth_service
from kcrm.auth.schemas import Token, UserRead
from kcrm.auth.security import create_access_token
from kcrm.core.errors import NotFound

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=Token)
def login(
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """Exchange email and password for a bearer token."""
    user = auth_service.authenticate(session, email=form.username, password=form.password)
    token = create_access_token(
        subject=user.id,
        role=user.role.value,
        secret=settings.secret_key,
        minutes=settings.access_token_minutes,
    )
    return Token(access_token=token, role=user.role, expires_in=settings.access_token_minutes * 60)


@router.get("/me", response_model=UserRead)
def me(session: SessionDep, principal: CurrentUser) -> UserRead:
    """The account behind the current token."""
    if principal.user_id is None:
        raise NotFound("API keys have no user account")
    return UserRead.model_validate(auth_service.get(session, user_id=principal.user_id))
