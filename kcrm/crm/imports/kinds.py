"""The three import kinds: customers, products and orders (with lines and references)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Customer
from kcrm.crm.imports import repository
from kcrm.crm.imports.base import Importer, Numbered, table_of
from kcrm.crm.imports.rows import Values
from kcrm.crm.imports.schemas import ImportKind, ImportReport
from kcrm.crm.orders.models import Order, OrderLine

ORDER_COLUMNS = (
    "number",
    "customer_id",
    "status",
    "channel",
    "currency",
    "total",
    "placed_at",
    "paid_at",
    "shipped_at",
    "delivered_at",
    "carrier",
    "tracking_number",
    "shipping_address",
)

# The order of each line tuple that `resolve` makes.
LINE_COLUMNS = ("product_id", "sku", "quantity", "unit_price")


class CustomerImporter(Importer):
    table = table_of(Customer)
    columns = (
        "kind",
        "name",
        "language",
        "email",
        "phone",
        "segment",
        "lifecycle_stage",
        "value_tier",
        "credit_rating",
        "member_points",
        "member_tier",
        "tags",
        "city",
        "country",
    )
    insert_defaults: ClassVar[dict[str, Any]] = {"marketing_hold": False, "deleted_at": None}
    needs_ids = False


class ProductImporter(Importer):
    table = table_of(Product)
    columns = (
        "sku",
        "name",
        "name_en",
        "category",
        "price",
        "currency",
        "specs",
        "description",
        "warranty_months",
    )
    unique = "sku"
    insert_defaults: ClassVar[dict[str, Any]] = {"is_active": True, "deleted_at": None}


class OrderImporter(Importer):
    """Orders refer to customers by external id and to products by SKU; lines are replaced."""

    table = table_of(Order)
    columns = ORDER_COLUMNS
    unique = "number"
    also_writes = (table_of(OrderLine),)
    read_by = frozenset({"external_id", "order_id"})

    def __init__(self) -> None:
        self._customers: dict[str, int] = {}
        self._products: dict[str, int] = {}

    def _load_references(self, session: Session, rows: Numbered) -> None:
        skus = {line["sku"] for _, r in rows for line in r["lines"]}
        self.load_references(session, {r["customer_external_id"] for _, r in rows}, skus)

    def load_references(self, session: Session, customers: set[str], skus: set[str]) -> None:
        """Look up the ids of these customers and products that are not known yet."""
        # Tested key by key: `set - dict.keys()` copies and walks every key already known,
        # which at 100k customers cost more than the batch's own lookups.
        known = self._customers
        wanted = {key for key in customers if key not in known}
        known.update(repository.customer_ids(session, wanted))
        skus = {sku for sku in skus if sku not in self._products}
        self._products.update(repository.product_ids(session, skus))

    def known_ids(self) -> tuple[dict[str, int], dict[str, int]]:
        """Customer ids by external id and product ids by SKU, as looked up so far."""
        return self._customers, self._products

    def customer_id(self, number: int, external: str, report: ImportReport) -> int | None:
        """The id of a customer looked up before; None (and a row error) if unknown."""
        customer_id = self._customers.get(external)
        if customer_id is None:
            report.add_error(number, "customer_external_id", f"unknown customer {external}")
        return customer_id

    def product_id(self, number: int, index: int, sku: str, report: ImportReport) -> int | None:
        """The id of line `index`'s product; None (and a row error) if the SKU is unknown."""
        product_id = self._products.get(sku)
        if product_id is None:
            report.add_error(number, f"lines.{index}.sku", f"unknown product SKU {sku}")
        return product_id

    def resolve(
        self, session: Session, rows: Numbered, report: ImportReport
    ) -> list[tuple[int, Values]]:
        """Resolve customer and product references; compute the total from the lines."""
        self._load_references(session, rows)
        resolved = []
        for number, row in rows:
            if self._resolve_row(number, row, report):
                resolved.append((number, row))
        return resolved

    def _resolve_row(self, number: int, row: Values, report: ImportReport) -> bool:
        """Turn the row's references into ids in place; False (and errors) if one is unknown."""
        customer_id = self.customer_id(number, row.pop("customer_external_id"), report)
        ok = customer_id is not None
        lines = []
        total = Decimal("0")
        for index, line in enumerate(row.pop("lines"), start=1):
            sku, quantity, price = line["sku"], line["quantity"], line["unit_price"]
            product_id = self.product_id(number, index, sku, report)
            ok = ok and product_id is not None
            lines.append((product_id, sku, quantity, price))
            total += quantity * price
        row["number"] = row["number"] or row["external_id"]
        row["customer_id"] = customer_id
        row["total"] = total
        row["_lines"] = tuple(lines)
        return ok

    def snapshot(self, values: Values) -> tuple[Any, ...]:
        """Order columns plus its lines."""
        return (*super().snapshot(values), values["_lines"])

    def existing(self, session: Session, keys: list[str]) -> dict[str, tuple[int, tuple[Any, ...]]]:
        """Stored orders with their lines attached to the snapshot."""
        found = super().existing(session, keys)
        lines: dict[int, list[tuple[Any, ...]]] = {id_: [] for id_, _ in found.values()}
        for row in repository.order_lines(session, lines.keys()):
            lines[row[0]].append(tuple(row[1:]))
        return {ext: (id_, (*snap, tuple(lines[id_]))) for ext, (id_, snap) in found.items()}

    def insert(self, session: Session, rows: list[Values]) -> list[int]:
        """Write new orders, then their lines."""
        ids = super().insert(session, rows)
        self._write_lines(session, list(zip(ids, rows, strict=True)))
        return ids

    def update(self, session: Session, rows: list[tuple[int, Values]]) -> None:
        """Overwrite changed orders and replace their lines."""
        super().update(session, rows)
        repository.delete_order_lines(session, [id_ for id_, _ in rows])
        self._write_lines(session, rows)

    def _write_lines(self, session: Session, rows: list[tuple[int, Values]]) -> None:
        lines = [(id_, *line) for id_, values in rows for line in values["_lines"]]
        if lines:
            columns = zip(("order_id", *LINE_COLUMNS), zip(*lines, strict=True), strict=True)
            table = table_of(OrderLine)
            repository.insert_columns(session, table, {k: list(v) for k, v in columns})


IMPORTERS: dict[ImportKind, type[Importer]] = {
    ImportKind.customers: CustomerImporter,
    ImportKind.products: ProductImporter,
    ImportKind.orders: OrderImporter,
}
