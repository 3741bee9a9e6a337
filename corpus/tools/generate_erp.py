"""Generate the demo ERP data: corpus/erp/customers.csv and corpus/erp/orders.xml.

Deterministic (seeded). Reads corpus/erp/products.json, which is written by hand.
Run: python corpus/tools/generate_erp.py
"""

from __future__ import annotations

import csv
import json
import random
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from names import (
    ABROAD_CITIES,
    ABROAD_WEIGHTS,
    CN_CITIES,
    CN_CITY_WEIGHTS,
    COMPANIES,
    FIRST_NAMES,
    GIVEN_NAMES,
    LAST_NAMES,
    PERSON_SEGMENT_WEIGHTS,
    PERSON_SEGMENTS,
    PERSON_TAGS,
    PHONE_PREFIX,
    SURNAMES,
)

CORPUS = Path(__file__).resolve().parent.parent
CST = timezone(timedelta(hours=8))
# The demo's "today": nothing in the corpus happens after this moment.
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=CST)
START = NOW - timedelta(days=365)
N_PERSONS_ZH = 200
N_PERSONS_EN = 68
TARGET_ORDERS = 900
HEADER = (
    "external_id,kind,name,language,email,phone,segment,lifecycle_stage,value_tier,"
    "credit_rating,member_points,member_tier,tags,city,country"
).split(",")
# Monthly demand: 618 in June and 双11 in November are the peaks.
MONTH_WEIGHT = {1: 6, 2: 5, 3: 6, 4: 7, 5: 9, 6: 14, 7: 11, 8: 9, 9: 7, 10: 8, 11: 16, 12: 8}
SUMMER = {5, 6, 7, 8}
WINTER = {11, 12, 1, 2}
# SKU prefixes of large appliances, which JD Logistics delivers to the door.
LARGE = {"AC", "RF", "DW", "WH"}
TIER_BANDS = {"standard": (0, 999), "silver": (1000, 4999), "gold": (5000, 19999),
              "platinum": (20000, 80000)}  # fmt: skip


@dataclass
class Customer:
    external_id: str
    kind: str
    name: str
    language: str
    email: str
    phone: str
    segment: str
    city: str
    country: str
    address: str
    lifecycle_stage: str = "customer"
    tags: list[str] = field(default_factory=list)
    credit_rating: str = ""
    prior_points: int = 0
    spent: Decimal = Decimal("0")
    earned: int = 0


@dataclass
class Order:
    customer: Customer
    placed_at: datetime
    channel: str
    lines: list[tuple[str, int, Decimal]]
    status: str = "placed"
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    carrier: str = ""
    tracking: str = ""
    number: str = ""

    @property
    def total(self) -> Decimal:
        """Sum of the order lines."""
        return sum((price * qty for _, qty, price in self.lines), Decimal("0"))


def member_tier(points: int) -> str:
    """The membership tier a points balance earns."""
    if points >= 20000:
        return "platinum"
    if points >= 5000:
        return "gold"
    if points >= 1000:
        return "silver"
    return "standard"


def cn_address(rng: random.Random, city_index: int) -> tuple[str, str]:
    """A plausible (fake) street address in a Chinese city."""
    city, prefix, streets = CN_CITIES[city_index]
    street = rng.choice(streets)
    return city, (
        f"{prefix}{street} {rng.randint(1, 2999)} 号 {rng.randint(1, 30)} 栋 "
        f"{rng.randint(1, 32)}{rng.randint(1, 4):02d} 室"
    )


def abroad_address(rng: random.Random, index: int) -> tuple[str, str, str]:
    """A plausible (fake) street address abroad: (city, country, address)."""
    city, country, streets, postcode = ABROAD_CITIES[index]
    line = f"{rng.randint(1, 240)} {rng.choice(streets)}, {city}"
    return city, country, f"{line} {postcode}".strip() + f", {country}"


