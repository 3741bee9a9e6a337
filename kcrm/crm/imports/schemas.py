"""Import kinds, formats and the report every import returns."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import Field

from kcrm.core.schemas import Schema

# A wholly broken 1M-row file would otherwise produce a report bigger than the file.
MAX_REPORTED_ERRORS = 10_000


class ImportKind(enum.StrEnum):
    customers = "customers"
    products = "products"
    orders = "orders"


class ImportFormat(enum.StrEnum):
    csv = "csv"
    json = "json"
    xml = "xml"


class RowError(Schema):
    row: int = Field(description="1-based data row (CSV/JSON) or element index (XML); 0 = file")
    field: str | None = None
    reason: str


class ImportReport(Schema):
    kind: ImportKind
    format: ImportFormat
    upsert: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    error_count: int = 0
    errors: list[RowError] = Field(default_factory=list)
    changed_product_ids: list[int] = Field(
        default_factory=list, description="Products whose data changed (knowledge may be stale)"
    )

    def add_error(self, row: int, field: str | None, reason: str) -> None:
        """Record a bad row; the first MAX_REPORTED_ERRORS are kept in full."""
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row=row, field=field, reason=reason))


class ImportJobRead(Schema):
    id: str
    kind: ImportKind
    source: str | None
    state: str = Field(description="running, committing, done or failed")
    size: int = Field(description="Bytes in the uploaded file")
    read: int = Field(description="Bytes the parser has consumed so far")
    rows: int = Field(description="Rows read so far")
    fraction: float = Field(description="Share of the file consumed (1.0 when finished)")
    error: str | None = None
    report: ImportReport | None = None
    started_at: datetime
    finished_at: datetime | None = None
