"""An audit row for every write to an audited table: who, what, when, before and after."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import get_history

from kcrm.core.db import Base, utcnow


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _column_keys(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _snapshot(obj: Any) -> dict[str, Any]:
    return {key: _jsonable(getattr(obj, key)) for key in _column_keys(obj)}


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _column_keys(obj):
        history = get_history(obj, key)
        if history.has_changes():
            before[key] = _jsonable(history.deleted[0]) if history.deleted else None
            after[key] = _jsonable(history.added[0]) if history.added else None
    return before, after


def _entity_id(obj: Any) -> str:
    return "/".join(str(v) for v in inspect(obj).mapper.primary_key_from_instance(obj))


def _row(session: Session, obj: Any, action: str, before: Any, after: Any) -> dict[str, Any]:
    return {
        "at": utcnow(),
        "actor": str(session.info.get("actor", "system")),
        "action": action,
        "entity": obj.__tablename__,
        "entity_id": _entity_id(obj),
        "before": before,
        "after": after,
    }


def _collect(session: Session) -> list[dict[str, Any]]:
    rows = []
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            rows.append(_row(session, obj, "create", None, _snapshot(obj)))
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            before, after = _changes(obj)
            if after:
                action = "delete" if after.get("deleted_at") else "update"
                rows.append(_row(session, obj, action, before, after))
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            rows.append(_row(session, obj, "delete", _snapshot(obj), None))
    return rows


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, _context: Any) -> None:
    # Histories are still intact in after_flush, and generated ids are known by now.
    if session.info.get("audit_disabled"):
        return
    rows = _collect(session)
    if rows:
        session.connection().execute(insert(AuditLog), rows)
