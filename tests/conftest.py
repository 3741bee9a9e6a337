"""Shared fixtures: a real database (SQLite file or PostgreSQL), rollback per test, an API client.

Set KCRM_TEST_DATABASE_URL to a PostgreSQL URL to run the suite there; each run gets its
own throw-away database so parallel runs never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import kcrm.models  # noqa: F401
from kcrm.api.app import create_app
from kcrm.api.deps import get_session
from kcrm.config import Environment, Settings
from kcrm.core.db import Base, make_engine

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _postgres_database(url: str) -> Iterator[str]:
    base = make_url(url)
    name = f"kcrm_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this test run."""
    url = os.environ.get("KCRM_TEST_DATABASE_URL")
    if url:
        yield from _postgres_database(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'kcrm-test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The engine with every table created; `tests/test_migrations.py` proves no drift."""
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    session.info["actor"] = "test"
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for a test app: a private data dir and a real (non-placeholder) secret."""
    return Settings(
        env=Environment.test,
        data_dir=tmp_path / "var",
        database_url=database_url,
        secret_key=TEST_SECRET,
        # A deterministic embedder and an in-memory vector index keep app tests fast.
        embedder="fake",
        vector_index="memory",
    )


@pytest.fixture
def app(settings: Settings, session: Session) -> FastAPI:
    """The app, its requests sharing the test's rolled-back session."""

    # Work the app runs in a unit of its own (a streamed chat reply, an import job) gets a
    # session of its own on the test's connection: it sees the setup, the rollback undoes it.
    factory = sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", info={"actor": "test"}
    )
    app = create_app(settings, session_factory=factory)

    def _session() -> Iterator[Session]:
        # Setup data is released from its savepoint first, so a failing request rolls back
        # only its own work, as it would against a real database.
        session.commit()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    app.dependency_overrides[get_session] = _session
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client for the test app; server errors come back as 500 responses."""
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
