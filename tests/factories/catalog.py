"""Factories for products."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kcrm.crm.catalog.models import Product

_seq = itertools.count(1)


def make_product(session: Session, **overrides: Any) -> Product:
    """A persisted, active product with sensible defaults."""
    n = next(_seq)
    values: dict[str, Any] = {
        "sku": f"TST-{n:05d}",
        "external_id": f"P-TST-{n:05d}",
        "name": f"测试产品 {n}",
        "name_en": f"Test product {n}",
        "category": "test",
        "price": Decimal("100.00"),
        "specs": {"power_w": 100 + n},
    }
    values.update(overrides)
    product = Product(**values)
    session.add(product)
    session.flush()
    return product
