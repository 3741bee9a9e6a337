"""The import service on a real database: formats, idempotency, atomicity, references."""

from __future__ import annotations

from decimal import Decimal
from typing import IO

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcrm.core.audit import AuditLog
from kcrm.core.errors import BadRequest
from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Customer, Language, MemberTier
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.exceptions import ImportConflict, ImportFailed
from kcrm.crm.imports.schemas import ImportFormat, ImportKind, ImportReport
from kcrm.crm.orders.models import Order, OrderLine, OrderStatus
from tests.crm.imports import files
from tests.crm.imports.files import as_bytes, jsonl

CUS, PRO, ORD = ImportKind.customers, ImportKind.products, ImportKind.orders
CSV, JSON, XML = ImportFormat.csv, ImportFormat.json, ImportFormat.xml


def _run(
    session: Session,
    kind: ImportKind,
    stream: IO[bytes],
    fmt: ImportFormat,
    *,
    upsert: bool = False,
) -> ImportReport:
    return import_service.run(session, kind=kind, stream=stream, fmt=fmt, upsert=upsert)


def _count(session: Session, model: type[object]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _seed(session: Session) -> None:
    _run(session, CUS, as_bytes(files.CUSTOMERS_CSV), CSV)
    _run(session, PRO, as_bytes(files.PRODUCTS_JSON), JSON)


class TestCustomerFormats:
    def test_csv(self, session: Session) -> None:
        report = _run(session, CUS, as_bytes(files.CUSTOMERS_CSV), CSV)
        assert (report.total, report.created) == (3, 3)
        wang = session.scalars(select(Customer).where(Customer.external_id == "IC001")).one()
        assert wang.tags == ["new_home", "wechat_follower"]
        assert wang.member_tier == MemberTier.gold
        emily = session.scalars(select(Customer).where(Customer.external_id == "IC002")).one()
        assert emily.credit_rating is None  # an empty cell is null
        assert emily.language == Language.en

    def test_json_array_and_lines(self, session: Session) -> None:
        assert _run(session, CUS, as_bytes(files.CUSTOMERS_JSON), JSON).created == 2
        again = _run(session, CUS, jsonl(files.CUSTOMERS_JSON), JSON, upsert=True)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    def test_xml(self, session: Session) -> None:
        assert _run(session, CUS, as_bytes(files.CUSTOMERS_XML), XML).created == 2
        wang = session.scalars(select(Customer).where(Customer.external_id == "IC001")).one()
        assert (wang.tags, wang.member_points) == (["a", "b"], 5)


class TestProductFormats:
    @pytest.mark.parametrize(
        ("content", "fmt"),
        [(files.PRODUCTS_JSON, JSON), (files.PRODUCTS_CSV, CSV), (files.PRODUCTS_XML, XML)],
    )
    def test_each_format(self, session: Session, content: str, fmt: ImportFormat) -> None:
        report = _run(session, PRO, as_bytes(content), fmt)
        assert report.created == 2
        stored = session.scalars(select(Product.id).where(Product.sku.like("IMP-%"))).all()
        assert sorted(report.changed_product_ids) == sorted(stored)
        ac = session.scalars(select(Product).where(Product.sku == "IMP-AC-1")).one()
        assert ac.price == Decimal("2599.00")
        assert str(ac.specs["power_w"]) == "750"


class TestOrderFormats:
    @pytest.mark.parametrize(
        ("content", "fmt"),
        [(files.ORDERS_XML, XML), (files.ORDERS_JSON, JSON), (files.ORDERS_CSV, CSV)],
    )
    def test_each_format(self, session: Session, content: str, fmt: ImportFormat) -> None:
        _seed(session)
        report = _run(session, ORD, as_bytes(content), fmt)
        assert report.created == report.total >= 1
        order = session.scalars(select(Order).where(Order.external_id == "SO-I-1")).one()
        lines = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).all()
        assert order.total == sum((ln.unit_price * ln.quantity for ln in lines), Decimal("0"))
        assert lines[0].sku == "IMP-AC-1"
        assert order.placed_at.hour == 2  # 10:00+08:00 stored as UTC

    def test_number_defaults_to_external_id(self, session: Session) -> None:
        _seed(session)
        _run(session, ORD, as_bytes(files.ORDERS_XML), XML)
        order = session.scalars(select(Order).where(Order.external_id == "SO-I-2")).one()
        assert (order.number, order.status) == ("SO-I-2", OrderStatus.placed)


