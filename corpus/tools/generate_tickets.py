"""Generate the demo tickets: corpus/tickets/resolved.jsonl and corpus/tickets/open.jsonl.

Deterministic (seeded). Every ticket comes from a scenario template (scenarios_*.py) that
follows one playbook of corpus/playbooks.yaml, and refers to real customers, orders and
products of corpus/erp/. Run: python corpus/tools/generate_tickets.py
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import scenarios_delivery
import scenarios_extra
import scenarios_home
import scenarios_products
import scenarios_service
from actions import action_log
from erp_data import (
    AGENTS,
    CORPUS,
    INSTALLABLE,
    NOW,
    START,
    Order,
    load_customers,
    load_orders,
    load_playbook_actions,
    load_products,
)
from open_tickets import open_tickets
from render import build_context, conversation, expand_actions, pick, timeline
from scenario import Scenario

SEED = 3618
TARGET = 340
EN_SHARE = 0.47
SCENARIOS: list[Scenario] = (
    scenarios_delivery.SCENARIOS
    + scenarios_service.SCENARIOS
    + scenarios_products.SCENARIOS
    + scenarios_home.SCENARIOS
    + scenarios_extra.SCENARIOS
)
SPLIT_AC = {"AC-1001", "AC-1002", "AC-1003", "AC-1004", "AC-1005"}
# Rules that also narrow which of the order's products the ticket is about.
RULE_SKUS = {"installable": INSTALLABLE, "split_ac": SPLIT_AC}


def _gap_days(o: Order) -> float:
    if o.shipped_at is None or o.delivered_at is None:
        return 0.0
    return (o.delivered_at - o.shipped_at).total_seconds() / 86400


ORDER_RULES = {
    "late": lambda o, c: _gap_days(o) >= (3 if c["country"] == "CN" else 9),
    "in_transit": lambda o, c: _gap_days(o) >= 1.2,
    "paid": lambda o, c: o.paid_at is not None,
    "unpaid": lambda o, c: o.paid_at is None,
    "split_ac": lambda o, c: any(s in SPLIT_AC for s, _, _ in o.lines),
    "unshipped_window": lambda o, c: (
        o.paid_at is not None
        and o.shipped_at is not None
        and (o.shipped_at - o.paid_at) >= timedelta(hours=8)
    ),
    "installable": lambda o, c: (
        c["country"] == "CN" and any(s in INSTALLABLE for s, _, _ in o.lines)
    ),
    "china": lambda o, c: c["country"] == "CN",
    "company": lambda o, c: c["kind"] == "company",
}


def candidates(
    sc: Scenario, lang: str, orders: list[Order], customers: dict[str, dict[str, str]]
) -> list[Order]:
    """Orders that fit a scenario for customers speaking `lang`."""
    out = []
    for o in orders:
        c = customers[o.customer_id]
        if c["language"] != lang or o.customer_id in {"C0001", "C0002"}:
            continue
        if sc.statuses is not None and o.status not in sc.statuses:
            continue
        if sc.categories and not any(_category(s) in sc.categories for s in _main_skus(o)):
            continue
        if sc.rule and not ORDER_RULES[sc.rule](o, c):
            continue
        out.append(o)
    return out


def _category(sku: str) -> str:
    return str(PRODUCTS[sku]["category"])


def _main_skus(o: Order) -> list[str]:
    """The order's appliances, leaving out accessories such as filters."""
    return [s for s, _, _ in o.lines if "compatible_with" not in PRODUCTS[s]["specs"]]


