"""Product use cases on a real database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.core.audit import AuditLog
from kcrm.core.errors import Conflict, NotFound
from kcrm.core.pagination import PageParams
from kcrm.crm.catalog import service as product_service
from kcrm.crm.catalog.schemas import ProductCreate, ProductFilters, ProductUpdate
from tests.factories.catalog import make_product


def _create(**overrides: object) -> ProductCreate:
    values: dict[str, object] = {
        "sku": "AC-9001",
        "external_id": "P-9001",
        "name": "变频空调",
        "category": "air_conditioner",
        "price": Decimal("2999.00"),
    }
    values.update(overrides)
    return ProductCreate.model_validate(values)


class TestCreate:
    def test_creates_and_audits(self, session: Session) -> None:
        product = product_service.create(session, data=_create())
        assert product.id is not None
        assert product.currency == "CNY"
        audit = session.scalars(
            select(AuditLog).where(AuditLog.entity == "products", AuditLog.action == "create")
        ).all()
        assert str(product.id) in {a.entity_id for a in audit}

    def test_duplicate_sku_is_a_conflict(self, session: Session) -> None:
        make_product(session, sku="AC-9001")
        with pytest.raises(Conflict, match="SKU"):
            product_service.create(session, data=_create())

    def test_duplicate_external_id_is_a_conflict(self, session: Session) -> None:
        make_product(session, external_id="P-9001")
        with pytest.raises(Conflict, match="external_id"):
            product_service.create(session, data=_create())


class TestUpdate:
    def test_changes_only_given_fields(self, session: Session) -> None:
        product = make_product(session, price=Decimal("10.00"))
        name = product.name
        product_service.update(session, product=product, data=ProductUpdate(price=Decimal("12")))
        assert product.price == Decimal("12")
        assert product.name == name

    def test_taking_another_products_sku_is_a_conflict(self, session: Session) -> None:
        first = make_product(session)
        second = make_product(session)
        with pytest.raises(Conflict):
            product_service.update(session, product=second, data=ProductUpdate(sku=first.sku))

    def test_keeping_its_own_sku_is_fine(self, session: Session) -> None:
        product = make_product(session)
        product_service.update(session, product=product, data=ProductUpdate(sku=product.sku))
        assert product.sku.startswith("TST-")


class TestDelete:
    def test_soft_delete_hides_the_product(self, session: Session) -> None:
        product = make_product(session)
        product_service.delete(session, product=product)
        assert product.deleted_at is not None
        with pytest.raises(NotFound):
            product_service.get(session, product_id=product.id)


class TestList:
    def test_filters_by_query_category_and_activity(self, session: Session) -> None:
        make_product(session, name="净水器 X1", category="water_purifier_t")
        make_product(session, name="净水器 X2", category="water_purifier_t", is_active=False)
        make_product(session, name="Other", category="water_purifier_t")
        filters = ProductFilters(q="净水器", category="water_purifier_t", is_active=True)
        items, total = product_service.list(session, filters=filters, params=PageParams())
        assert total == 1
        assert items[0].name == "净水器 X1"

    def test_sorts_by_price(self, session: Session) -> None:
        for price in ("30", "10", "20"):
            make_product(session, category="sorted_t", price=Decimal(price))
        items, _ = product_service.list(
            session, filters=ProductFilters(category="sorted_t"), params=PageParams(sort="price")
        )
        assert [p.price for p in items] == [Decimal("10"), Decimal("20"), Decimal("30")]


class TestGet:
    def test_active_only_hides_inactive(self, session: Session) -> None:
        product = make_product(session, is_active=False)
        assert product_service.get(session, product_id=product.id).id == product.id
        with pytest.raises(NotFound):
            product_service.get(session, product_id=product.id, active_only=True)
