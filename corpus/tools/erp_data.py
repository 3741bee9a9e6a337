"""Read the demo ERP files (products, customers, orders) and the playbooks for the generators."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent.parent
CST = timezone(timedelta(hours=8))
# The demo's "today", as in generate_erp.py: nothing happens after it.
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=CST)
START = NOW - timedelta(days=365)
AGENTS = {
    "zh": ("agent@hearth-demo.com", "李娜"),
    "en": ("james.wilson@hearth-demo.com", "James"),
}
# Products Hearth installs (split ACs, built-in dishwashers, water heaters).
INSTALLABLE = frozenset({"AC-1001", "AC-1002", "AC-1003", "AC-1004", "AC-1005", "DW-4002",
                         "DW-4003", "WH-6001", "WH-6002", "WH-6003", "WH-6004"})  # fmt: skip
CARRIER_ZH = {"SF Express": "顺丰", "JD Logistics": "京东物流", "DHL": "DHL"}


@dataclass
class Order:
    """One order of the ERP feed."""

    number: str
    customer_id: str
    status: str
    channel: str
    placed_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    carrier: str
    tracking: str
    address: str
    lines: list[tuple[str, int, str]]


def _when(el: ET.Element, tag: str) -> datetime | None:
    text = el.findtext(tag)
    return datetime.fromisoformat(text) if text else None


def load_products() -> dict[str, dict[str, Any]]:
    """Products by SKU."""
    data = json.loads((CORPUS / "erp" / "products.json").read_text(encoding="utf-8"))
    return {p["sku"]: p for p in data}


def load_customers() -> dict[str, dict[str, str]]:
    """Customers by external id."""
    with (CORPUS / "erp" / "customers.csv").open(encoding="utf-8", newline="") as fh:
        return {row["external_id"]: row for row in csv.DictReader(fh)}


def load_orders() -> list[Order]:
    """Orders in feed order (by placement time)."""
    root = ET.parse(CORPUS / "erp" / "orders.xml").getroot()
    orders = []
    for el in root.iter("order"):
        placed = _when(el, "placed_at")
        assert placed is not None
        lines = [
            (ln.attrib["sku"], int(ln.attrib["quantity"]), ln.attrib["unit_price"])
            for ln in el.iter("line")
        ]
        orders.append(
            Order(
                el.attrib["number"],
                el.attrib["customer_external_id"],
                el.attrib["status"],
                el.attrib["channel"],
                placed,
                _when(el, "paid_at"),
                _when(el, "shipped_at"),
                _when(el, "delivered_at"),
                el.findtext("carrier") or "",
                el.findtext("tracking_number") or "",
                el.findtext("shipping_address") or "",
                lines,
            )  # fmt: skip
        )
    return orders


def load_playbook_actions() -> dict[str, list[str]]:
    """Each playbook intent with its ordered step actions."""
    data = yaml.safe_load((CORPUS / "playbooks.yaml").read_text(encoding="utf-8"))
    return {p["intent"]: [s["action"] for s in p["steps"]] for p in data["playbooks"]}
