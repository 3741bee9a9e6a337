"""Dependency aliases used by every router."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from kcrm.api.cookies import SESSION_COOKIE, session_token
from kcrm.auth import repository as user_repository
from kcrm.auth import service as auth_service
from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.auth.security import decode_access_token
from kcrm.config import Settings
from kcrm.core.db import utcnow
from kcrm.core.errors import Forbidden, Unauthorized
from kcrm.core.pagination import PageParams
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ports import Generator

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False)


def get_settings_dep(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: commit on success, roll back on any error."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_knowledge(request: Request) -> KnowledgeEngine:
    """The app's one knowledge engine."""
    engine: KnowledgeEngine = request.app.state.knowledge
    return engine


def get_generator(request: Request) -> Generator:
    """The app's one reply generator."""
    generator: Generator = request.app.state.generator
    return generator


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
GeneratorDep = Annotated[Generator, Depends(get_generator)]
# scope="function": commit before the response is sent, so a client that got its 201 finds
# what it created on its next request (the default "request" scope commits afterwards).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
KnowledgeDep = Annotated[KnowledgeEngine, Depends(get_knowledge)]


def principal_from_token(session: Session, token: str, settings: Settings) -> Principal:
    """The active user behind a signed access token, or Unauthorized."""
    claims = decode_access_token(token, secret=settings.secret_key)
    user = user_repository.get_user(session, int(claims.get("sub", 0)))
    if user is None or not user.is_active:
        raise Unauthorized("Invalid or expired token")
    return Principal(
        role=user.role, user_id=user.id, customer_id=user.customer_id, name=user.full_name
    )


def get_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Security(oauth2_scheme)] = None,
    api_key: Annotated[str | None, Security(api_key_scheme)] = None,
) -> Principal:
    """Authenticate a bearer JWT, an X-API-Key header or the console's session cookie."""
    if not token and not api_key:
        token = session_token(request)
    if token:
        principal = principal_from_token(session, token, settings)
    elif api_key:
        key = auth_service.authenticate_api_key(session, key=api_key)
        key.last_used_at = utcnow()
        principal = Principal(role=key.role, api_key_id=key.id, name=key.name)
    else:
        raise Unauthorized()
    session.info["actor"] = principal.actor
    return principal


CurrentUser = Annotated[Principal, Depends(get_principal)]


def get_optional_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Security(oauth2_scheme)] = None,
    api_key: Annotated[str | None, Security(api_key_scheme)] = None,
) -> Principal | None:
    """The caller when credentials are sent (bad ones are still 401), None when anonymous."""
    if not token and not api_key and SESSION_COOKIE not in request.cookies:
        return None
    return get_principal(request, session, settings, token, api_key)


MaybeUser = Annotated[Principal | None, Depends(get_optional_principal)]


def _require(*roles: Role):  # type: ignore[no-untyped-def]
    def check(principal: CurrentUser) -> Principal:
        principal.require_role(*roles)
        return principal

    return check


def get_staff(principal: CurrentUser) -> Principal:
    """Any staff role or staff integration key."""
    if not principal.is_staff:
        raise Forbidden("staff only")
    return principal


def get_customer(principal: CurrentUser) -> Principal:
    """A customer portal account."""
    if principal.role != Role.customer or principal.customer_id is None:
        raise Forbidden("customer accounts only")
    return principal


StaffUser = Annotated[Principal, Depends(get_staff)]
CustomerUser = Annotated[Principal, Depends(get_customer)]
AgentUser = Annotated[Principal, Depends(_require(Role.agent))]
KnowledgeManager = Annotated[Principal, Depends(_require(Role.knowledge_manager))]
AdminUser = Annotated[Principal, Depends(_require())]


def page_params(
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    sort: Annotated[
        str | None, Query(max_length=64, description="Field name; prefix '-' for descending")
    ] = None,
) -> PageParams:
    """Pagination and sorting from the query string."""
    return PageParams(limit=limit, offset=offset, sort=sort)


PageDep = Annotated[PageParams, Depends(page_params)]
ObjectId = Annotated[int, Path(ge=1, le=2_147_483_647, description="A record id")]
