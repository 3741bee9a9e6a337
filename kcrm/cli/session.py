"""The unit of work the CLI commands run in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from kcrm.config import get_settings
from kcrm.core.db import make_engine, make_session_factory, unit_of_work


@contextmanager
def cli_session(actor: str = "cli") -> Iterator[Session]:
    """A committed-or-rolled-back session on the configured database."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.db_url)
    try:
        with unit_of_work(make_session_factory(engine), actor=actor) as session:
            yield session
    finally:
        engine.dispose()
