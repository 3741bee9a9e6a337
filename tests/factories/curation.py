"""Factories for curation: knowledge gaps (a kcrm/assist table) and article usage."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, Text, inspect
from sqlalchemy.orm import Session

from kcrm.core.db import utcnow

# The gap table's shape as kcrm/assist records it; created here only where it is not yet
# part of the metadata (inside the test transaction, so it rolls back with the test).
_shape = Table(
    "knowledge_gaps",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("question", Text),
    Column("language", String(8)),
    Column("source", String(32)),
    Column("ref", String(64)),
    Column("matches", JSON),
    Column("created_at", DateTime(timezone=True)),
)


def make_gap(
    session: Session,
    question: str,
    *,
    language: str = "en",
    source: str = "chat",
    created_at: datetime | None = None,
    **extra: Any,
) -> int:
    """Insert one knowledge gap and return its id."""
    if not inspect(session.connection()).has_table("knowledge_gaps"):
        _shape.create(session.connection())
    values = {
        "question": question,
        "language": language,
        "source": source,
        "ref": extra.get("ref"),
        "matches": extra.get("matches", []),
        "created_at": created_at or utcnow(),
    }
    result = session.execute(_shape.insert().values(**values))
    session.flush()
    return int(result.inserted_primary_key[0])  # type: ignore[index]
