"""Turn a scenario, an order and a customer into one ticket: messages, actions, summary."""

# Conversation texts are data: long phrasings stay on one line each, for easy editing.
# ruff: noqa: E501

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from erp_data import AGENTS, CARRIER_ZH, Order
from scenario import Scenario

VERIFY_AGENT = {
    "zh": [
        "您好，我是暖居客服{agent}。为保护您的信息安全，麻烦提供订单号和下单手机号后四位。",
        "{name}您好，这边是暖居电器客服{agent}，请问订单号是多少？再报一下手机尾号核对一下。",
        "您好，很抱歉给您添麻烦了。请提供订单号和收货手机号后四位，我马上帮您查。",
        "您好，客服{agent}为您服务。请问是哪一笔订单？方便说下订单号和手机后四位吗？",
    ],
    "en": [
        "Hi {first}, this is {agent} from Hearth customer care. Could you confirm the order "
        "number and the last four digits of the phone number on the order?",
        "Hello {first}, thanks for getting in touch. To pull up your order, please send the "
        "order number and the last 4 digits of your phone number.",
        "Hi {first}, sorry to hear that. Can I have your order number and the last four "
        "digits of your phone number, so I can verify the account?",
    ],
}
VERIFY_CUSTOMER = {
    "zh": ["订单号 {order}，手机尾号 {phone4}。", "{order}，尾号{phone4}", "单号是{order}，手机后四位{phone4}。"],
    "en": ["It's {order}, phone ending {phone4}.", "{order} - last four digits {phone4}.",
           "Order {order}, and the number ends in {phone4}."],
}  # fmt: skip
VERIFY_NO_ORDER = {
    "zh": ["您好，我是暖居客服{agent}，请提供会员手机号后四位核对一下身份。"],
    "en": ["Hi {first}, {agent} here. Could you confirm the last four digits of the phone "
           "number on your account?"],
}  # fmt: skip
VERIFY_NO_ORDER_REPLY = {
    "zh": ["尾号{phone4}。", "手机后四位是{phone4}"],
    "en": ["It ends in {phone4}."],
}
APP_VERIFIED = {
    "zh": ["客户已通过 App 登录完成身份核验。"],
    "en": ["Customer verified by app login."],
}
THANKS = {
    "good": {
        "zh": ["好的，谢谢！", "明白了，辛苦了。", "收到，谢谢你们。", "好的，问题解决了，谢谢{agent}。",
               "可以，就这么办，谢谢。"],
        "en": ["Great, thanks!", "Perfect, thank you for your help.", "That's sorted then, thanks.",
               "Thanks {agent}, appreciate it.", "Brilliant, thank you."],
    },
    "bad": {
        "zh": ["行吧，希望以后别再出这种问题。", "好吧，这次体验确实不太好。", "知道了，拖了这么久才解决。"],
        "en": ["Fine. I hope this doesn't happen again.", "OK, but this took far too long.",
               "Alright. Not the experience I expected, to be honest."],
    },
    "neutral": {"zh": ["好的。", "知道了。", "嗯，先这样吧。"], "en": ["OK, noted.", "Alright.", "OK."]},
}  # fmt: skip
CLOSING = {
    "zh": ["不客气，还有其他问题随时联系我们，祝您生活愉快！",
           "感谢您的耐心，本工单先为您结案，后续会有同事回访。",
           "再次抱歉给您带来不便，有任何问题可以直接回复此工单。",
           "不客气～如需帮助可拨打 400-820-3618 或在 App 联系在线客服。"],
    "en": ["You're welcome! If anything else comes up, just reply to this ticket.",
           "Thanks for your patience. I'll close this ticket now; we may call to check all is well.",
           "Sorry again for the trouble, and have a lovely day.",
           "Happy to help. Our chat is open 8:00-22:00 China time if you need us again."],
}  # fmt: skip
# Genuine filters sold as catalogue items, by filter model.
FILTER_SKUS = {"HC-F300": "AP-2101", "HC-F500": "AP-2102"}
SPACING_MIN = {"chat": (1, 6), "phone": (1, 3), "email": (40, 300), "web_form": (30, 240)}


