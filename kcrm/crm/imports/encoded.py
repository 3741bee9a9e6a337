"""Large order feeds on SQLite: rows parsed, validated and encoded in a second process.

In process, an order's parsing, validation and encoding for SQLite cost about as much as
its writes. Here a worker (reader.py) does all three and sends plain columns (text, ints,
floats: cheap to pickle, unlike Decimals and datetimes), so this process only resolves
references, looks up keys and writes. The values are encoded by the same `sqlite_encode`
as the in-process path, so the stored rows are the same. Rows that already exist are
decoded back into the in-process path's values, and compared and updated as there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Dialect
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.crm.imports import repository, rows
from kcrm.crm.imports.base import table_of
from kcrm.crm.imports.kinds import ORDER_COLUMNS, OrderImporter
from kcrm.crm.imports.rows import Values
from kcrm.crm.imports.schemas import ImportFormat, ImportKind
from kcrm.crm.orders.models import Order, OrderLine

if TYPE_CHECKING:
    from kcrm.crm.imports.service import ImportRun

ORDERS, LINES = table_of(Order), table_of(OrderLine)
# What the worker sends per order: the stored columns but the customer, by external id.
SENT = ("external_id", *(c for c in ORDER_COLUMNS if c != "customer_id"))
_FROM_FILE = tuple(c for c in SENT if c not in ("number", "total"))


@dataclass
class Batch:
    """One batch: every row's errors (None if valid), and the valid orders as columns."""

    results: list[tuple[int, list[tuple[str | None, str]] | None]]
    columns: dict[str, list[Any]] = field(default_factory=dict)
    customers: list[str] = field(default_factory=list)
    line_counts: list[int] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    quantities: list[int] = field(default_factory=list)
    prices: list[Any] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.results)

    @cached_property
    def starts(self) -> list[int]:
        """Where each valid order's lines begin in the flat line columns."""
        return [0, *accumulate(self.line_counts)][:-1]

    def lines_of(self, i: int) -> range:
        """The flat indexes of valid order i's lines."""
        return range(self.starts[i], self.starts[i] + self.line_counts[i])


def applies(session: Session, kind: ImportKind) -> bool:
    """Whether this import can take its rows from the worker: orders into SQLite."""
    return kind == ImportKind.orders and session.connection().dialect.name == "sqlite"


def produce(stream: IO[bytes], fmt: ImportFormat, kind: ImportKind) -> Iterator[Batch]:
    """In the worker: each batch of the file, checked and encoded."""
    dialect = sqlite.dialect()
    for checked in rows.checked_batches(stream, fmt, kind):
        yield encode(checked, dialect)


def encode(checked: rows.Checked, dialect: Dialect) -> Batch:
    """A checked batch as plain columns, encoded as the in-process insert encodes them."""
    valid: list[Values] = [v for _, v in checked if not isinstance(v, list)]
    batch = Batch([(n, v if isinstance(v, list) else None) for n, v in checked])
    columns: dict[str, list[Any]] = {key: [v[key] for v in valid] for key in _FROM_FILE}
    columns["number"] = [v["number"] or v["external_id"] for v in valid]
    lines = [v["lines"] for v in valid]
    # The same sum, in the same order, as OrderImporter._resolve_row.
    columns["total"] = [
        sum((line["quantity"] * line["unit_price"] for line in ls), Decimal("0")) for ls in lines
    ]
    batch.columns = {
        key: repository.sqlite_encode(ORDERS.c[key], columns[key], dialect) for key in SENT
    }
    batch.customers = [v["customer_external_id"] for v in valid]
    batch.line_counts = [len(ls) for ls in lines]
    flat = [line for ls in lines for line in ls]
    batch.skus = [line["sku"] for line in flat]
    batch.quantities = [line["quantity"] for line in flat]
    prices = [line["unit_price"] for line in flat]
    batch.prices = repository.sqlite_encode(LINES.c.unit_price, prices, dialect)
    return batch