class TestIdempotency:
    def test_second_run_changes_nothing(self, session: Session) -> None:
        _seed(session)
        _run(session, ORD, as_bytes(files.ORDERS_XML), XML)
        stamps = session.execute(select(Order.id, Order.updated_at)).all()
        audits = _count(session, AuditLog)
        counts = (_count(session, Customer), _count(session, Order), _count(session, OrderLine))
        session.expire_all()
        for kind, content, fmt in (
            (CUS, files.CUSTOMERS_CSV, CSV),
            (PRO, files.PRODUCTS_JSON, JSON),
            (ORD, files.ORDERS_XML, XML),
        ):
            report = _run(session, kind, as_bytes(content), fmt, upsert=True)
            assert (report.created, report.updated, report.unchanged) == (0, 0, report.total)
            assert report.changed_product_ids == []
        assert session.execute(select(Order.id, Order.updated_at)).all() == stamps
        assert (_count(session, Customer), _count(session, Order), _count(session, OrderLine)) == (
            counts
        )
        assert _count(session, AuditLog) == audits

    def test_upsert_updates_changed_rows_and_reports_products(self, session: Session) -> None:
        _seed(session)
        changed = [dict(files.PRODUCTS_JSON[0], price="2399.00"), files.PRODUCTS_JSON[1]]
        report = _run(session, PRO, as_bytes(changed), JSON, upsert=True)
        assert (report.updated, report.unchanged) == (1, 1)
        product = session.scalars(select(Product).where(Product.sku == "IMP-AC-1")).one()
        assert report.changed_product_ids == [product.id]
        session.refresh(product)
        assert product.price == Decimal("2399.00")

    def test_upsert_replaces_order_lines(self, session: Session) -> None:
        _seed(session)
        _run(session, ORD, as_bytes(files.ORDERS_JSON), JSON)
        changed = [
            dict(
                files.ORDERS_JSON[0],
                lines=[{"sku": "IMP-KS-1", "quantity": 3, "unit_price": "100"}],
            )
        ]
        assert _run(session, ORD, as_bytes(changed), JSON, upsert=True).updated == 1
        order = session.scalars(select(Order).where(Order.external_id == "SO-I-1")).one()
        session.refresh(order)
        lines = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).all()
        assert [(ln.sku, ln.quantity) for ln in lines] == [("IMP-KS-1", 3)]
        assert order.total == Decimal("300")

    def test_one_audit_row_per_import(self, session: Session) -> None:
        before = _count(session, AuditLog)
        _run(session, CUS, as_bytes(files.CUSTOMERS_CSV), CSV)
        rows = session.scalars(select(AuditLog).where(AuditLog.entity == "import")).all()
        assert _count(session, AuditLog) == before + 1
        assert rows[-1].after is not None
        assert rows[-1].after["created"] == 3