def special_customers() -> list[Customer]:
    """The two portal accounts of the demo."""
    wang = Customer(
        "C0001", "person", "王小明", "zh", "wang.xiaoming@example.com", "138-0000-0001",
        "new_home_owner", "上海", "CN", "上海市浦东新区张杨路 1288 弄 6 号 1502 室",
        tags=["new_home", "wechat_follower", "installation_customer"], credit_rating="AA",
        prior_points=2100,
    )  # fmt: skip
    emily = Customer(
        "C0002", "person", "Emily Carter", "en", "emily.carter@example.com",
        "+44 20 7946 0002", "renter", "London", "GB",
        "Flat 4, 27 Camden Road, London NW1 9LN, GB",
        tags=["overseas", "allergy"], credit_rating="", prior_points=400,
    )  # fmt: skip
    return [wang, emily]


def make_persons(rng: random.Random, start: int) -> list[Customer]:
    """Chinese and English speaking private customers."""
    people: list[Customer] = []
    used: set[str] = {"wang.xiaoming", "emily.carter"}
    for i in range(N_PERSONS_ZH + N_PERSONS_EN):
        ext = f"C{start + i:04d}"
        if i < N_PERSONS_ZH:
            (sur, sur_py), (given, given_py) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
            name, handle = sur + given, f"{given_py}.{sur_py}"
            city_index = rng.choices(range(len(CN_CITIES)), CN_CITY_WEIGHTS)[0]
            city, address = cn_address(rng, city_index)
            country, language = "CN", "zh"
            phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}-0000-{rng.randint(0, 9999):04d}"
            domain = rng.choice(["example.com", "example.cn", "example.net"])
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            handle = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
            city, country, address = abroad_address(
                rng, rng.choices(range(len(ABROAD_CITIES)), ABROAD_WEIGHTS)[0]
            )
            language, domain = "en", rng.choice(["example.com", "example.org", "example.net"])
            phone = f"{PHONE_PREFIX[country]}{rng.randint(100, 999)}"
        base, n = handle, 2
        while handle in used:
            handle, n = f"{base}{n}", n + 1
        used.add(handle)
        stage = rng.choices(["customer", "lead", "prospect", "churned"], [80, 6, 6, 8])[0]
        segment = rng.choices(PERSON_SEGMENTS, PERSON_SEGMENT_WEIGHTS)[0]
        tags = rng.sample(PERSON_TAGS, rng.choice([0, 1, 1, 2, 2, 3]))
        if country != "CN":
            tags.insert(0, "overseas")
        rating = rng.choice(["", "", "", "AA", "A", "A", "BBB", "BB"])
        people.append(
            Customer(ext, "person", name, language, f"{handle}@{domain}", phone, segment,
                     city, country, address, stage, tags, rating, rng.randint(0, 2500))
        )  # fmt: skip
    return people


def make_companies(rng: random.Random, start: int) -> list[Customer]:
    """Business customers: hotels, apartments, offices, distributors."""
    companies: list[Customer] = []
    cn_index = {city: i for i, (city, _, _) in enumerate(CN_CITIES)}
    abroad_index = {city: i for i, (city, *_) in enumerate(ABROAD_CITIES)}
    for i, (name, language, city, segment, domain) in enumerate(COMPANIES):
        if city in cn_index:
            _, address = cn_address(rng, cn_index[city])
            country = "CN"
            phone = f"0{rng.randint(10, 29)}-6{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"
        else:
            _, country, address = abroad_address(rng, abroad_index[city])
            phone = f"{PHONE_PREFIX[country]}{rng.randint(100, 999)}"
        stage = rng.choices(["customer", "prospect", "lead"], [24, 3, 3])[0]
        tags = ["b2b", *rng.sample(["bulk_buyer", "invoice_vat", "installation_customer",
                                     "annual_contract", "net30"], 2)]  # fmt: skip
        rating = rng.choice(["AAA", "AA", "AA", "A", "A", "BBB", "BB", "B"])
        companies.append(
            Customer(f"C{start + i:04d}", "company", name, language, f"purchasing@{domain}",
                     phone, segment, city, country, address, stage, tags, rating)
        )  # fmt: skip
    return companies


