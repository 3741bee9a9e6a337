"""The shipped demo corpus: every file parses, enums are valid, references resolve."""

from __future__ import annotations

import csv
import json
import random
import re
from collections import Counter
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from defusedxml import ElementTree

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
# The demo's "today": nothing in the corpus may happen after it.
DEMO_TODAY = datetime.fromisoformat("2026-11-20T23:59:59+08:00")
CATEGORIES = {"air_conditioner", "air_purifier", "robot_vacuum", "dishwasher", "refrigerator",
              "water_heater", "rice_cooker", "kitchen_small", "smart_home"}  # fmt: skip
CUSTOMER_HEADER = (
    "external_id,kind,name,language,email,phone,segment,lifecycle_stage,value_tier,"
    "credit_rating,member_points,member_tier,tags,city,country"
)
ORDER_STATUSES = {"placed", "paid", "shipped", "delivered", "returned", "cancelled"}
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def products() -> dict[str, dict[str, Any]]:
    data = json.loads((CORPUS / "erp" / "products.json").read_text(encoding="utf-8"))
    return {p["sku"]: p for p in data}


@cache
def customers() -> dict[str, dict[str, str]]:
    with (CORPUS / "erp" / "customers.csv").open(encoding="utf-8", newline="") as fh:
        return {row["external_id"]: row for row in csv.DictReader(fh)}


@cache
def orders() -> list[Any]:
    return list(ElementTree.parse(CORPUS / "erp" / "orders.xml").getroot())


@cache
def playbooks() -> list[dict[str, Any]]:
    return yaml.safe_load((CORPUS / "playbooks.yaml").read_text(encoding="utf-8"))["playbooks"]


@cache
def users() -> list[dict[str, Any]]:
    return yaml.safe_load((CORPUS / "users.yaml").read_text(encoding="utf-8"))["users"]


def tickets(name: str) -> list[dict[str, Any]]:
    path = CORPUS / "tickets" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def tier_for(points: int) -> str:
    if points >= 20000:
        return "platinum"
    return "gold" if points >= 5000 else "silver" if points >= 1000 else "standard"


class TestProducts:
    def test_catalogue_is_complete_and_unique(self) -> None:
        data = json.loads((CORPUS / "erp" / "products.json").read_text(encoding="utf-8"))
        assert 35 <= len(data) <= 50
        assert len({p["sku"] for p in data}) == len(data)
        assert len({p["external_id"] for p in data}) == len(data)
        assert {p["category"] for p in data} == CATEGORIES

    def test_fields_are_well_formed(self) -> None:
        for p in products().values():
            assert re.fullmatch(r"P-\d{4}", p["external_id"])
            assert re.fullmatch(r"\d+\.\d{2}", p["price"]), p["sku"]
            assert Decimal(p["price"]) > 0
            assert p["currency"] == "CNY"
            assert p["specs"]["model"].startswith("HC-")
            assert CJK.search(p["name"])
            assert p["name_en"].isascii()
            assert p["warranty_months"] in {0, 12, 24, 36}


class TestCustomers:
    def test_header_and_size(self) -> None:
        text = (CORPUS / "erp" / "customers.csv").read_text(encoding="utf-8")
        assert text.splitlines()[0] == CUSTOMER_HEADER
        rows = list(customers().values())
        assert 280 <= len(rows) <= 320
        kinds = Counter(r["kind"] for r in rows)
        assert 25 <= kinds["company"] <= 35
        english = sum(r["language"] == "en" for r in rows) / len(rows)
        assert 0.2 <= english <= 0.3

    def test_enums_and_member_tiers(self) -> None:
        for r in customers().values():
            assert r["kind"] in {"person", "company"}
            assert r["language"] in {"zh", "en"}
            assert r["lifecycle_stage"] in {"lead", "prospect", "customer", "churned"}
            assert r["value_tier"] in {"low", "medium", "high", "vip"}
            assert r["credit_rating"] in {"", "AAA", "AA", "A", "BBB", "BB", "B", "C"}
            assert r["member_tier"] == tier_for(int(r["member_points"])), r["external_id"]
            assert all(SNAKE.match(tag) or tag[0].isdigit() for tag in r["tags"].split(";") if tag)

    def test_demo_portal_customers(self) -> None:
        wang, emily = customers()["C0001"], customers()["C0002"]
        assert (wang["name"], wang["language"], wang["member_tier"], wang["city"]) == (
            "王小明", "zh", "gold", "上海",
        )  # fmt: skip
        assert (emily["name"], emily["language"], emily["member_tier"], emily["city"]) == (
            "Emily Carter", "en", "silver", "London",
        )  # fmt: skip


