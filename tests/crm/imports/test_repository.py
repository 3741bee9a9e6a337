"""Import writes on SQLite store exactly what SQLAlchemy itself would store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import ClassVar

import pytest
from sqlalchemy import insert, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from kcrm.core.db import UTCDateTime
from kcrm.crm.customers.models import (
    Customer,
    CustomerKind,
    Language,
    LifecycleStage,
    MemberTier,
    ValueTier,
)
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
        assert repository.sqlite_datetime(value) == stored(value)
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
        assert repository.sqlite_encode(column, values, dialect) == [bind(v) for v in values]

    def test_json_lists_as_sqlalchemy_binds_them(self) -> None:
        column = Customer.__table__.c.tags
        dialect = sqlite.dialect()
        bind = column.type.dialect_impl(dialect).bind_processor(dialect)
        assert bind is not None
        values: list[object] = [["a", "b"], ["a", "b"], [], [1], [True], ["x'y"], [{"k": 1}]]
        assert repository.sqlite_encode(column, values, dialect) == [bind(v) for v in values]


class TestConstantsAsLiterals:
    CONSTANTS: ClassVar[dict[str, object]] = {
        "kind": CustomerKind.company,
        "language": Language.en,
        "lifecycle_stage": LifecycleStage.lead,
        "value_tier": ValueTier.vip,
        "member_tier": MemberTier.gold,
        "member_points": 7,
        "tags": ["b2b", "it's"],
        "city": "O'Brien's town",
        "marketing_hold": True,
        "deleted_at": None,
        "created_at": datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=8))),
    }

    def test_stored_as_sqlalchemy_stores_bound_values(self, session: Session) -> None:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("the column-wise writer is SQLite's")
        table = Customer.__table__
        dialect = session.get_bind().dialect
        assert repository._sqlite_literals(table, self.CONSTANTS, dialect) is not None
        columns = {"external_id": ["LIT-1", "LIT-2"], "name": ["甲", "乙"]}
        repository.insert_columns(session, table, columns, self.CONSTANTS)
        session.execute(insert(table), [{"external_id": "REF-1", "name": "甲"} | self.CONSTANTS])
        names = ", ".join(self.CONSTANTS)
        stored = session.execute(
            text(f"SELECT external_id, {names} FROM customers WHERE name = '甲'")  # noqa: S608
        ).all()
        assert len(stored) == 2
        assert tuple(stored[0])[1:] == tuple(stored[1])[1:]

    def test_values_without_a_plain_literal_are_bound(self) -> None:
        dialect = sqlite.dialect()
        table = Customer.__table__
        assert repository._sqlite_literals(table, {"city": "a\x00b"}, dialect) is None
        literals = repository._sqlite_literals(table, {"city": "it's"}, dialect)
        assert literals == {"city": "'it''s'"}
