"""Large imports on SQLite: secondary indexes are rebuilt once instead of kept up row by row.

An index on a column with random order (an order's customer, a line's product, a customer's
name) costs SQLite a random B-tree insert per row, which was a third of its work per order;
building it again from the finished table is a sort, several times cheaper per row. So once
an import has written more rows than the table held when it began (and at least
`MIN_ROWS`), the indexes that the import itself never reads by are dropped, and recreated
from their own stored SQL before the import's savepoint ends. DDL is transactional in SQLite:
a failed import rolls the drop back with everything else, and other connections keep
reading the last committed snapshot, indexes included. PostgreSQL keeps every index as is.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import Session

from kcrm.crm.imports import repository

# Below this many rows keeping the indexes costs a tenth of a second: not worth the DDL.
MIN_ROWS = 10_000


class DeferredIndexes:
    """Which indexes an import may rebuild, and whether it has dropped them yet."""

    def __init__(self, session: Session, tables: tuple[Table, ...], read_by: frozenset[str]):
        self.session = session
        self.tables = tables
        self.read_by = read_by
        self.enabled = session.connection().dialect.name == "sqlite"
        self.threshold = MIN_ROWS
        if self.enabled:
            self.threshold = max(MIN_ROWS, repository.row_estimate(session, tables[0]))
        self.written = 0
        self.dropped: list[str] = []

    def wrote(self, rows: int) -> None:
        """Count rows written to the first table; drop the indexes once past the threshold."""
        self.written += rows
        if self.enabled and not self.dropped and self.written >= self.threshold:
            self.dropped = repository.drop_indexes(self.session, self._deferrable())
            self.enabled = False

    def restore(self) -> None:
        """Recreate what was dropped (before the import's savepoint is released)."""
        repository.create_indexes(self.session, self.dropped)
        self.dropped = []

    def _deferrable(self) -> list[str]:
        # Unique indexes enforce constraints and the import reads by its lookup columns.
        names = []
        for table in self.tables:
            for index in table.indexes:
                columns = list(index.columns)
                if index.unique or not columns or columns[0].name in self.read_by:
                    continue
                names.append(str(index.name))
        return names
