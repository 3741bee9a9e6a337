"""The FastAPI application factory."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from kcrm import __version__, web
from kcrm.api.errors import install_error_handlers
from kcrm.api.middleware import BodySizeLimit
from kcrm.api.routes import ROUTERS
from kcrm.assist.actions import warm as warm_contexts
from kcrm.assist.generation import build_generator
from kcrm.config import Settings, get_settings
from kcrm.core.db import make_engine, make_session_factory
from kcrm.knowledge import sync as knowledge_sync
from kcrm.knowledge.engine import KnowledgeEngine, build_engine


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    knowledge: KnowledgeEngine | None = None,
) -> FastAPI:
    """Build the app; tests pass their own settings, session factory and knowledge engine."""
    settings = settings or get_settings()
    settings.require_real_secret()
    logging.basicConfig(level=logging.INFO)
    app = FastAPI(
        title="kcrm",
        version=__version__,
        description="Knowledge-assisted CRM: customers, orders, tickets, knowledge and assist.",
    )
    app.state.settings = settings
    if session_factory is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        session_factory = make_session_factory(make_engine(settings.db_url))
    app.state.session_factory = session_factory
    # One knowledge engine per app, built now so a bad embedder or index name fails at startup.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app.state.knowledge = knowledge or build_engine(settings)
    knowledge_sync.bind(app.state.knowledge, settings)
    warm_contexts.bind()
    # The reply generator (offline extractive or an LLM adapter), built once like the engine.
    app.state.generator = build_generator(settings, embedder=app.state.knowledge.embedder)
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
    )
    for router in ROUTERS:
        app.include_router(router)
    web.install(app)
    return app