# What customers call each product, by SKU prefix or SKU: (zh, en).
CASUAL = {
    "AC-1001": ("1匹挂机", "bedroom AC"), "AC-1002": ("1.5匹空调", "air conditioner"),
    "AC-1003": ("新风空调", "fresh-air AC"), "AC-1004": ("2匹柜机", "floor-standing AC"),
    "AC-1005": ("3匹柜机", "big floor AC"), "AC-1006": ("移动空调", "portable AC"),
    "AP": ("净化器", "air purifier"), "RV": ("扫地机", "robot vacuum"), "DW": ("洗碗机", "dishwasher"),
    "RF": ("冰箱", "fridge"), "WH-6003": ("燃气热水器", "gas water heater"), "WH": ("热水器", "water heater"),
    "RC": ("电饭煲", "rice cooker"), "KS-8001": ("电水壶", "kettle"), "KS-8002": ("恒温壶", "kettle"),
    "KS-8003": ("空气炸锅", "air fryer"), "KS-8004": ("破壁机", "blender"), "SH-9001": ("网关", "hub"),
    "SH-9002": ("智能插座", "smart plug"), "SH-9003": ("温湿度传感器", "sensor"),
    "SH-9004": ("摄像头", "camera"),
}  # fmt: skip


def casual_name(sku: str, lang: str) -> str:
    """The short name a customer would use for a product."""
    names = CASUAL.get(sku) or CASUAL[sku[:2]]
    return names[0] if lang == "zh" else names[1]


def pick(rng: random.Random, texts: dict[str, list[str]], lang: str, ctx: dict[str, Any]) -> str:
    """One phrasing in the ticket's language, filled from the context."""
    return rng.choice(texts[lang]).format_map(ctx)


def fmt_date(moment: datetime, lang: str) -> str:
    """A short local date for message texts."""
    return f"{moment.month}月{moment.day}日" if lang == "zh" else moment.strftime("%-d %b")


