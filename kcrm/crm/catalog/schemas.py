"""Product schemas: create, update, read and list filters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator

from kcrm.core.schemas import Schema


class ProductBase(Schema):
    sku: str = Field(min_length=1, max_length=64)
    external_id: str | None = Field(None, min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    category: str = Field(min_length=1, max_length=64)
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field("CNY", pattern="^[A-Z]{3}$")
    specs: dict[str, Any] = Field(default_factory=dict)
    description: str | None = Field(None, max_length=20_000)
    warranty_months: int = Field(12, ge=0, le=600)
    is_active: bool = True


class ProductCreate(ProductBase):
    pass


class ProductUpdate(Schema):
    sku: str | None = Field(None, min_length=1, max_length=64)
    external_id: str | None = Field(None, min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    category: str | None = Field(None, min_length=1, max_length=64)
    price: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    currency: str | None = Field(None, pattern="^[A-Z]{3}$")
    specs: dict[str, Any] | None = None
    description: str | None = Field(None, max_length=20_000)
    warranty_months: int | None = Field(None, ge=0, le=600)
    is_active: bool | None = None

    @field_validator(
        "sku", "name", "category", "price", "currency", "specs", "warranty_months", "is_active"
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Omit a field to keep it; an explicit null cannot clear a required column.
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class ProductRead(ProductBase):
    id: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class ProductFilters(Schema):
    """What a product list can be narrowed by."""

    q: str | None = Field(None, max_length=200, description="Matches SKU, name or English name")
    category: str | None = Field(None, max_length=64)
    is_active: bool | None = None
