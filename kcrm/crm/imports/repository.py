"""Every import query: bulk lookups (one JSON parameter on SQLite) and executemany writes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Dialect,
    Enum,
    Row,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
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


def row_estimate(session: Session, table: Table) -> int:
    """The table's highest id: its row count or more, read from the end of one index."""
    return int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)


def drop_indexes(session: Session, names: Iterable[str]) -> list[str]:
    """SQLite: drop these indexes where they exist; returns the statements that made them."""
    statements = []
    for name in names:
        sql = session.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"),
            {"name": name},
        ).scalar()
        if sql:
            session.connection().exec_driver_sql(f'DROP INDEX "{name}"')
            statements.append(str(sql))
    return statements


def create_indexes(session: Session, statements: Iterable[str]) -> None:
    """Run CREATE INDEX statements read back by drop_indexes."""
    for sql in statements:
        session.connection().exec_driver_sql(sql)


def _chunks(session: Session, values: Iterable[T]) -> Iterator[list[T]]:
    # SQLite takes the keys as one JSON parameter (see _in), so needs no chunks.
    items = list(values)
    size = max(len(items), 1) if session.get_bind().dialect.name == "sqlite" else CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
    """Insert rows (`keys` of each plus `constants`); the new ids come back in row order."""
    if not rows:
        return []
    if session.connection().dialect.name == "sqlite":
        ids = _next_ids(session, table, len(rows))
        insert_many(session, table, rows, keys=keys, constants=constants, ids=ids)
        return ids
    insert_many(session, table, rows, keys=keys, constants=constants)
    external_ids = [r["external_id"] for r in rows]
    stored = rows_by_external_id(session, table, (), external_ids)
    found = {row.external_id: row.id for row in stored}
    return [found[key] for key in external_ids]


def insert_encoded(
    session: Session, table: Table, columns: dict[str, list[Any]], constants: dict[str, Any]
) -> list[int]:
    """SQLite: insert rows of columns already encoded by `sqlite_encode`; returns their ids."""
    count = len(next(iter(columns.values()), []))
    ids = _next_ids(session, table, count)
    if count:
        insert_columns(session, table, {"id": ids, **columns}, constants, encoded=True)
    return ids


def _next_ids(session: Session, table: Table, count: int) -> list[int]:
    # SQLite: this transaction holds the only write lock, so every id past the highest is
    # free: the ids are given, not read back, and a clash would fail rather than mislabel.
    start = row_estimate(session, table) + 1
    return list(range(start, start + count))


def insert_many(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    keys: Sequence[str],
    constants: dict[str, Any],
    ids: list[int] | None = None,
) -> None:
    """Insert `keys` of each row plus `constants` (and the given ids)."""
    if not rows:
        return
    columns = {} if ids is None else {"id": ids}
    if len(keys) == 1:
        columns[keys[0]] = [r[keys[0]] for r in rows]
    else:  # rows to tuples and tuples to columns in C: a comprehension per column cost more
        values = zip(*map(itemgetter(*keys), rows), strict=True)
        columns.update(zip(keys, map(list, values), strict=True))
    insert_columns(session, table, columns, constants)


def insert_columns(
    session: Session,
    table: Table,
    columns: dict[str, list[Any]],
    constants: dict[str, Any] | None = None,
    *,
    encoded: bool = False,
) -> None:
    """Insert rows given column by column (lists of equal length), plus constant columns.

    `encoded`: on SQLite the columns already hold what `sqlite_encode` makes of them.
    """
    count = len(next(iter(columns.values()), []))
    if not count:
        return
    constants = constants or {}
    connection = session.connection()
    dialect = connection.dialect
    sql, order = _compiled_insert(table, (*columns, *constants), dialect)
    if dialect.name != "sqlite" or order is None or set(order) != {*columns, *constants}:
        # insertmanyvalues is already fast elsewhere
        rows = zip(*columns.values(), strict=True)
        records = [dict(zip(columns, row, strict=True)) | constants for row in rows]
        session.execute(insert(table), records)
        return
    # SQLAlchemy's per-row parameter handling costs more than SQLite's own insert: encode
    # column by column with the dialect's own bind processors and hand tuples to executemany.
    literals = _sqlite_literals(table, constants, dialect)
    if literals is not None:
        sql, order = _literal_insert(table, tuple(columns), literals, dialect), list(columns)
    stored = [
        (columns[key] if encoded else sqlite_encode(table.c[key], columns[key], dialect))
        if key in columns
        else sqlite_encode(table.c[key], [constants[key]], dialect) * count
        for key in order
    ]
    connection.exec_driver_sql(sql, list(zip(*stored, strict=True)))


