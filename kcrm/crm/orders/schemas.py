"""Order schemas: create with lines, status/shipping updates, read and list filters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import Field, model_validator

from kcrm.core.schemas import Schema
from kcrm.crm.orders.models import OrderStatus


class OrderLineCreate(Schema):
    product_id: int | None = Field(None, ge=1)
    sku: str | None = Field(None, min_length=1, max_length=64)
    quantity: int = Field(1, ge=1, le=100_000)
    unit_price: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=2, description="Defaults to the product's price"
    )

    @model_validator(mode="after")
    def _names_a_product(self) -> OrderLineCreate:
        if self.product_id is None and self.sku is None:
            raise ValueError("a line needs a product_id or a sku")
        return self


class OrderCreate(Schema):
    customer_id: int = Field(ge=1)
    number: str | None = Field(
        None, min_length=1, max_length=64, description="Generated if omitted"
    )
    external_id: str | None = Field(None, min_length=1, max_length=64)
    channel: str | None = Field(None, max_length=32)
    currency: str = Field("CNY", pattern="^[A-Z]{3}$")
    placed_at: datetime | None = None
    shipping_address: str | None = Field(None, max_length=500)
    lines: list[OrderLineCreate] = Field(min_length=1, max_length=500)


class OrderUpdate(Schema):
    status: OrderStatus | None = None
    carrier: str | None = Field(None, max_length=64)
    tracking_number: str | None = Field(None, min_length=1, max_length=64)
    shipping_address: str | None = Field(None, max_length=500)


class OrderLineRead(Schema):
    id: int
    product_id: int | None
    sku: str
    quantity: int
    unit_price: Decimal


class OrderRead(Schema):
    id: int
    number: str
    external_id: str | None
    customer_id: int
    status: OrderStatus
    channel: str | None
    currency: str
    total: Decimal
    placed_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    carrier: str | None
    tracking_number: str | None
    shipping_address: str | None
    created_at: datetime
    updated_at: datetime
    lines: list[OrderLineRead]


class OrderFilters(Schema):
    """What an order list can be narrowed by."""

    customer_id: int | None = None
    status: OrderStatus | None = None
    number: str | None = Field(None, max_length=64)
    placed_from: datetime | None = None
    placed_to: datetime | None = None
