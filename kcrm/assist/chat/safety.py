"""Chat safety: PII masking, injection and probing detection, and passage sanitising.

Retrieved text and customer messages are data, never instructions: the chat has no model
that could obey them, and sentences that try to give orders are dropped from passages
before any generator sees them, so they cannot be quoted back either.
"""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass

# Chinese resident ID: 6-digit region, birth date, 3-digit sequence, check digit.
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5})(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}([0-9Xx])(?![0-9A-Za-z])"
)
# Bank cards: 16 to 19 digits, written plain or in groups of four.
_BANK_CARD = re.compile(r"(?<![0-9A-Za-z])\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])")
# Mainland mobiles (optionally +86, spaces or dashes) and landlines with an area code.
# 400/800 service numbers are the company's own hotline, not personal data, so they stay.
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])0\d{2,3}-?\d{7,8}(?![0-9A-Za-z])")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _mask_id(match: re.Match[str]) -> str:
    value = match.group(0)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def _mask_card(match: re.Match[str]) -> str:
    return "**** **** **** " + _digits(match.group(0))[-4:]


def _mask_phone(match: re.Match[str]) -> str:
    digits = _digits(match.group(0))
    return digits[-11:-8] + "****" + digits[-4:] if len(digits) >= 11 else "****" + digits[-4:]


def mask_pii(text: str) -> str:
    """Mask ID card, bank card and phone numbers (ID cards first: they are longest)."""
    text = _ID_CARD.sub(_mask_id, text)
    text = _BANK_CARD.sub(_mask_card, text)
    text = _MOBILE.sub(_mask_phone, text)
    return _LANDLINE.sub(_mask_phone, text)


class MaskingFilter(logging.Filter):
    """A logging filter that masks PII in the formatted message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message with its masked form."""
        record.msg = mask_pii(record.getMessage())
        record.args = None
        return True


# Every chat module logs through this one logger, so the filter covers them all.
log = logging.getLogger("kcrm.assist.chat")
log.addFilter(MaskingFilter())


class Risk(enum.StrEnum):
    injection = "injection"
    system_prompt = "system_prompt"
    other_customers = "other_customers"
    internal = "internal"


_RISKS: dict[Risk, re.Pattern[str]] = {
    Risk.injection: re.compile(
        r"忽略.{0,8}(?:指令|指示|规则|设定|要求)|无视.{0,8}(?:指令|规则)|你现在是|从现在起你|"
        r"扮演|假装你|假设你是|开发者模式|越狱|不受.{0,4}限制|管理员模式|"
        r"\b(?:ignore|disregard|forget|override)\b.{0,30}\b(?:instructions?|rules?|prompts?"
        r"|guidelines?)\b|\byou are now\b|\bact as\b|\bpretend\b|\brole-?play\b|"
        r"\bdeveloper mode\b|\bjailbreak\b|\bDAN\b|\bno restrictions\b|\bnew instructions?\b",
        re.IGNORECASE,
    ),
    Risk.system_prompt: re.compile(
        r"系统提示|提示词|系统指令|你的指令|你的设定|初始指令|"
        r"\bsystem prompt\b|\b(?:your|the) (?:instructions|prompt|rules|configuration)\b|"
        r"\binitial prompt\b",
        re.IGNORECASE,
    ),
    Risk.other_customers: re.compile(
        r"(?:所有|全部|其他|别的|别人|他人|另一[个位]?)(?:的)?(?:客户|顾客|用户|会员|人)?.{0,12}"
        r"(?:手机|电话|号码|地址|订单|信息|资料|名单|邮箱|身份证)|客户(?:名单|列表|资料|数据库)|"
        r"\b(?:all|other|another|every|someone else'?s?)\b.{0,30}\b(?:phones?|numbers?|"
        r"address(?:es)?|e-?mails?|orders?|details|data|records|information|names)\b|"
        r"\b(?:phones?|numbers?|address(?:es)?|e-?mails?|details|data)\b.{0,30}"
        r"\b(?:of|for|from)\s+(?:all|other|every|another)\b|"
        r"\bcustomer (?:list|database|records)\b|"
        r"(?:客户|顾客|用户)\s*\S{1,8}?的(?:手机|电话|地址|邮箱|订单)|"
        r"\b(?:phone|number|address|e-?mail|orders?)\b.{0,20}\b(?:of|for)\s+(?:the\s+)?"
        r"(?:customer|user|client|mr|ms|mrs)\b",
        re.IGNORECASE,
    ),
    Risk.internal: re.compile(
        r"内部|审批(?:额度|权限)|权限额度|补偿额度|升级矩阵|"
        r"\binternal\b|\bapproval limits?\b|\bescalation matrix\b|\bstaff only\b",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class Screening:
    """What a message tries to do that the chat refuses; empty when it is harmless."""

    risks: tuple[Risk, ...]

    @property
    def refused(self) -> bool:
        """Whether the chat should refuse instead of answering."""
        return bool(self.risks)


def screen(text: str) -> Screening:
    """Look for injection, probing for instructions, other customers' data or internal rules."""
    return Screening(tuple(risk for risk, pattern in _RISKS.items() if pattern.search(text)))


def looks_like_instruction(text: str) -> bool:
    """Whether a piece of retrieved text tries to instruct the assistant."""
    return bool(_RISKS[Risk.injection].search(text) or _RISKS[Risk.other_customers].search(text))


def sanitize_passage(text: str) -> str:
    """A passage without the lines that try to give instructions.

    Whole lines go, not just the sentence: articles put one quoted tip per line, and a
    line cut in half would still carry the rest of the planted text.
    """
    kept = [line for line in text.splitlines() if not looks_like_instruction(line)]
    return "\n".join(kept).strip()
