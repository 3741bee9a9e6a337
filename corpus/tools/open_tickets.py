"""Open tickets for the agent console demo: C0001's and C0002's cases, then a few recent ones."""

# Conversation texts are data: long phrasings stay on one line each, for easy editing.
# ruff: noqa: E501

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import scenarios_delivery as delivery
import scenarios_products as products_sc
import scenarios_service as service
from erp_data import AGENTS, INSTALLABLE, NOW, Order
from render import APP_VERIFIED, VERIFY_AGENT, VERIFY_CUSTOMER, build_context, expand_actions, pick
from scenario import Scenario

CST_DAY = "2026-11-{:02d}T{}:00+08:00"


def _at(day: int, hm: str) -> str:
    return CST_DAY.format(day, hm)


def wang_complaint(order: Order) -> dict[str, Any]:
    """C0001: the air conditioner shipped on 13 Nov, late, and its box damaged at the hub."""
    n = order.number
    return {
        "customer_external_id": "C0001", "product_sku": "AC-1002", "order_number": n,
        "kind": "complaint", "channel": "chat", "priority": "high", "language": "zh",
        "subject": "双11买的空调一周没送到，物流说外箱破损", "status": "open",
        "created_at": _at(18, "20:14"), "resolved_at": None, "owner_email": AGENTS["zh"][0],
        "resolution_summary": None, "satisfaction": None, "playbook": "late_delivery",
        "scenario": "demo_c0001_late_damaged_ac",
        "messages": [
            {"author": "customer", "internal": False, "at": _at(18, "20:14"), "body":
             f"我双11买的 1.5 匹空调（订单 {n}），13 号就发货了，说好 3 天内送到，到现在还没到！"
             "京东物流的轨迹停在上海浦东分拣中心两天没动，约好周六的安装师傅也只能取消了。"},
            {"author": "system", "internal": False, "at": _at(18, "20:14"),
             "body": "客户已通过 App 登录完成身份核验。"},
            {"author": "agent", "internal": False, "at": _at(18, "20:17"), "body":
             f"王先生您好，我是客服李娜，非常抱歉让您久等了。订单 {n} 于 11 月 13 日发出，"
             f"京东物流运单号 {order.tracking}，最后一条轨迹是 11 月 16 日到达上海浦东分拣中心。"
             "我马上向京东物流发起查件，明天中午前给您回复，这个问题由我负责跟进到底。"},
            {"author": "agent", "internal": True, "at": _at(18, "20:31"), "body":
             "已向京东物流提交查件，查件编号 CX4418230，承诺 48 小时内回复。客户为黄金会员，原定 11 月 21 日安装已取消。"},
            {"author": "customer", "internal": False, "at": _at(19, "18:05"), "body":
             "今天京东的人打电话说外箱在分拣的时候被叉车撞破了，问我还要不要。这台空调我还敢要吗？"},
            {"author": "agent", "internal": False, "at": _at(19, "18:22"), "body":
             "非常抱歉！外箱破损的大家电您可以直接拒收，我们给您补发一台全新的，运费和安装都不用您操心；"
             "也可以等安装师傅上门一起开箱验货，有任何损伤直接换新。您看哪种方式方便？"},
            {"author": "customer", "internal": False, "at": _at(20, "09:12"), "body":
             "直接给我换一台新的吧，这台不要了。能不能快一点，这周末家里要来客人。"},
            {"author": "agent", "internal": True, "at": _at(20, "09:30"), "body":
             "客户选择拒收换新。待办：确认上海仓 AC-1002 库存并补发；按延误超 3 天标准补偿积分（P01）；重新预约安装；签收后回访。"},
        ],
        "actions": [
            {"action": "verify_identity", "details": {"method": "app_login"}, "at": _at(18, "20:15")},
            {"action": "check_order_status", "details": {"order_number": n}, "at": _at(18, "20:16")},
            {"action": "contact_carrier", "details": {"carrier": "JD Logistics", "reference": "CX4418230"},
             "at": _at(18, "20:30")},
        ],
    }  # fmt: skip


def emily_return(order: Order) -> dict[str, Any]:
    """C0002: a 7-day return of the slim robot vacuum, label issued, waiting for the pickup."""
    n = order.number
    return {
        "customer_external_id": "C0002", "product_sku": "RV-3004", "order_number": n,
        "kind": "return", "channel": "email", "priority": "normal", "language": "en",
        "subject": f"Return request - Slim Robot Vacuum S5 ({n})", "status": "pending",
        "created_at": _at(18, "16:40"), "resolved_at": None, "owner_email": AGENTS["en"][0],
        "resolution_summary": None, "satisfaction": None, "playbook": "return_within_7_days",
        "scenario": "demo_c0002_return_in_progress",
        "messages": [
            {"author": "customer", "internal": False, "at": _at(18, "16:40"), "body":
             "Hi, my Hearth Slim Robot Vacuum S5 arrived on 15 November. It works, but it doesn't fit under "
             "my sofa after all and it's louder than I expected in a small flat. I'd like to return it under "
             "the 7-day policy - I've kept all the packaging."},
            {"author": "agent", "internal": False, "at": _at(18, "17:05"), "body":
             f"Hi Emily, thanks for getting in touch and sorry the S5 didn't work out. Order {n} was "
             "delivered on 15 Nov, so you're within the 7-day window. As this is a change-of-mind return, "
             "the parcel goes back at your own cost. I've created return RMA-20261118-0042 and e-mailed you "
             "the return form and our returns address in Shanghai."},
            {"author": "system", "internal": False, "at": _at(19, "10:02"),
             "body": "Return RMA-20261118-0042 created; return form and address sent to the customer."},
            {"author": "customer", "internal": False, "at": _at(20, "17:31"), "body":
             "Thanks, got the form. Could you book a DHL pickup from my flat instead of me taking it to a "
             "service point? I'm happy to pay for it, and I'm home on Monday."},
        ],
        "actions": [
            {"action": "verify_identity", "details": {"method": "order_number_phone_last4"}, "at": _at(18, "17:01")},
            {"action": "check_order_status", "details": {"order_number": n}, "at": _at(18, "17:02")},
            {"action": "check_return_eligibility", "details": {"order_number": n}, "at": _at(18, "17:03")},
            {"action": "create_return", "details": {"order_number": n, "rma": "RMA-20261118-0042"},
             "at": _at(18, "17:04")},
        ],
    }  # fmt: skip


