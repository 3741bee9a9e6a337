"""What a chat message asks for: an order's status, a ticket's progress, a human, or knowledge.

Keyword rules in Chinese and English: cheap, predictable and easy to test. Anything that is
not an order, ticket or human request goes to knowledge retrieval, whose confidence decides.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

# Order numbers as the ERP and kcrm write them: SO-2026-00001, SO-TST-000001, KC-1A2B3C4D5E.
ORDER_NUMBER = re.compile(r"\b((?:SO|KC)-[A-Z0-9]{2,12}(?:-[A-Z0-9]{2,12})?)\b", re.IGNORECASE)


class Intent(enum.StrEnum):
    order_status = "order_status"
    ticket_status = "ticket_status"
    human = "human"
    knowledge = "knowledge"


_HUMAN = re.compile(
    r"转人工|人工客服|人工服务|找人工|真人|客服人员|接人工|"
    r"\b(?:talk|speak|chat|connect me)\b.{0,20}\b(?:human|agent|person|someone|representative)\b|"
    r"\b(?:human|live|real)\s+(?:agent|person|support)\b|\brepresentative\b",
    re.IGNORECASE,
)
_ORDER_WORDS = re.compile(
    r"订单|包裹|快递|物流|发货|到哪|运单|"
    r"\b(?:order|parcel|package|shipment|delivery|tracking)\b",
    re.IGNORECASE,
)
_STATUS_WORDS = re.compile(
    r"到哪|在哪|状态|进度|进展|什么时候到|何时到|发货了|到了吗|查询|查一下|物流|"
    r"\b(?:where|status|track|tracking|when|arrive|shipped|delivered|check)\b",
    re.IGNORECASE,
)
_TICKET_WORDS = re.compile(
    r"工单|投诉进展|投诉处理|报修进度|维修进度|"
    r"\b(?:my (?:ticket|complaint|case|request)s?|ticket status|case status)\b",
    re.IGNORECASE,
)
_COMPLAINT = re.compile(
    r"投诉|太差|差评|生气|愤怒|不满|骗|欺诈|举报|赔偿|"
    r"\b(?:complain\w*|terrible|awful|unacceptable|angry|furious|scam|compensat\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Understanding:
    """The intent of one message, the order numbers it names and whether it is a complaint."""

    intent: Intent
    order_numbers: tuple[str, ...] = ()
    complaint: bool = False


def order_numbers(text: str) -> tuple[str, ...]:
    """Order numbers mentioned in the text, upper-cased, in order, without repeats."""
    return tuple(dict.fromkeys(m.upper() for m in ORDER_NUMBER.findall(text)))


def is_complaint(text: str) -> bool:
    """Whether the customer sounds like they are complaining (routes a handoff to complaints)."""
    return bool(_COMPLAINT.search(text))


def classify(text: str) -> Understanding:
    """Classify one customer message."""
    numbers = order_numbers(text)
    complaint = is_complaint(text)
    if _HUMAN.search(text):
        return Understanding(Intent.human, numbers, complaint)
    if numbers or (_ORDER_WORDS.search(text) and _STATUS_WORDS.search(text)):
        return Understanding(Intent.order_status, numbers, complaint)
    if _TICKET_WORDS.search(text):
        return Understanding(Intent.ticket_status, numbers, complaint)
    return Understanding(Intent.knowledge, numbers, complaint)