def window(rng: random.Random, sc: Scenario, o: Order | None) -> tuple[datetime, datetime]:
    """When the ticket was opened and resolved, consistent with the order's timestamps."""
    u = rng.uniform
    dur = timedelta(hours=u(*sc.duration_h))
    if o is None or sc.timing == "anytime":
        created = START + timedelta(hours=u(0, 365 * 24 - 200))
        return created, created + dur
    after = timedelta(hours=u(*sc.after_h))
    if sc.timing == "in_transit":
        assert o.shipped_at is not None
        assert o.delivered_at is not None
        created = o.shipped_at + (o.delivered_at - o.shipped_at) * u(0.35, 0.8)
        return created, min(created + dur, o.delivered_at)
    if sc.timing == "late":
        assert o.shipped_at is not None
        assert o.delivered_at is not None
        created = max(o.delivered_at - timedelta(hours=u(6, 30)), o.shipped_at + timedelta(days=2))
        return created, o.delivered_at + dur
    if sc.timing == "before_shipping":
        assert o.paid_at is not None
        assert o.shipped_at is not None
        created = o.paid_at + (o.shipped_at - o.paid_at) * u(0.1, 0.5)
        return created, min(created + dur, o.shipped_at - timedelta(minutes=30))
    anchor = {
        "after_placed": o.placed_at, "after_paid": o.paid_at,
        "after_shipped": o.shipped_at, "after_delivery": o.delivered_at,
    }[sc.timing]  # fmt: skip
    assert anchor is not None, (sc.key, o.number)
    created = anchor + after
    return created, created + dur


def product_for(rng: random.Random, sc: Scenario, o: Order | None) -> dict[str, Any] | None:
    """The product the ticket is about: a matching line of the order, or any matching one."""
    if o is not None:
        skus = [s for s in _main_skus(o) if not sc.categories or _category(s) in sc.categories]
        if sc.rule in RULE_SKUS:
            skus = [s for s in skus if s in RULE_SKUS[sc.rule]] or skus
        return PRODUCTS[rng.choice(skus)]
    if sc.categories is None:
        return None
    pool = [p for p in PRODUCTS.values()
            if p["category"] in sc.categories and "compatible_with" not in p["specs"]]  # fmt: skip
    return rng.choice(pool)


def satisfaction(rng: random.Random, sc: Scenario) -> int | None:
    """A 1-5 rating, or None when the customer did not answer the survey."""
    if rng.random() < 0.18:
        return None
    return rng.choices([1, 2, 3, 4, 5], sc.satisfaction)[0]


def make_ticket(
    rng: random.Random, sc: Scenario, lang: str, o: Order | None, customer: dict[str, str]
) -> dict[str, Any] | None:
    """One resolved ticket, or None if its dates would fall after the demo's today."""
    created, resolved = window(rng, sc, o)
    if resolved > NOW - timedelta(hours=2) or created < START:
        return None
    product = product_for(rng, sc, o)
    sku = product["sku"] if product else ""
    # A variant may apply to some products only (e.g. ignition faults of gas heaters).
    fitting = [v for v in sc.variants if not v.get("only") or sku in v["only"]]
    if not fitting:
        return None
    variant = rng.choice(fitting)
    ctx = build_context(rng, lang, customer, o, product, variant)
    channel = rng.choice(sc.channels if lang == "zh" else [c for c in sc.channels if c != "phone"]
                         or sc.channels)  # fmt: skip
    if channel == "phone" and not 8 <= created.hour < 22:
        channel = "web_form"  # the hotline is open 8:00-22:00
    sat = satisfaction(rng, sc)
    msgs = conversation(rng, sc, lang, channel, ctx, sat)
    times = timeline(rng, msgs, channel, created, resolved)
    if times[-1] > NOW - timedelta(hours=1):
        return None
    resolved = times[-1] + timedelta(seconds=rng.randint(30, 600))
    steps = expand_actions(rng, variant.get("actions", sc.actions))
    owner, _ = AGENTS[lang]
    status = "closed" if resolved < NOW - timedelta(days=4) and rng.random() < 0.75 else "resolved"
    priority = rng.choice(sc.priority)
    if sc.kind == "complaint" and customer["member_tier"] == "platinum":
        priority = "high" if priority in {"low", "normal"} else priority
    return {
        "external_id": "", "customer_external_id": customer["external_id"],
        "product_sku": product["sku"] if product else None,
        "order_number": o.number if o else None, "kind": sc.kind, "channel": channel,
        "priority": priority, "language": lang, "subject": pick(rng, sc.subject, lang, ctx),
        "status": status, "created_at": _iso(created), "resolved_at": _iso(resolved),
        "owner_email": owner, "resolution_summary": pick(rng, sc.resolution, lang, ctx),
        "satisfaction": sat, "playbook": sc.playbook, "scenario": sc.key,
        "messages": [
            {"author": a, "body": b, "internal": i, "at": _iso(t)}
            for (a, b, i), t in zip(msgs, times, strict=True)
        ],
        "actions": action_log(rng, steps, sc, ctx, msgs, times, lang),
    }  # fmt: skip


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def generate(rng: random.Random, orders: list[Order]) -> list[dict[str, Any]]:
    """At least TARGET resolved tickets over the scenarios, about 40% in English."""
    pools = {(sc.key, lang): candidates(sc, lang, orders, CUSTOMERS)
             for sc in SCENARIOS for lang in sc.languages}  # fmt: skip
    used: set[str] = set()
    tickets: list[dict[str, Any]] = []
    # Every scenario appears at least twice, then draws follow the scenario weights.
    for sc in SCENARIOS:
        for _ in range(40):
            if sum(t["scenario"] == sc.key for t in tickets) >= 2:
                break
            ticket = _draw(rng, sc, _language(rng, sc), pools, used)
            if ticket is not None:
                tickets.append(ticket)
    while len(tickets) < TARGET:
        sc = rng.choices(SCENARIOS, [s.weight for s in SCENARIOS])[0]
        ticket = _draw(rng, sc, _language(rng, sc), pools, used)
        if ticket is not None:
            tickets.append(ticket)
    tickets.sort(key=lambda t: t["created_at"])
    for i, t in enumerate(tickets, 1):
        t["external_id"] = f"TK-{i:05d}"
    return tickets


