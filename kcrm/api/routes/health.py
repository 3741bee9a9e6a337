"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from kcrm import __version__
from kcrm.api.deps import SessionDep
from kcrm.core.schemas import Schema

router = APIRouter(tags=["health"])


class Health(Schema):
    status: str
    version: str
    database: str


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    """Report that the service is up and its database answers."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=__version__, database=session.get_bind().dialect.name)