def random_moment(rng: random.Random) -> datetime:
    """A shopping moment in the last 12 months, following monthly demand."""
    while True:
        day = START + timedelta(days=rng.random() * 365)
        if rng.random() * 16 < MONTH_WEIGHT[day.month]:
            break
    moment = day.replace(
        hour=rng.randint(8, 22), minute=rng.randint(0, 59), second=0, microsecond=0
    )
    return min(moment, NOW - timedelta(minutes=rng.randint(5, 600)))


def pick_lines(
    rng: random.Random, products: list[dict[str, object]], month: int, company: bool
) -> list[tuple[str, int, Decimal]]:
    """One to three order lines, seasonal (ACs in summer, heaters and purifiers in winter)."""
    weights = []
    for p in products:
        w = 3.0 if p["category"] in {"kitchen_small", "rice_cooker", "smart_home"} else 2.0
        if p["category"] == "air_conditioner":
            w *= 4 if month in SUMMER else 0.5
        if p["category"] in {"air_purifier", "water_heater"} and month in WINTER:
            w *= 2.5
        weights.append(w)
    chosen = rng.choices(products, weights, k=rng.choice([1, 1, 1, 1, 1, 2, 2, 3]))
    lines: dict[str, tuple[str, int, Decimal]] = {}
    for p in chosen:
        price = Decimal(str(p["price"]))
        if rng.random() < 0.3:  # promotions: coupons and platform subsidies
            price = (price * Decimal(rng.choice(["0.95", "0.9", "0.85"]))).quantize(Decimal("1"))
            price = price.quantize(Decimal("0.01"))
        qty = rng.randint(4, 30) if company else rng.choice([1, 1, 1, 1, 2])
        lines[str(p["sku"])] = (str(p["sku"]), qty, price)
    return list(lines.values())


def carrier_for(rng: random.Random, order: Order) -> tuple[str, str]:
    """Carrier and a fake tracking number: DHL abroad, JD for large appliances, else SF."""
    if order.customer.country != "CN":
        return "DHL", f"{rng.randint(10**9, 10**10 - 1)}"
    if any(sku[:2] in LARGE for sku, _, _ in order.lines):
        return "JD Logistics", f"JDVA{rng.randint(10**10, 10**11 - 1)}"
    return "SF Express", f"SF{rng.randint(10**12, 10**13 - 1)}"


def advance(rng: random.Random, order: Order) -> None:
    """Move an order through its life up to NOW, stamping times consistently."""
    if rng.random() < 0.05:
        order.status = "cancelled"
        if rng.random() < 0.5:
            order.paid_at = order.placed_at + timedelta(minutes=rng.randint(1, 20))
        return
    paid = order.placed_at + timedelta(minutes=rng.randint(1, 90))
    if paid > NOW or (NOW - order.placed_at < timedelta(hours=24) and rng.random() < 0.3):
        return
    order.status, order.paid_at = "paid", paid
    shipped = paid + timedelta(hours=rng.randint(6, 52))
    if shipped > NOW:
        return
    order.status, order.shipped_at = "shipped", shipped
    order.carrier, order.tracking = carrier_for(rng, order)
    # DHL: 3-7 business days plus customs clearance; in China 1-4 days.
    days = rng.randint(4, 10) if order.customer.country != "CN" else rng.randint(1, 4)
    delivered = shipped + timedelta(days=days, hours=rng.randint(0, 10))
    if delivered > NOW:
        return
    order.status, order.delivered_at = "delivered", delivered
    if rng.random() < 0.045 and delivered < NOW - timedelta(days=7):
        order.status = "returned"