def build_context(
    rng: random.Random,
    lang: str,
    customer: dict[str, str],
    order: Order | None,
    product: dict[str, Any] | None,
    variant: dict[str, Any],
) -> dict[str, Any]:
    """Everything a template may mention, for one ticket."""
    _, agent = AGENTS[lang]
    name = customer["name"]
    first = name.split()[0] if lang == "en" else name
    if customer["kind"] == "company" and lang == "en":
        first = "there"
    digits = "".join(ch for ch in customer["phone"] if ch.isdigit())
    ctx: dict[str, Any] = {
        "agent": agent, "name": name, "first": first, "phone4": digits[-4:],
        "city": customer["city"], "tier": customer["member_tier"], "points_balance": customer["member_points"],
        "ref": f"{rng.randint(10**7, 10**8 - 1)}", "days": rng.randint(2, 5),
        "points": rng.choice([500, 1000, 1000, 1500, 2000]),
    }  # fmt: skip
    if product is not None:
        ctx.update(
            sku=product["sku"], model=product["specs"]["model"],
            product=product["name"] if lang == "zh" else product["name_en"],
            warranty_months=product["warranty_months"],
            warranty_years=max(1, int(product["warranty_months"]) // 12),
            casual=casual_name(product["sku"], lang),
            filter_model=product["specs"].get("filter_model"),
            filter_sku=FILTER_SKUS.get(product["specs"].get("filter_model", "")),
        )  # fmt: skip
    if order is not None:
        price = next((p for s, _, p in order.lines if product and s == product["sku"]), None)
        total = sum(Decimal(p) * q for _, q, p in order.lines)
        ctx.update(
            order=order.number, tracking=order.tracking or "-", amount=price or f"{total:.2f}",
            points_due=int(Decimal(price or total)),
            total=f"{total:.2f}", carrier=CARRIER_ZH.get(order.carrier, order.carrier)
            if lang == "zh" else order.carrier or "DHL",
            placed=fmt_date(order.placed_at, lang),
            shipped=fmt_date(order.shipped_at, lang) if order.shipped_at else "",
            delivered=fmt_date(order.delivered_at, lang) if order.delivered_at else "",
        )  # fmt: skip
    for key, value in variant.items():
        if isinstance(value, dict) and set(value) == {"zh", "en"}:
            ctx[key] = value[lang].format_map(ctx)
        elif key not in {"actions", "only"}:
            ctx[key] = value
    return ctx


def expand_actions(rng: random.Random, actions: list[str]) -> list[str]:
    """Resolve optional ("?x") and alternative ("a|b") steps into the logged sequence."""
    out = []
    for spec in actions:
        if spec.startswith("?"):
            if rng.random() < 0.35:
                continue
            spec = spec[1:]
        out.append(rng.choice(spec.split("|")))
    return out


def conversation(
    rng: random.Random, sc: Scenario, lang: str, channel: str, ctx: dict[str, Any], sat: int | None
) -> list[tuple[str, str, bool]]:
    """The messages of a ticket as (author, body, internal); sets ctx["verify_method"]."""
    msgs = [("customer", pick(rng, sc.opening, lang, _casual(rng, ctx)), False)]
    if "verify_identity" in sc.actions:
        if channel == "chat" and rng.random() < 0.4:
            ctx["verify_method"] = "app_login"
            msgs.append(("system", pick(rng, APP_VERIFIED, lang, ctx), False))
        elif "order" in ctx:
            ctx["verify_method"] = "order_number_phone_last4"
            msgs.append(("agent", pick(rng, VERIFY_AGENT, lang, ctx), False))
            msgs.append(("customer", pick(rng, VERIFY_CUSTOMER, lang, ctx), False))
        else:
            ctx["verify_method"] = "phone_last4"
            msgs.append(("agent", pick(rng, VERIFY_NO_ORDER, lang, ctx), False))
            msgs.append(("customer", pick(rng, VERIFY_NO_ORDER_REPLY, lang, ctx), False))
    for beat in sc.beats:
        if beat.optional and rng.random() < 0.4:
            continue
        texts_ctx = _casual(rng, ctx) if beat.author == "customer" else ctx
        body = pick(rng, beat.texts, lang, texts_ctx)
        msgs.append(
            ("agent" if beat.author == "note" else beat.author, body, beat.author == "note")
        )
    mood = "good" if sat is not None and sat >= 4 else "bad" if sat and sat <= 2 else "neutral"
    if msgs[-1][0] != "customer" and rng.random() < 0.85:
        msgs.append(("customer", pick(rng, THANKS[mood], lang, ctx), False))
    msgs.append(("agent", pick(rng, CLOSING, lang, ctx), False))
    return msgs


def _casual(rng: random.Random, ctx: dict[str, Any]) -> dict[str, Any]:
    """Customers mostly call a product by a short name, not its catalogue title."""
    if "casual" not in ctx or rng.random() < 0.15:
        return ctx
    return {**ctx, "product": ctx["casual"]}


def split_point(msgs: list[tuple[str, str, bool]], long: bool) -> int:
    """Where the first session ends: at the first lookup result or internal note of a long case."""
    if long:
        for i, (author, _, internal) in enumerate(msgs[3:], 3):
            if author == "system" or internal:
                return i
    return max(1, len(msgs) - 2)


def business_hours(rng: random.Random, moment: datetime) -> datetime:
    """Agents work 8:00-22:00 Beijing time; later replies wait for the next morning."""
    if 8 <= moment.hour < 22:
        return moment
    day = moment if moment.hour < 8 else moment + timedelta(days=1)
    return day.replace(hour=8, minute=rng.randint(2, 50), second=rng.randint(0, 59))


def timeline(
    rng: random.Random,
    msgs: list[tuple[str, str, bool]],
    channel: str,
    created: datetime,
    resolved: datetime,
) -> list[datetime]:
    """Message times: a first session in minutes, then the rest spread until the resolution."""
    low, high = SPACING_MIN[channel]
    split = split_point(msgs, resolved - created > timedelta(hours=12))
    times, t = [created], created
    for i in range(1, len(msgs)):
        if i < split:
            t = t + timedelta(minutes=rng.uniform(low, high))
        else:
            remaining = len(msgs) - i
            gap = max(resolved - t, timedelta(minutes=2)) / (remaining + rng.uniform(0, 0.5))
            t = t + max(gap * rng.uniform(0.6, 1.0), timedelta(minutes=1))
        if msgs[i][0] == "agent":
            t = business_hours(rng, t)
        times.append(t)
    return times
