"""Every import query: bulk lookups in chunks and Core executemany writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Row, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from kcrm.core.audit import AuditLog
from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Customer
from kcrm.crm.orders.models import OrderLine

T = TypeVar("T")
# Well under SQLite's bound-parameter limit, and small enough for PostgreSQL plans.
CHUNK = 900


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    chunk: list[T] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rows_by_external_id(
    session: Session, table: Table, columns: Sequence[str], keys: Iterable[str]
) -> list[Row[Any]]:
    """Rows (id, external_id, *columns) of `table` whose external_id is in `keys`."""
    selected = [table.c.id, table.c.external_id, *(table.c[name] for name in columns)]
    found: list[Row[Any]] = []
    for chunk in _chunks(set(keys)):
        found.extend(session.execute(select(*selected).where(table.c.external_id.in_(chunk))))
    return found


def holders(session: Session, table: Table, column: str, values: Iterable[str]) -> dict[str, Any]:
    """For a unique column, which external_id already holds each value."""
    result: dict[str, Any] = {}
    for chunk in _chunks(set(values)):
        statement = select(table.c[column], table.c.external_id).where(table.c[column].in_(chunk))
        result.update(dict(session.execute(statement).all()))
    return result


def customer_ids(session: Session, external_ids: Iterable[str]) -> dict[str, int]:
    """Customer ids by external id (soft-deleted customers too: ERP history refers to them)."""
    result: dict[str, int] = {}
    for chunk in _chunks(set(external_ids)):
        statement = select(Customer.external_id, Customer.id).where(Customer.external_id.in_(chunk))
        result.update({ext: id_ for ext, id_ in session.execute(statement) if ext})
    return result


def product_ids(session: Session, skus: Iterable[str]) -> dict[str, int]:
    """Product ids by SKU."""
    result: dict[str, int] = {}
    for chunk in _chunks(set(skus)):
        statement = select(Product.sku, Product.id).where(Product.sku.in_(chunk))
        result.update(dict(session.execute(statement).all()))
    return result


def order_lines(session: Session, order_ids: Iterable[int]) -> list[Row[Any]]:
    """(order_id, product_id, sku, quantity, unit_price) of these orders, in line order."""
    found: list[Row[Any]] = []
    for chunk in _chunks(set(order_ids)):
        statement = (
            select(
                OrderLine.order_id,
                OrderLine.product_id,
                OrderLine.sku,
                OrderLine.quantity,
                OrderLine.unit_price,
            )
            .where(OrderLine.order_id.in_(chunk))
            .order_by(OrderLine.order_id, OrderLine.id)
        )
        found.extend(session.execute(statement))
    return found


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert many rows in one executemany; the new ids come back in row order."""
    if not rows:
        return []
    keys = [r["external_id"] for r in rows]
    if session.connection().dialect.name == "sqlite":
        # SQLite gives new rows max(rowid)+1, +2, ... and this transaction holds the only
        # write lock, so the ids are known without reading them back (checked at both ends).
        start = int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
        insert_many(session, table, rows)
        both_ends = rows_by_external_id(session, table, (), [keys[0], keys[-1]])
        ends = {row.id: row.external_id for row in both_ends}
        if ends == {start: keys[0], start + len(rows) - 1: keys[-1]}:
            return list(range(start, start + len(rows)))
    else:
        insert_many(session, table, rows)
    found = {row.external_id: row.id for row in rows_by_external_id(session, table, (), keys)}
    return [found[key] for key in keys]


def insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows (each naming every column to fill) without reading anything back."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    order = compiled.positiontup
    if dialect.name != "sqlite" or order is None or set(order) != set(rows[0]):
        session.execute(insert(table), rows)  # insertmanyvalues is already fast elsewhere
        return
    # SQLAlchemy's per-row parameter handling costs more than SQLite's own insert; apply
    # the same column bind processors once per value and hand tuples to executemany.
    processors = [table.c[key].type.bind_processor(dialect) for key in order]
    pairs = list(zip(order, processors, strict=True))
    params = [
        tuple(row[key] if proc is None else proc(row[key]) for key, proc in pairs) for row in rows
    ]
    connection.exec_driver_sql(str(compiled), params)


def update_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Update many rows by id; each dict holds `_id` and the columns to set."""
    if rows:
        statement = update(table).where(table.c.id == bindparam("_id"))
        session.execute(statement, rows)


def delete_order_lines(session: Session, order_ids: Iterable[int]) -> None:
    """Remove the lines of these orders (before writing their new lines)."""
    for chunk in _chunks(set(order_ids)):
        session.execute(delete(OrderLine).where(OrderLine.order_id.in_(chunk)))


def write_audit(session: Session, row: dict[str, Any]) -> None:
    """One audit row for a whole import."""
    session.execute(insert(AuditLog), [row])