def generate_orders(
    rng: random.Random, customers: list[Customer], products: list[dict[str, object]]
) -> list[Order]:
    """About 900 orders over the last 12 months, plus the demo's hand-placed ones."""
    buyers = [c for c in customers[2:] if c.lifecycle_stage in {"customer", "churned"}]
    weights = [6 if c.kind == "company" else 2 if c.lifecycle_stage == "churned" else 3
               for c in buyers]  # fmt: skip
    regular = [p for p in products if int(str(p["warranty_months"])) > 0]
    small = [p for p in regular if str(p["sku"])[:2] not in LARGE]
    orders = special_orders(customers[0], customers[1])
    while len(orders) < TARGET_ORDERS:
        customer = rng.choices(buyers, weights)[0]
        placed = random_moment(rng)
        if customer.lifecycle_stage == "churned" and placed > NOW - timedelta(days=240):
            continue
        channel = rng.choices(["online", "tmall", "jd", "store"], [35, 25, 22, 18])[0]
        if customer.country != "CN" or customer.kind == "company":
            channel = "online"
        # Large appliances are not shipped abroad: they need local installation.
        catalogue = regular if customer.country == "CN" else small
        lines = pick_lines(rng, catalogue, placed.month, customer.kind == "company")
        order = Order(customer, placed, channel, lines)
        advance(rng, order)
        orders.append(order)
    orders.sort(key=lambda o: o.placed_at)
    counters: dict[int, int] = {}
    for order in orders:
        year = order.placed_at.year
        counters[year] = counters.get(year, 0) + 1
        order.number = f"SO-{year}-{counters[year]:05d}"
    return orders


def at(day: str, time: str) -> datetime:
    """A Beijing-time moment from 'YYYY-MM-DD' and 'HH:MM'."""
    return datetime.fromisoformat(f"{day}T{time}:00+08:00")


def special_orders(wang: Customer, emily: Customer) -> list[Order]:
    """C0001's and C0002's history, fixed so the demo script can rely on it."""
    d = Decimal

    def delivered(
        c: Customer,
        placed: datetime,
        lines: list[tuple[str, int, Decimal]],
        carrier: str,
        tracking: str,
        days: int,
    ) -> Order:
        return Order(c, placed, "online", lines, "delivered", placed + timedelta(minutes=5),
                     placed + timedelta(hours=20), placed + timedelta(days=days),
                     carrier, tracking)  # fmt: skip

    return [
        delivered(wang, at("2026-03-08", "20:15"), [("RF-5003", 1, d("4599.00"))],
                  "JD Logistics", "JDVA30815269471", 3),
        delivered(wang, at("2026-06-18", "00:32"), [("RV-3003", 1, d("3599.00")),
                  ("AP-2002", 1, d("2249.00"))], "SF Express", "SF1420618003215", 2),
        delivered(wang, at("2026-09-02", "19:40"), [("KS-8002", 1, d("199.00"))],
                  "SF Express", "SF1420902118834", 1),
        # The late air conditioner behind C0001's open complaint.
        Order(wang, at("2026-11-11", "00:08"), "online", [("AC-1002", 1, d("2799.00"))],
              "shipped", at("2026-11-11", "00:09"), at("2026-11-13", "09:30"), None,
              "JD Logistics", "JDVA61113470528"),
        delivered(emily, at("2026-10-19", "21:05"), [("AP-2001", 1, d("1299.00"))],
                  "DHL", "4821093375", 9),
        # The robot vacuum C0002 is returning within the 7-day window.
        delivered(emily, at("2026-11-06", "18:20"), [("RV-3004", 1, d("999.00"))],
                  "DHL", "4821137702", 9),
    ]  # fmt: skip


