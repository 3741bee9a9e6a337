"""Import writes on SQLite store exactly what SQLAlchemy itself would store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from kcrm.core.db import UTCDateTime
from kcrm.crm.imports import repository
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.schemas import ImportFormat, ImportKind
from kcrm.crm.orders.models import Order, OrderStatus
from tests.crm.imports import files
from tests.crm.imports.files import as_bytes


class TestSqliteDatetime:
    @pytest.mark.parametrize(
        "value",
        [
            datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
            datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=8))),
            datetime(2026, 3, 1, 10, 0),  # naive: taken as UTC
            datetime(999, 1, 1, tzinfo=UTC),
            None,
        ],
    )
    def test_matches_sqlalchemy_storage(self, value: datetime | None) -> None:
        dialect = sqlite.dialect()
        stored = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
        assert stored is not None
        assert repository._sqlite_datetime(value) == stored(value)
        assert repository._sqlite_datetimes([value, value]) == [stored(value)] * 2


class TestStoredOrders:
    def test_imported_times_are_stored_like_orm_times(self, session: Session) -> None:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("the column-wise writer is SQLite's")
        for kind, content, fmt in (
            (ImportKind.customers, files.CUSTOMERS_CSV, ImportFormat.csv),
            (ImportKind.products, files.PRODUCTS_JSON, ImportFormat.json),
            (ImportKind.orders, files.ORDERS_XML, ImportFormat.xml),
        ):
            import_service.run(session, kind=kind, stream=as_bytes(content), fmt=fmt)
        raw = session.execute(
            text("SELECT placed_at FROM orders WHERE external_id = 'SO-I-1'")
        ).scalar_one()
        assert raw == "2026-10-01 02:00:00.000000"  # 10:00+08:00 in UTC


class TestSqliteEncode:
    def test_enum_values_as_sqlalchemy_binds_them(self) -> None:
        column = Order.__table__.c.status
        dialect = sqlite.dialect()
        bind = column.type.dialect_impl(dialect).bind_processor(dialect)
        assert bind is not None
        values = [*OrderStatus, OrderStatus.paid, None]
        assert repository._sqlite_encode(column, values, dialect) == [bind(v) for v in values]
