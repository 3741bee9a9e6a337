"""The action log of a ticket: playbook actions with details and times."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from scenario import Scenario

REASON_CODES = {
    "late_delivery": "P01",
    "staff_complaint": "P02",
    "installation_booking": "P02",
    "damaged_on_arrival": "P04",
}
PAY_METHODS = ["alipay", "wechat_pay", "bank_card", "huabei", "credit_card"]
PAY_METHODS_EN = ["visa", "mastercard", "paypal", "amex"]


def _base_details(
    rng: random.Random, action: str, sc: Scenario, ctx: dict[str, Any], lang: str
) -> dict[str, Any]:
    """Default details of an action, from the ticket context."""
    order = ctx.get("order")
    match action:
        case "verify_identity":
            return {"method": ctx.get("verify_method", "order_number_phone_last4")}
        case "check_order_status" | "check_return_eligibility" | "check_payment_records":
            return {"order_number": order} if order else {}
        case "share_tracking_number":
            return {"carrier": ctx.get("carrier"), "tracking_number": ctx.get("tracking")}
        case "contact_carrier":
            return {"carrier": ctx.get("carrier"), "reference": f"CX{rng.randint(10**6, 10**7)}"}
        case "offer_compensation_points":
            code = REASON_CODES.get(sc.playbook, "P03")
            return {"points": ctx["points"], "reason_code": code}
        case "issue_refund":
            method = rng.choice(PAY_METHODS if lang == "zh" else PAY_METHODS_EN)
            return {"amount": str(ctx.get("refund", ctx.get("amount", "0.00"))), "currency": "CNY",
                    "method": method, "reference": f"RF{rng.randint(10**9, 10**10)}"}  # fmt: skip
        case "create_return" | "create_exchange":
            return {"order_number": order, "rma": f"RMA-{ctx['ref']}"}
        case "send_replacement":
            return {"sku": ctx.get("sku"), "quantity": 1}
        case "send_replacement_part":
            return {"sku": ctx.get("sku"), "part": ctx.get("part")}
        case "place_accessory_order":
            return {"sku": ctx.get("filter_sku"), "filter_model": ctx.get("filter_model")}
        case "schedule_repair":
            return {"mode": ctx.get("repair_mode", "onsite"), "sku": ctx.get("sku")}
        case "schedule_follow_up":
            return {"days_after_resolution": rng.choice([1, 2, 3])}
        case "escalate":
            return {"to": ctx.get("escalate_to", "L2")}
        case "adjust_points":
            return {"points": ctx.get("points_due", ctx["points"]), "order_number": order}
        case "identify_error_code":
            return {"code": ctx.get("code")}
        case "send_article" | "explain_usage":
            return {"topic": ctx.get("topic", sc.playbook)}
        case _:
            return {}


def action_log(
    rng: random.Random,
    steps: list[str],
    sc: Scenario,
    ctx: dict[str, Any],
    msgs: list[tuple[str, str, bool]],
    times: list[datetime],
    lang: str,
) -> list[dict[str, Any]]:
    """Actions in playbook order, each logged just after the agent message that did it."""
    slots = anchor_messages(steps, msgs)
    log = []
    previous = times[0]
    for action, index in zip(steps, slots, strict=True):
        nxt = times[index + 1] if index + 1 < len(times) else times[index] + timedelta(minutes=2)
        at = times[index] + min(timedelta(seconds=rng.randint(20, 90)), (nxt - times[index]) / 2)
        # Several actions after one message keep their playbook order.
        at = previous = max(at, previous + timedelta(seconds=5))
        details = _base_details(rng, action, sc, ctx, lang)
        for key, value in sc.details.get(action, {}).items():
            details[key] = value.format_map(ctx) if isinstance(value, str) else value
        log.append({"action": action, "details": {k: v for k, v in details.items() if v},
                    "at": at.replace(microsecond=0).isoformat()})  # fmt: skip
    return log


def anchor_messages(steps: list[str], msgs: list[tuple[str, str, bool]]) -> list[int]:
    """Which message each action follows: the identity check follows the verification turn,
    the rest spread in order over the agent's later messages (not the closing line), the
    last one at the agent's last real message."""
    turns = [i for i, (author, _, _) in enumerate(msgs[:-1]) if author == "agent"]
    slots: list[int] = []
    rest = steps
    if steps and steps[0] == "verify_identity":
        # Verified either by an agent question or by the app's login notice.
        slots.append(1 if len(msgs) > 1 and msgs[1][0] == "system" else turns[0] if turns else 0)
        rest = steps[1:]
        turns = [i for i in turns if i > slots[0]] or turns
    turns = turns or [len(msgs) - 1]
    for j in range(len(rest)):
        last = j == len(rest) - 1 and len(rest) > 1
        slots.append(turns[-1] if last else turns[j * len(turns) // len(rest)])
    return slots
