"""Large imports rebuild SQLite's secondary indexes once; the schema is the same afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from kcrm.crm.imports import bulk, rows
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.exceptions import ImportFailed
from kcrm.crm.imports.schemas import ImportFormat, ImportKind
from kcrm.crm.orders.models import Order, OrderLine
from tests.crm.imports import files
from tests.crm.imports.files import as_bytes

TABLES = ("orders", "order_lines", "customers")
BAD_ORDER = "SO-I-3,,IC001,lost,,,2026-10-02T09:00:00+08:00,,,,,,,IMP-KS-1:1:129.00\n"


def _indexes(session: Session) -> set[str]:
    found = inspect(session.connection())
    return {str(index["name"]) for table in TABLES for index in found.get_indexes(table)}


def _seed(session: Session) -> None:
    for kind, content, fmt in (
        (ImportKind.customers, files.CUSTOMERS_CSV, ImportFormat.csv),
        (ImportKind.products, files.PRODUCTS_JSON, ImportFormat.json),
    ):
        import_service.run(session, kind=kind, stream=as_bytes(content), fmt=fmt)


def _import_orders(session: Session, content: str, during: list[set[str]]) -> None:
    import_service.run(
        session,
        kind=ImportKind.orders,
        stream=as_bytes(content),
        fmt=ImportFormat.csv,
        progress=lambda _: during.append(_indexes(session)),
    )


@pytest.fixture
def tiny_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every import counts as large, one row per batch."""
    monkeypatch.setattr(bulk, "MIN_ROWS", 1)
    monkeypatch.setattr(rows, "BATCH", 1)


class TestDeferredIndexes:
    @pytest.mark.usefixtures("tiny_threshold")
    def test_dropped_while_running_and_rebuilt(self, session: Session) -> None:
        _seed(session)
        before = _indexes(session)
        during: list[set[str]] = []
        _import_orders(session, files.ORDERS_CSV, during)
        assert _indexes(session) == before
        if session.get_bind().dialect.name != "sqlite":
            assert during == [before, before]  # PostgreSQL keeps every index
            return
        assert "ix_orders_customer_placed" not in during[-1]
        assert "ix_order_lines_product_id" not in during[-1]
        # The import reads order lines by order while it runs; that index stays.
        assert "ix_order_lines_order_id" in during[-1]

    @pytest.mark.usefixtures("tiny_threshold")
    def test_restored_after_a_failed_import(self, session: Session) -> None:
        _seed(session)
        before = _indexes(session)
        during: list[set[str]] = []
        with pytest.raises(ImportFailed):
            _import_orders(session, files.ORDERS_CSV + BAD_ORDER, during)
        assert _indexes(session) == before
        if session.get_bind().dialect.name == "sqlite":
            assert "ix_orders_customer_placed" not in during[0]

    def test_a_small_import_keeps_them(self, session: Session) -> None:
        _seed(session)
        before = _indexes(session)
        during: list[set[str]] = []
        _import_orders(session, files.ORDERS_CSV, during)
        assert during == [before]


class TestNewIds:
    def test_ids_follow_the_highest_and_lines_join_their_orders(self, session: Session) -> None:
        _seed(session)
        _import_orders(session, files.ORDERS_CSV, [])
        later = files.ORDERS_CSV.replace("SO-I-", "SO-J-")
        _import_orders(session, later, [])
        stored = session.execute(
            select(Order.external_id, Order.id, OrderLine.sku)
            .join(OrderLine, OrderLine.order_id == Order.id)
            .order_by(Order.id, OrderLine.id)
        ).all()
        # In id order: the second file's orders come after the first's, each with its lines.
        assert [(row.external_id, row.sku) for row in stored] == [
            ("SO-I-1", "IMP-AC-1"),
            ("SO-I-1", "IMP-KS-1"),
            ("SO-I-2", "IMP-KS-1"),
            ("SO-J-1", "IMP-AC-1"),
            ("SO-J-1", "IMP-KS-1"),
            ("SO-J-2", "IMP-KS-1"),
        ]
