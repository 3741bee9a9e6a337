"""Mask customer PII before ticket text becomes knowledge: names, e-mails, phones, numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers: 7 or more digits, possibly split by spaces, dots or dashes, maybe with +cc.
_PHONE = re.compile(r"(?<![A-Za-z0-9\-])\+?\d[\d \-.]{5,}\d(?![A-Za-z0-9\-])")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
# Order, return and tracking references carry a customer's identity: any token mixing
# letters and digits with at least five digits (SO-2026-00721, RMA-20261118-0042, JDVA611...).
# Lookarounds instead of \b: Chinese characters count as word characters.
_REFERENCE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{1,6}[A-Za-z0-9]*[-_]?\d[\d\-_A-Za-z]{4,}(?![A-Za-z0-9])"
)
_ID_NUMBER = re.compile(r"(?<![A-Za-z0-9])\d{15,18}[\dXx]?(?![A-Za-z0-9])")
_HONORIFICS = ("先生", "女士", "小姐")

EMAIL, PHONE, REFERENCE, NAME = "[email]", "[phone]", "[number]", "[customer]"


def name_variants(names: Iterable[str | None]) -> list[str]:
    """The forms a customer's name is written in: full, surname + honorific, English parts."""
    variants: set[str] = set()
    for name in names:
        name = (name or "").strip()
        if not name:
            continue
        variants.add(name)
        if re.search(r"[\u4e00-\u9fff]", name):
            variants.update(name[0] + h for h in _HONORIFICS)
            if len(name) >= 3:
                variants.add(name[1:])  # a given name alone
        else:
            variants.update(part for part in re.split(r"[\s,.]+", name) if len(part) >= 2)
    # Longest first, so "Emily Chen" is masked before "Emily".
    return sorted(variants, key=len, reverse=True)


def _digit_count(match: re.Match[str]) -> int:
    return sum(ch.isdigit() for ch in match.group(0))


def _phone(match: re.Match[str]) -> str:
    if _digit_count(match) < 7 or _DATE.fullmatch(match.group(0).strip()):
        return match.group(0)
    return PHONE


def mask(text: str, *, names: Iterable[str] = ()) -> str:
    """The text with e-mails, phone and ID numbers, references and the given names masked."""
    text = _EMAIL.sub(EMAIL, text)
    text = _ID_NUMBER.sub(REFERENCE, text)
    text = _REFERENCE.sub(lambda m: REFERENCE if _digit_count(m) >= 5 else m.group(0), text)
    text = _PHONE.sub(_phone, text)
    for name in names:
        if re.fullmatch(r"[A-Za-z][A-Za-z'\-]*", name):
            text = re.sub(rf"\b{re.escape(name)}\b", NAME, text)
        else:
            text = text.replace(name, NAME)
    return text
