"""Cheap language detection for routing: the share of CJK characters in a text."""

from __future__ import annotations

import re
from typing import Literal

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def cjk_ratio(text: str) -> float:
    """Share of letters that are CJK ideographs (0.0 for text without letters)."""
    letters = len(_LETTER.findall(text))
    return len(_CJK.findall(text)) / letters if letters else 0.0


def detect_language(text: str, *, threshold: float = 0.2) -> Literal["zh", "en"]:
    """'zh' when at least `threshold` of the letters are CJK, else 'en'.

    A low threshold because Chinese support text is full of Latin SKUs and model numbers.
    """
    return "zh" if cjk_ratio(text) >= threshold else "en"