def take(run: ImportRun, batch: Batch) -> None:
    """In the importing process: check, resolve and (while the file is clean) write a batch."""
    run.report.total += len(batch)
    kept = _first_times(run, batch)
    importer = run.importer
    assert isinstance(importer, OrderImporter)
    skus = {batch.skus[k] for _, i in kept for k in batch.lines_of(i)}
    importer.load_references(run.session, {batch.customers[i] for _, i in kept}, skus)
    resolved = []
    for number, i in kept:
        row = _resolve(importer, run, batch, number, i)
        if row is not None:
            resolved.append((number, row))
    resolved = run.unique_ok(resolved)
    keys = [values["external_id"] for _, values in resolved]
    stored = importer.existing(run.session, keys)
    if stored:
        decode = _decoders(run.session.connection().dialect)
        resolved = [
            (number, _typed(batch, v, decode) if v["external_id"] in stored else v)
            for number, v in resolved
        ]
    new, changed = run.sort(resolved, stored)
    if run.clean:
        run.write(new, changed, lambda session, new: _insert(session, batch, new))


def _first_times(run: ImportRun, batch: Batch) -> list[tuple[int, int]]:
    """(row number, index among the valid rows) of the valid rows not repeated in the file."""
    external, numbers = batch.columns["external_id"], batch.columns["number"]
    kept = []
    index = -1
    for number, errors in batch.results:
        if errors is not None:
            for name, reason in errors:
                run.report.add_error(number, name, reason)
            continue
        index += 1
        if run.first_time(number, {"external_id": external[index], "number": numbers[index]}):
            kept.append((number, index))
    return kept


def _resolve(
    importer: OrderImporter, run: ImportRun, batch: Batch, number: int, i: int
) -> Values | None:
    """A light row (keys, ids and its index in the batch); None if a reference is unknown."""
    customer_id = importer.customer_id(number, batch.customers[i], run.report)
    ok = customer_id is not None
    products = []
    for index, k in enumerate(batch.lines_of(i), start=1):
        product_id = importer.product_id(number, index, batch.skus[k], run.report)
        ok = ok and product_id is not None
        products.append(product_id)
    if not ok:
        return None
    return {
        "external_id": batch.columns["external_id"][i],
        "number": batch.columns["number"][i],
        "customer_id": customer_id,
        "_i": i,
        "_products": products,
    }


def _typed(batch: Batch, row: Values, decode: dict[str, Any]) -> Values:
    """A light row as the in-process path's values, decoded as the database reads them."""
    i = row["_i"]
    values = {key: decode[key](batch.columns[key][i]) for key in SENT}
    values["customer_id"] = row["customer_id"]
    price = decode["unit_price"]
    values["_lines"] = tuple(
        (product_id, batch.skus[k], batch.quantities[k], price(batch.prices[k]))
        for product_id, k in zip(row["_products"], batch.lines_of(i), strict=True)
    )
    return values


@lru_cache(maxsize=4)
def _decoders(dialect: Dialect) -> dict[str, Any]:
    """Per sent column (and a line's unit_price), what the database does to a stored value."""
    columns = [*(ORDERS.c[key] for key in SENT), LINES.c.unit_price]
    decoders = {}
    for column in columns:
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        decoders[column.key] = process or _same
    return decoders


def _same(value: Any) -> Any:
    return value


def _insert(session: Session, batch: Batch, new: list[Values]) -> list[int]:
    """Insert new orders from the batch's encoded columns, then their lines; their ids."""
    picked = [row["_i"] for row in new]
    columns = {key: [batch.columns[key][i] for i in picked] for key in SENT}
    columns["customer_id"] = [row["customer_id"] for row in new]
    now = utcnow()
    constants = {**OrderImporter.insert_defaults, "created_at": now, "updated_at": now}
    ids = repository.insert_encoded(session, ORDERS, columns, constants)
    skus, quantities, prices = batch.skus, batch.quantities, batch.prices
    lines: list[tuple[Any, ...]] = [
        (order_id, product_id, skus[k], quantities[k], prices[k])
        for order_id, row in zip(ids, new, strict=True)
        for product_id, k in zip(row["_products"], batch.lines_of(row["_i"]), strict=True)
    ]
    if lines:
        names = ("order_id", "product_id", "sku", "quantity", "unit_price")
        line_columns = {
            name: list(c) for name, c in zip(names, zip(*lines, strict=True), strict=True)
        }
        repository.insert_columns(session, LINES, line_columns, encoded=True)
    return ids