def finish_customers(rng: random.Random, customers: list[Customer], orders: list[Order]) -> None:
    """Points (1 per CNY spent, plus older balance) follow from the orders."""
    for order in orders:
        if order.status in {"delivered", "shipped", "paid"}:
            order.customer.spent += order.total
        # Points post on day 8 after delivery, once the return window has closed.
        if order.status == "delivered" and order.delivered_at <= NOW - timedelta(days=7):
            order.customer.earned += int(order.total)
    for c in customers:
        if c.kind == "company" or c.lifecycle_stage in {"lead", "prospect"}:
            c.prior_points = 0
        elif c.external_id not in {"C0001", "C0002"}:
            # Older points were partly redeemed for vouchers, so balances differ from spend.
            c.prior_points -= int(int(c.spent) * rng.choice([0, 0, 0.2, 0.4, 0.6]))
        if c.spent and "installation_customer" not in c.tags and rng.random() < 0.2:
            c.tags.append("installation_customer")


def value_tier(c: Customer) -> str:
    """Value tier from the last 12 months' spend."""
    spent = c.spent / (5 if c.kind == "company" else 1)
    if c.lifecycle_stage in {"lead", "prospect"}:
        return "low"
    if spent >= 15000:
        return "vip"
    if spent >= 6000:
        return "high"
    if spent >= 1500:
        return "medium"
    return "low"


def member_points(c: Customer) -> tuple[int, str]:
    """Balance and tier: the tier follows points earned in 12 months, the balance stays in it."""
    if c.kind == "company":
        return 0, "standard"
    tier = member_tier(c.earned)
    low, high = TIER_BANDS[tier]
    # Older points and redemptions move the balance, but not outside the tier's band.
    return min(max(c.prior_points + c.earned, low), high), tier


def write_customers(customers: list[Customer], path: Path) -> None:
    """customers.csv with the header the importer expects."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for c in customers:
            points, tier = member_points(c)
            writer.writerow([
                c.external_id, c.kind, c.name, c.language, c.email, c.phone, c.segment,
                c.lifecycle_stage, value_tier(c), c.credit_rating, points, tier,
                ";".join(c.tags), c.city, c.country,
            ])  # fmt: skip


def _stamp(parent: ET.Element, tag: str, value: datetime | None) -> None:
    ET.SubElement(parent, tag).text = value.isoformat() if value else None


def write_orders(orders: list[Order], path: Path) -> None:
    """orders.xml in the ERP feed format."""
    root = ET.Element("orders")
    for o in orders:
        el = ET.SubElement(root, "order", {
            "external_id": o.number, "number": o.number,
            "customer_external_id": o.customer.external_id, "status": o.status,
            "currency": "CNY", "channel": o.channel,
        })  # fmt: skip
        for tag, value in (
            ("placed_at", o.placed_at),
            ("paid_at", o.paid_at),
            ("shipped_at", o.shipped_at),
            ("delivered_at", o.delivered_at),
        ):
            _stamp(el, tag, value)  # fmt: skip
        ET.SubElement(el, "carrier").text = o.carrier or None
        ET.SubElement(el, "tracking_number").text = o.tracking or None
        ET.SubElement(el, "shipping_address").text = o.customer.address
        lines = ET.SubElement(el, "lines")
        for sku, qty, price in o.lines:
            ET.SubElement(lines, "line", {"sku": sku, "quantity": str(qty),
                                          "unit_price": f"{price:.2f}"})  # fmt: skip
    ET.indent(root)
    tree = ET.ElementTree(root)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n")


def main() -> None:
    """Write customers.csv and orders.xml."""
    rng = random.Random(20261120)
    products = json.loads((CORPUS / "erp" / "products.json").read_text(encoding="utf-8"))
    customers = special_customers()
    customers += make_persons(rng, 3)
    customers += make_companies(rng, 3 + N_PERSONS_ZH + N_PERSONS_EN)
    orders = generate_orders(rng, customers, products)
    finish_customers(rng, customers, orders)
    write_customers(customers, CORPUS / "erp" / "customers.csv")
    write_orders(orders, CORPUS / "erp" / "orders.xml")
    print(f"{len(customers)} customers, {len(orders)} orders")  # noqa: T201


if __name__ == "__main__":
    main()
