"""Every import query: bulk lookups (one JSON parameter on SQLite) and executemany writes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    Column,
    ColumnElement,
    Dialect,
    Row,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import QueryableAttribute, Session

from kcrm.core.audit import AuditLog
from kcrm.core.db import UTCDateTime
from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Customer
from kcrm.crm.orders.models import OrderLine

T = TypeVar("T")
_Column = ColumnElement[Any] | QueryableAttribute[Any]
# Well under SQLite's bound-parameter limit, and small enough for PostgreSQL plans.
CHUNK = 900


# SQLite's default page cache is 2 MB; a million-row import walks indexes far larger.
IMPORT_CACHE_KIB = 256 * 1024


@contextmanager
def import_cache(session: Session) -> Iterator[None]:
    """On SQLite, a larger page cache for this connection while the import runs."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def _chunks(session: Session, values: Iterable[T]) -> Iterator[list[T]]:
    # SQLite takes the keys as one JSON parameter (see _in), so needs no chunks.
    size = 1 << 30 if session.get_bind().dialect.name == "sqlite" else CHUNK
    chunk: list[T] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in(session: Session, column: _Column, keys: list[Any]) -> ColumnElement[bool]:
    """`column IN keys`; on SQLite one JSON parameter, since SQLAlchemy's expansion of a
    900-value IN costs several times the lookup itself."""
    if session.get_bind().dialect.name != "sqlite":
        return column.in_(keys)
    values = func.json_each(json.dumps(keys)).table_valued("value")
    return column.in_(select(values.c.value))


def rows_by_external_id(
    session: Session, table: Table, columns: Sequence[str], keys: Iterable[str]
) -> list[Row[Any]]:
    """Rows (id, external_id, *columns) of `table` whose external_id is in `keys`."""
    selected = [table.c.id, table.c.external_id, *(table.c[name] for name in columns)]
    found: list[Row[Any]] = []
    for chunk in _chunks(session, set(keys)):
        statement = select(*selected).where(_in(session, table.c.external_id, chunk))
        found.extend(session.execute(statement))
    return found


def holders(session: Session, table: Table, column: str, values: Iterable[str]) -> dict[str, Any]:
    """For a unique column, which external_id already holds each value."""
    result: dict[str, Any] = {}
    for chunk in _chunks(session, set(values)):
        statement = select(table.c[column], table.c.external_id).where(
            _in(session, table.c[column], chunk)
        )
        result.update(dict(session.execute(statement).all()))
    return result


def customer_ids(session: Session, external_ids: Iterable[str]) -> dict[str, int]:
    """Customer ids by external id (soft-deleted customers too: ERP history refers to them)."""
    result: dict[str, int] = {}
    for chunk in _chunks(session, set(external_ids)):
        statement = select(Customer.external_id, Customer.id).where(
            _in(session, Customer.external_id, chunk)
        )
        result.update({ext: id_ for ext, id_ in session.execute(statement) if ext})
    return result


def product_ids(session: Session, skus: Iterable[str]) -> dict[str, int]:
    """Product ids by SKU."""
    result: dict[str, int] = {}
    for chunk in _chunks(session, set(skus)):
        statement = select(Product.sku, Product.id).where(_in(session, Product.sku, chunk))
        result.update(dict(session.execute(statement).all()))
    return result


def order_lines(session: Session, order_ids: Iterable[int]) -> list[Row[Any]]:
    """(order_id, product_id, sku, quantity, unit_price) of these orders, in line order."""
    found: list[Row[Any]] = []
    for chunk in _chunks(session, set(order_ids)):
        statement = (
            select(
                OrderLine.order_id,
                OrderLine.product_id,
                OrderLine.sku,
                OrderLine.quantity,
                OrderLine.unit_price,
            )
            .where(_in(session, OrderLine.order_id, chunk))
            .order_by(OrderLine.order_id, OrderLine.id)
        )
        found.extend(session.execute(statement))
    return found


def insert_rows(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    keys: Sequence[str],
    constants: dict[str, Any],
) -> list[int]:
    """Insert many rows in one executemany; the new ids come back in row order."""
    if not rows:
        return []
    ids = [r["external_id"] for r in rows]
    if session.connection().dialect.name == "sqlite":
        # SQLite gives new rows max(rowid)+1, +2, ... and this transaction holds the only
        # write lock, so the ids are known without reading them back (checked at both ends).
        start = int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
        insert_many(session, table, rows, keys=keys, constants=constants)
        both_ends = rows_by_external_id(session, table, (), [ids[0], ids[-1]])
        ends = {row.id: row.external_id for row in both_ends}
        if ends == {start: ids[0], start + len(rows) - 1: ids[-1]}:
            return list(range(start, start + len(rows)))
    else:
        insert_many(session, table, rows, keys=keys, constants=constants)
    found = {row.external_id: row.id for row in rows_by_external_id(session, table, (), ids)}
    return [found[key] for key in ids]


def insert_many(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    keys: Sequence[str] | None = None,
    constants: dict[str, Any] | None = None,
) -> None:
    """Insert many rows: `keys` of each row (all of them by default) plus `constants`."""
    if not rows:
        return
    keys = list(rows[0]) if keys is None else list(keys)
    constants = constants or {}
    connection = session.connection()
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=[*keys, *constants])
    order = compiled.positiontup
    if dialect.name != "sqlite" or order is None or set(order) != {*keys, *constants}:
        # insertmanyvalues is already fast elsewhere
        session.execute(insert(table), [{k: r[k] for k in keys} | constants for r in rows])
        return
    # SQLAlchemy's per-row parameter handling costs more than SQLite's own insert: encode
    # column by column with the dialect's own bind processors and hand tuples to executemany.
    columns = []
    for key in order:
        encode = _sqlite_encoder(table.c[key], dialect) or _same
        if key in constants:
            columns.append([encode(constants[key])] * len(rows))
        else:
            values = [r[key] for r in rows]
            columns.append(values if encode is _same else list(map(encode, values)))
    connection.exec_driver_sql(str(compiled), list(zip(*columns, strict=True)))


def _same(value: Any) -> Any:
    return value


def _sqlite_encoder(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    if isinstance(column.type, UTCDateTime):
        return _sqlite_datetime
    return column.type.dialect_impl(dialect).bind_processor(dialect)


_STORED = "%04d-%02d-%02d %02d:%02d:%02d.%06d"  # SQLAlchemy's SQLite DATETIME storage format


def _sqlite_datetime(value: datetime | None) -> str | None:
    # The string SQLAlchemy itself stores on SQLite (UTC, microseconds), so imported and
    # ORM-written rows sort and compare alike; a quicker route than its per-value formatting.
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    v = value
    return _STORED % (v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)


def update_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Update many rows by id; each dict holds `_id` and the columns to set."""
    if rows:
        statement = update(table).where(table.c.id == bindparam("_id"))
        session.execute(statement, rows)


def delete_order_lines(session: Session, order_ids: Iterable[int]) -> None:
    """Remove the lines of these orders (before writing their new lines)."""
    for chunk in _chunks(session, set(order_ids)):
        session.execute(delete(OrderLine).where(_in(session, OrderLine.order_id, chunk)))


def write_audit(session: Session, row: dict[str, Any]) -> None:
    """One audit row for a whole import."""
    session.execute(insert(AuditLog), [row])