# (scenario, order statuses, hours since the anchor it may be opened, anchor, how many)
RECENT: list[tuple[Scenario, tuple[str, ...], str, int]] = [
    (delivery.TRACKING, ("shipped",), "shipped_at", 3),
    (delivery.ADDRESS_BEFORE, ("paid",), "paid_at", 1),
    (delivery.CANCEL_PAID, ("paid",), "paid_at", 1),
    (service.RETURN_7DAY, ("delivered",), "delivered_at", 2),
    (service.INSTALL, ("delivered",), "delivered_at", 2),
    (delivery.DAMAGED_REPLACE, ("delivered",), "delivered_at", 1),
    (products_sc.AC_NOT_COOLING, ("delivered",), "delivered_at", 1),
    (products_sc.RV_ERRORS, ("delivered",), "delivered_at", 1),
    (service.INVOICE, ("delivered",), "delivered_at", 1),
]


def _recent(
    rng: random.Random,
    sc: Scenario,
    order: Order,
    customer: dict[str, str],
    product: dict[str, Any],
    anchor: datetime,
) -> dict[str, Any]:
    """An unresolved ticket from a scenario's first turns."""
    lang = customer["language"]
    fitting = [v for v in sc.variants if not v.get("only") or product["sku"] in v["only"]]
    ctx = build_context(rng, lang, customer, order, product, rng.choice(fitting))
    created = anchor + (NOW - anchor) * rng.uniform(0.3, 0.9)
    status = rng.choice(["new", "open", "pending"])
    msgs = [("customer", pick(rng, sc.opening, lang, ctx), False)]
    steps: list[str] = []
    if status != "new":
        if "verify_identity" in sc.actions:
            msgs.append(("agent", pick(rng, VERIFY_AGENT, lang, ctx), False))
            msgs.append(("customer", pick(rng, VERIFY_CUSTOMER, lang, ctx), False))
        beat = next(b for b in sc.beats if b.author == "agent")
        msgs.append(("agent", pick(rng, beat.texts, lang, ctx), False))
        steps = expand_actions(rng, sc.actions)[: rng.randint(1, 2)]
    elif rng.random() < 0.3:
        msgs.append(("system", pick(rng, APP_VERIFIED, lang, ctx), False))
    times = [created + timedelta(minutes=3 * i + rng.uniform(0, 2)) for i in range(len(msgs))]
    return {
        "customer_external_id": customer["external_id"], "product_sku": product["sku"],
        "order_number": order.number, "kind": sc.kind, "channel": rng.choice(sc.channels),
        "priority": rng.choice(sc.priority), "language": lang,
        "subject": pick(rng, sc.subject, lang, ctx), "status": status,
        "created_at": _iso(created), "resolved_at": None, "owner_email": AGENTS[lang][0],
        "resolution_summary": None, "satisfaction": None, "playbook": sc.playbook, "scenario": sc.key,
        "messages": [{"author": a, "body": b, "internal": i, "at": _iso(min(t, NOW))}
                     for (a, b, i), t in zip(msgs, times, strict=True)],
        "actions": [{"action": s, "details": {}, "at": _iso(min(times[-1], NOW))} for s in steps],
    }  # fmt: skip


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def open_tickets(
    rng: random.Random,
    orders: list[Order],
    customers: dict[str, dict[str, str]],
    products: dict[str, dict[str, Any]],
    numbered_from: int,
) -> list[dict[str, Any]]:
    """The demo's open tickets, numbered after the resolved ones."""
    wang = next(o for o in orders if o.customer_id == "C0001" and o.status == "shipped")
    emily = next(
        o for o in orders if o.customer_id == "C0002" and any(s == "RV-3004" for s, _, _ in o.lines)
    )
    tickets = [wang_complaint(wang), emily_return(emily)]
    used = {wang.number, emily.number}
    for sc, statuses, anchor_name, count in RECENT:
        pool = []
        for o in orders:
            customer = customers[o.customer_id]
            anchor = getattr(o, anchor_name)
            if o.status not in statuses or o.number in used or anchor is None:
                continue
            if customer["language"] not in sc.languages or o.customer_id in {"C0001", "C0002"}:
                continue
            if NOW - anchor > timedelta(days=6 if anchor_name == "delivered_at" else 3):
                continue
            skus = [s for s, _, _ in o.lines
                    if not sc.categories or products[s]["category"] in sc.categories]  # fmt: skip
            if sc.rule == "installable":
                skus = [s for s in skus if s in INSTALLABLE and customer["country"] == "CN"]
            if skus:
                pool.append((o, customer, products[rng.choice(skus)], anchor))
        for o, customer, product, anchor in rng.sample(pool, min(count, len(pool))):
            used.add(o.number)
            tickets.append(_recent(rng, sc, o, customer, product, anchor))
    tickets.sort(key=lambda t: t["created_at"])
    for i, t in enumerate(tickets, numbered_from + 1):
        t["external_id"] = f"TK-{i:05d}"
    return [{"external_id": t.pop("external_id"), **t} for t in tickets]