class TestFailures:
    def test_bad_row_in_the_middle_writes_nothing(self, session: Session) -> None:
        lines = files.CUSTOMERS_CSV.strip().splitlines()
        bad = lines[2].replace(",medium,", ",platinum-plus,")
        content = "\n".join([lines[0], lines[1], bad, lines[3]])
        before = (_count(session, Customer), _count(session, AuditLog))
        with pytest.raises(ImportFailed) as caught:
            _run(session, CUS, as_bytes(content), CSV)
        assert (_count(session, Customer), _count(session, AuditLog)) == before
        assert caught.value.status_code == 400
        assert caught.value.details == [
            {"row": 2, "field": "value_tier", "reason": caught.value.details[0]["reason"]}
        ]
        assert "medium" in str(caught.value.details[0]["reason"])

    def test_every_bad_row_is_reported(self, session: Session) -> None:
        rows = [
            {"external_id": "B1", "name": ""},
            {"external_id": "B2", "name": "ok"},
            {"external_id": "B3", "name": "x", "member_points": -1, "email": "nope"},
        ]
        with pytest.raises(ImportFailed) as caught:
            _run(session, CUS, as_bytes(rows), JSON)
        found = {(e["row"], e["field"]) for e in caught.value.details}
        assert found == {(1, "name"), (3, "member_points"), (3, "email")}

    def test_unknown_references_are_row_errors(self, session: Session) -> None:
        _seed(session)
        rows = [
            dict(files.ORDERS_JSON[0], customer_external_id="NOPE"),
            dict(
                files.ORDERS_JSON[0],
                external_id="SO-I-9",
                number="SO-I-9",
                lines=[{"sku": "GONE", "quantity": 1, "unit_price": "1"}],
            ),
        ]
        orders_before = _count(session, Order)
        with pytest.raises(ImportFailed) as caught:
            _run(session, ORD, as_bytes(rows), JSON)
        found = {(e["row"], e["field"]) for e in caught.value.details}
        assert found == {(1, "customer_external_id"), (2, "lines.1.sku")}
        assert _count(session, Order) == orders_before

    def test_bad_packed_lines_name_the_field(self, session: Session) -> None:
        _seed(session)
        content = files.ORDERS_CSV.replace("IMP-KS-1:1:129.00", "IMP-KS-1:1")
        with pytest.raises(ImportFailed) as caught:
            _run(session, ORD, as_bytes(content), CSV)
        assert [(e["row"], e["field"]) for e in caught.value.details] == [(2, "lines")]

    def test_duplicate_in_the_same_file(self, session: Session) -> None:
        rows = [{"external_id": "D1", "name": "a"}, {"external_id": "D1", "name": "b"}]
        with pytest.raises(ImportFailed) as caught:
            _run(session, CUS, as_bytes(rows), JSON)
        assert [(e["row"], e["field"]) for e in caught.value.details] == [(2, "external_id")]

    def test_existing_external_id_without_upsert_is_a_conflict(self, session: Session) -> None:
        _run(session, CUS, as_bytes(files.CUSTOMERS_CSV), CSV)
        with pytest.raises(ImportConflict) as caught:
            _run(session, CUS, as_bytes(files.CUSTOMERS_JSON), JSON)
        assert caught.value.status_code == 409
        assert [e["row"] for e in caught.value.details] == [1, 2]

    def test_sku_held_by_another_product_is_a_row_error(self, session: Session) -> None:
        _seed(session)
        rows = [dict(files.PRODUCTS_JSON[0], external_id="IP-OTHER")]
        with pytest.raises(ImportFailed) as caught:
            _run(session, PRO, as_bytes(rows), JSON)
        assert caught.value.details[0]["field"] == "sku"

    def test_entity_expansion_is_refused(self, session: Session) -> None:
        with pytest.raises(BadRequest, match="refused XML"):
            _run(session, CUS, as_bytes(files.BILLION_LAUGHS), XML)
        assert session.scalar(select(Customer).where(Customer.external_id == "X1")) is None

    def test_malformed_json_is_a_bad_request(self, session: Session) -> None:
        with pytest.raises(BadRequest, match="malformed json"):
            _run(session, CUS, as_bytes("[{"), JSON)

    def test_progress_is_reported(self, session: Session) -> None:
        seen: list[int] = []
        _run_with = import_service.run
        _run_with(
            session,
            kind=CUS,
            stream=as_bytes(files.CUSTOMERS_CSV),
            fmt=CSV,
            progress=seen.append,
        )
        assert sum(seen) == 3
