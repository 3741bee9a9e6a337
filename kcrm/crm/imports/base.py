"""What every import kind provides to the engine: values, snapshots and writes for one table."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.crm.imports import repository
from kcrm.crm.imports.rows import Values
from kcrm.crm.imports.schemas import ImportReport

Numbered = list[tuple[int, Values]]


def table_of(model: Any) -> Table:
    """The Core table behind a mapped class."""
    return cast(Table, model.__table__)


class Importer:
    """A single-table kind keyed by external_id; subclasses name the table and columns."""

    table: ClassVar[Table]
    # Columns the import writes and compares; a row whose values all match is unchanged.
    columns: ClassVar[tuple[str, ...]]
    # Another unique column (SKU, order number) that must not be taken by a different record.
    unique: ClassVar[str | None] = None
    # Columns an insert must fill that the file does not carry.
    insert_defaults: ClassVar[dict[str, Any]] = {}
    # Tables the kind writes besides `table`, and the columns its own queries read rows by:
    # while a large import runs, other indexes may be rebuilt at the end (see bulk.py).
    also_writes: ClassVar[tuple[Table, ...]] = ()
    read_by: ClassVar[frozenset[str]] = frozenset({"external_id"})
    # Whether new ids are read back (order lines and the changed-product list need them).
    needs_ids: ClassVar[bool] = True

    def resolve(
        self, session: Session, rows: Numbered, report: ImportReport
    ) -> list[tuple[int, Values]]:
        """Turn valid rows into column values; unknown references become row errors."""
        return rows

    def snapshot(self, values: Values) -> tuple[Any, ...]:
        """What is compared to decide whether a row changed."""
        return tuple(values[name] for name in self.columns)

    def existing(self, session: Session, keys: list[str]) -> dict[str, tuple[int, tuple[Any, ...]]]:
        """external_id -> (id, snapshot) of the rows already stored."""
        found = repository.rows_by_external_id(session, self.table, self.columns, keys)
        return {row.external_id: (row.id, tuple(row)[2:]) for row in found}

    def insert(self, session: Session, rows: list[Values]) -> list[int]:
        """Write new rows; returns their ids when the kind needs them."""
        now = utcnow()
        keys = ("external_id", *self.columns)
        constants = {**self.insert_defaults, "created_at": now, "updated_at": now}
        if not self.needs_ids:
            repository.insert_many(session, self.table, rows, keys=keys, constants=constants)
            return []
        return repository.insert_rows(session, self.table, rows, keys=keys, constants=constants)

    def update(self, session: Session, rows: list[tuple[int, Values]]) -> None:
        """Overwrite changed rows."""
        now = utcnow()
        records = [{"_id": id_, **self._columns(v), "updated_at": now} for id_, v in rows]
        repository.update_rows(session, self.table, records)

    def _columns(self, values: Values) -> Values:
        return {name: values[name] for name in self.columns}