def _language(rng: random.Random, sc: Scenario) -> str:
    """About EN_SHARE English, where the scenario exists in English."""
    lang = "en" if rng.random() < EN_SHARE + 0.05 else "zh"
    return lang if lang in sc.languages else sc.languages[0]


def _draw(
    rng: random.Random, sc: Scenario, lang: str, pools: dict[Any, list[Order]], used: set[str]
) -> dict[str, Any] | None:
    if sc.statuses is None:
        people = [c for c in CUSTOMERS.values() if c["language"] == lang
                  and c["external_id"] not in {"C0001", "C0002"}]  # fmt: skip
        return make_ticket(rng, sc, lang, None, rng.choice(people))
    pool = [o for o in pools[(sc.key, lang)] if o.number not in used]
    for o in rng.sample(pool, min(len(pool), 6)):
        ticket = make_ticket(rng, sc, lang, o, CUSTOMERS[o.customer_id])
        if ticket is not None:
            used.add(o.number)
            return ticket
    return None


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    """One JSON object a line, UTF-8, keys in a stable order."""
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


PRODUCTS = load_products()
CUSTOMERS = load_customers()


def main() -> None:
    """Write resolved.jsonl and open.jsonl."""
    rng = random.Random(SEED)
    orders = load_orders()
    playbooks = load_playbook_actions()
    for sc in SCENARIOS:
        allowed = set(playbooks[sc.playbook])
        for variant in sc.variants:
            for spec in variant.get("actions", sc.actions):
                assert set(spec.lstrip("?").split("|")) <= allowed, (sc.key, spec)
    resolved = generate(rng, orders)
    opened = open_tickets(rng, orders, CUSTOMERS, PRODUCTS, len(resolved))
    write_jsonl(CORPUS / "tickets" / "resolved.jsonl", resolved)
    write_jsonl(CORPUS / "tickets" / "open.jsonl", opened)
    langs = Counter(t["language"] for t in resolved)
    print(f"{len(resolved)} resolved ({dict(langs)}), {len(opened)} open")  # noqa: T201


if __name__ == "__main__":
    main()
