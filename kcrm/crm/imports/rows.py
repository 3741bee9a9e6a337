"""Validation of one import row per kind; raw CSV/XML strings are coerced here."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from itertools import islice
from typing import IO, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kcrm.crm.customers.models import (
    CreditRating,
    CustomerKind,
    Language,
    LifecycleStage,
    MemberTier,
    ValueTier,
)
from kcrm.crm.imports import fast, parsers
from kcrm.crm.imports.schemas import ImportFormat, ImportKind
from kcrm.crm.orders.models import OrderStatus

Values = dict[str, Any]
# A batch of rows as the Validator leaves them: (row number, values or (field, reason) pairs).
Checked = list[tuple[int, Values | list[tuple[str | None, str]]]]
BATCH = 2000

# Markers the parsers put in a record that cannot become a row at all.
_MARKERS = {
    "__not_object__": "expected an object",
    "__wrong_tag__": "unexpected XML element",
    "__extra__": "more cells than header columns",
    "__bad_json__": "malformed JSON line",
}


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: str = Field(min_length=1, max_length=64)


def _utc(value: datetime | None) -> datetime | None:
    # Naive ERP times are taken as UTC, matching how the database stores them.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class CustomerRow(Row):
    kind: CustomerKind = CustomerKind.person
    name: str = Field(min_length=1, max_length=200)
    language: Language = Language.zh
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(None, max_length=40)
    segment: str | None = Field(None, max_length=64)
    lifecycle_stage: LifecycleStage = LifecycleStage.customer
    value_tier: ValueTier = ValueTier.medium
    credit_rating: CreditRating | None = None
    member_points: int = Field(0, ge=0, le=2_000_000_000)
    member_tier: MemberTier = MemberTier.standard
    tags: list[str] = Field(default_factory=list)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [tag.strip() for tag in value.split(";") if tag.strip()]
        return value


class ProductRow(Row):
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    category: str = Field(min_length=1, max_length=64)
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    specs: dict[str, Any] = Field(default_factory=dict)
    description: str | None = Field(None, max_length=20_000)
    warranty_months: int = Field(12, ge=0, le=600)

    @field_validator("specs", mode="before")
    @classmethod
    def _parse_specs(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"specs is not valid JSON: {exc}") from exc
        return value


class LineRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=100_000)
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)


def _parse_lines(value: str) -> list[dict[str, str]]:
    lines = []
    for index, chunk in enumerate(value.split(";"), start=1):
        parts = chunk.strip().split(":")
        if len(parts) != 3:
            raise ValueError(f"line {index}: expected SKU:quantity:unit_price, got {chunk!r}")
        lines.append({"sku": parts[0], "quantity": parts[1], "unit_price": parts[2]})
    return lines


# The packed form an ERP CSV carries, read by the fast path in one regex when every part is
# plain: ASCII SKUs without spaces, quantities 1-99999, prices with at most two decimals.
_SKU = r"[!-9<-~]{1,64}"  # printable ASCII but ":" and ";"
_QUANTITY = r"[1-9][0-9]{0,4}"
_PRICE = r"(?:0|[1-9][0-9]{0,9})(?:\.[0-9]{1,2})?"
_PLAIN_LINE = f"{_SKU}:{_QUANTITY}:{_PRICE}"
_PACKED = re.compile(rf"{_PLAIN_LINE}(?:;{_PLAIN_LINE}){{0,499}}")
_ONE_LINE = re.compile(f"({_SKU}):({_QUANTITY}):({_PRICE})")


def _packed_lines(value: Any) -> Any:
    """The lines `_split_lines` and LineRow would give for a plain packed cell, else SLOW."""
    if type(value) is not str or _PACKED.fullmatch(value) is None:
        return fast.SLOW
    return [
        {"sku": sku, "quantity": int(quantity), "unit_price": Decimal(price)}
        for sku, quantity, price in _ONE_LINE.findall(value)
    ]


class OrderRow(Row):
    # Read by the fast path before the general checks (see fast._either).
    fast_forms: ClassVar[dict[str, Any]] = {"lines": _packed_lines}

    number: str | None = Field(None, min_length=1, max_length=64)
    customer_external_id: str = Field(min_length=1, max_length=64)
    status: OrderStatus = OrderStatus.placed
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    channel: str | None = Field(None, max_length=32)
    placed_at: datetime
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    carrier: str | None = Field(None, max_length=64)
    tracking_number: str | None = Field(None, max_length=64)
    shipping_address: str | None = Field(None, max_length=500)
    lines: list[LineRow] = Field(min_length=1, max_length=500)

    @field_validator("lines", mode="before")
    @classmethod
    def _split_lines(cls, value: Any) -> Any:
        return _parse_lines(value) if isinstance(value, str) else value

    @field_validator("placed_at", "paid_at", "shipped_at", "delivered_at")
    @classmethod
    def _to_utc(cls, value: datetime | None) -> datetime | None:
        return _utc(value)


ROW_MODELS: dict[ImportKind, type[Row]] = {
    ImportKind.customers: CustomerRow,
    ImportKind.products: ProductRow,
    ImportKind.orders: OrderRow,
}


def _field(loc: tuple[int | str, ...]) -> str | None:
    # Positions in lists are shown 1-based, like row numbers.
    parts = [str(p + 1) if isinstance(p, int) else p for p in loc]
    return ".".join(parts) or None


def _fast(model: type[Row], stored_times: fast.StoredTimes | None) -> fast.RowCheck | None:
    try:
        return fast.compile_row(model, stored_times=stored_times)
    except fast.Unsupported:
        return None  # a few hundred products a day do not need it


class Validator:
    """Validates one kind's raw records: the compiled fast path first, pydantic when unsure.

    `stored_times`: see fast.compile_row (times may then come back as their stored text).
    """

    def __init__(self, kind: ImportKind, stored_times: fast.StoredTimes | None = None) -> None:
        self.model = ROW_MODELS[kind]
        self.fast = _fast(self.model, stored_times)

    def __call__(self, record: dict[str, Any]) -> Values | list[tuple[str | None, str]]:
        """The row's values as `model_dump()` gives them, or the (field, reason) pairs."""
        if self.fast is not None:
            values = self.fast(record)
            if values is not None:
                return values
        for marker, reason in _MARKERS.items():
            if marker in record:
                return [(None, f"{reason}: {record[marker]}")]
        try:
            return self.model.model_validate(record).model_dump()
        except ValidationError as exc:
            return [(_field(err["loc"]), err["msg"]) for err in exc.errors()]


def checked_batches(
    stream: IO[bytes],
    fmt: ImportFormat,
    kind: ImportKind,
    stored_times: fast.StoredTimes | None = None,
) -> Iterator[Checked]:
    """The file's rows, parsed and validated (see Validator), BATCH at a time in file order."""
    validate = Validator(kind, stored_times)
    records = parsers.read(stream, fmt, kind)
    while batch := list(islice(records, BATCH)):
        yield [(number, validate(record)) for number, record in batch]