def _sqlite_literals(
    table: Table, constants: dict[str, Any], dialect: Dialect
) -> dict[str, str] | None:
    """Constant columns as SQL literals, or None if one has no plain literal form.

    Python's sqlite3 spends more binding a parameter than SQLite spends storing it (about
    0.4 µs each); written once into the statement, the constants are not bound per row.
    """
    literals = {}
    for key, value in constants.items():
        (stored,) = sqlite_encode(table.c[key], [value], dialect)
        if stored is None:
            literals[key] = "NULL"
        elif type(stored) is int:
            literals[key] = str(stored)
        elif type(stored) is str and "\x00" not in stored:
            literals[key] = "'" + stored.replace("'", "''") + "'"
        else:
            return None
    return literals


def _literal_insert(
    table: Table, keys: tuple[str, ...], literals: dict[str, str], dialect: Dialect
) -> str:
    """INSERT with a parameter per key and the literals written in."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(table.c[key].name) for key in (*keys, *literals))
    values = ", ".join(["?"] * len(keys) + list(literals.values()))
    target = dialect.identifier_preparer.format_table(table)
    return f"INSERT INTO {target} ({names}) VALUES ({values})"


@lru_cache(maxsize=64)
def _compiled_insert(
    table: Table, keys: tuple[str, ...], dialect: Dialect
) -> tuple[str, list[str] | None]:
    # Compiling took half a millisecond, twice per batch of orders.
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    return str(compiled), compiled.positiontup


def sqlite_encode(column: Column[Any], values: list[Any], dialect: Dialect) -> list[Any]:
    """The values as SQLite stores them for this column: its bind processing, per column."""
    if isinstance(column.type, UTCDateTime):
        return _sqlite_datetimes(values)
    encode = column.type.dialect_impl(dialect).bind_processor(dialect)
    if encode is None:
        return values
    if isinstance(column.type, Enum):
        # A handful of distinct members per column: each is encoded once, then looked up.
        encoded = {value: encode(value) for value in set(values)}
        return list(map(encoded.__getitem__, values))
    if isinstance(column.type, JSON):
        return _json_once(encode, values)
    return list(map(encode, values))


def _json_once(encode: Any, values: list[Any]) -> list[Any]:
    # Tags repeat (a few combinations over a million customers): each distinct list of
    # strings is serialised once. Lists of anything else may hold equal but unlike values
    # (1 == True), so they are serialised one by one.
    done: dict[tuple[str, ...], Any] = {}
    out = []
    for value in values:
        if type(value) is list and all(type(item) is str for item in value):
            key = tuple(value)
            stored = done.get(key)
            if stored is None:
                stored = done[key] = encode(value)
            out.append(stored)
        else:
            out.append(encode(value))
    return out


_STORED = "%04d-%02d-%02d %02d:%02d:%02d.%06d"  # SQLAlchemy's SQLite DATETIME storage format


def _sqlite_datetimes(values: list[datetime | None]) -> list[str | None]:
    # UTC values (nearly all) formatted inline; a call per value cost as much as the format.
    return [
        _STORED % (v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)
        if v is not None and v.tzinfo is UTC
        else sqlite_datetime(v)
        for v in values
    ]


def sqlite_datetime(value: datetime | None) -> str | None:
    """The text SQLAlchemy stores on SQLite for this time (naive taken as UTC)."""
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