class TestOrders:
    def test_references_and_enums(self) -> None:
        assert 850 <= len(orders()) <= 950
        numbers = [o.get("number") for o in orders()]
        assert len(set(numbers)) == len(numbers)
        for o in orders():
            assert o.get("status") in ORDER_STATUSES
            assert o.get("channel") in {"online", "store", "tmall", "jd"}
            assert o.get("customer_external_id") in customers()
            lines = list(o.iter("line"))
            assert lines, o.get("number")
            assert all(line.get("sku") in products() for line in lines)
            assert all(int(line.get("quantity")) >= 1 for line in lines)

    def test_timestamps_follow_the_status(self) -> None:
        reached = {"placed": 1, "paid": 2, "cancelled": 1, "shipped": 3, "delivered": 4,
                   "returned": 4}  # fmt: skip
        for o in orders():
            stamps = [when(o.findtext(t)) for t in ("placed_at", "paid_at", "shipped_at",
                                                    "delivered_at")]  # fmt: skip
            present = [s for s in stamps if s is not None]
            assert present == sorted(present)
            assert max(present) <= DEMO_TODAY
            if o.get("status") != "cancelled":
                assert len(present) == reached[o.get("status")], o.get("number")
                assert stamps[: len(present)] == present
            assert bool(o.findtext("tracking_number")) == (stamps[2] is not None)

    def test_large_appliances_ship_in_china_only(self) -> None:
        for o in orders():
            if customers()[o.get("customer_external_id")]["country"] != "CN":
                assert o.findtext("carrier") in {"DHL", ""}
                assert all(line.get("sku")[:2] not in {"AC", "RF", "DW", "WH"}
                           for line in o.iter("line"))  # fmt: skip

    def test_demo_orders(self) -> None:
        mine = {c: [o for o in orders() if o.get("customer_external_id") == c]
                for c in ("C0001", "C0002")}  # fmt: skip
        shipped = [o for o in mine["C0001"] if o.get("status") == "shipped"]
        assert len(shipped) == 1
        assert shipped[0].findtext("tracking_number")
        assert any(o.get("status") == "delivered" for o in mine["C0002"])


class TestUsers:
    def test_demo_accounts(self) -> None:
        by_role = Counter(u["role"] for u in users())
        assert by_role == {"admin": 1, "agent": 2, "knowledge_manager": 1, "customer": 2}
        emails = {u["email"] for u in users()}
        assert {"admin@hearth-demo.com", "agent@hearth-demo.com", "km@hearth-demo.com",
                "wang.xiaoming@example.com", "emily.carter@example.com"} <= emails  # fmt: skip
        for u in users():
            assert len(u["password"]) >= 8
            assert u["language"] in {"zh", "en"}
            assert (u["role"] == "customer") == ("customer_external_id" in u)
        bound = {u["customer_external_id"] for u in users() if u["role"] == "customer"}
        assert bound == {"C0001", "C0002"}


class TestFaq:
    def test_entries(self) -> None:
        with (CORPUS / "faq.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == ["id", "language", "question", "answer", "category",
                                         "product_sku", "tags"]  # fmt: skip
            rows = list(reader)
        assert len(rows) >= 60
        assert len({r["id"] for r in rows}) == len(rows)
        assert Counter(r["language"] for r in rows).keys() == {"zh", "en"}
        for r in rows:
            assert r["question"].strip()
            assert r["answer"].strip()
            assert r["product_sku"] == "" or r["product_sku"] in products()


class TestPlaybooks:
    def test_structure(self) -> None:
        assert len(playbooks()) >= 15
        assert len({p["intent"] for p in playbooks()}) == len(playbooks())
        for p in playbooks():
            assert SNAKE.match(p["intent"])
            assert p["language"] == "both"
            assert p["title"]
            assert CJK.search(p["title_zh"])
            assert set(p["kinds"]) <= {"complaint", "inquiry", "service_request", "return"}
            triggers = [str(t) for t in p["triggers"]]
            assert any(CJK.search(t) for t in triggers)
            assert any(t.isascii() for t in triggers)
            for step in p["steps"]:
                assert SNAKE.match(step["action"]), step["action"]
                assert step["text"]
                assert CJK.search(step["text_zh"])


class TestResolvedTickets:
    def test_volume_and_languages(self) -> None:
        rows = tickets("resolved.jsonl")
        assert len(rows) >= 300
        zh = sum(t["language"] == "zh" for t in rows) / len(rows)
        assert 0.5 <= zh <= 0.7
        assert len({t["scenario"] for t in rows}) >= 40

    def test_fields_and_references(self) -> None:
        agents = {u["email"] for u in users() if u["role"] == "agent"}
        order_owner = {o.get("number"): o.get("customer_external_id") for o in orders()}
        for t in tickets("resolved.jsonl"):
            assert t["status"] in {"resolved", "closed"}
            assert t["resolution_summary"]
            assert t["kind"] in {"inquiry", "complaint", "service_request", "return"}
            assert t["channel"] in {"chat", "email", "phone", "web_form"}
            assert t["priority"] in {"low", "normal", "high", "urgent"}
            assert t["owner_email"] in agents
            assert t["satisfaction"] in {None, 1, 2, 3, 4, 5}
            assert t["customer_external_id"] in customers()
            assert t["product_sku"] is None or t["product_sku"] in products()
            if t["order_number"] is not None:
                assert order_owner[t["order_number"]] == t["customer_external_id"]

    def test_timeline_is_consistent(self) -> None:
        for t in tickets("resolved.jsonl"):
            created, resolved = when(t["created_at"]), when(t["resolved_at"])
            assert created is not None
            assert resolved is not None
            assert created <= resolved <= DEMO_TODAY, t["external_id"]
            moments = [when(m["at"]) for m in t["messages"]] + [when(a["at"]) for a in t["actions"]]
            assert all(m is not None and created <= m <= resolved for m in moments)
            assert t["messages"][0]["author"] == "customer"
            assert all(m["author"] in {"customer", "agent", "system"} and m["body"].strip()
                       for m in t["messages"])  # fmt: skip
            assert all(not m["internal"] or m["author"] == "agent" for m in t["messages"])

    def test_actions_follow_the_playbook(self) -> None:
        steps = {p["intent"]: {s["action"] for s in p["steps"]} for p in playbooks()}
        for t in tickets("resolved.jsonl"):
            assert t["actions"], t["external_id"]
            for a in t["actions"]:
                assert SNAKE.match(a["action"])
                assert isinstance(a["details"], dict)
                assert a["action"] in steps[t["playbook"]], (t["external_id"], a["action"])


class TestOpenTickets:
    def test_demo_cases(self) -> None:
        rows = tickets("open.jsonl")
        assert 10 <= len(rows) <= 20
        assert all(t["status"] in {"new", "open", "pending"} and t["resolved_at"] is None
                   for t in rows)  # fmt: skip
        resolved_ids = {t["external_id"] for t in tickets("resolved.jsonl")}
        assert not resolved_ids & {t["external_id"] for t in rows}
        wang = [t for t in rows if t["customer_external_id"] == "C0001"]
        assert [(t["kind"], t["product_sku"]) for t in wang] == [("complaint", "AC-1002")]
        emily = [t for t in rows if t["customer_external_id"] == "C0002"]
        assert [t["kind"] for t in emily] == ["return"]
        for t in rows:
            assert all(when(m["at"]) <= DEMO_TODAY for m in t["messages"])  # type: ignore[operator]


class TestGenerator:
    def test_tickets_are_reproducible(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.syspath_prepend(str(CORPUS / "tools"))
        import generate_tickets

        rows = generate_tickets.generate(
            random.Random(generate_tickets.SEED), generate_tickets.load_orders()
        )
        expected = (CORPUS / "tickets" / "resolved.jsonl").read_text(encoding="utf-8")
        assert "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) == expected
