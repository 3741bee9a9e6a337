"""The console's two languages: message catalogs and choosing a language per request.

Each language has a folder under `locales/` with one JSON file per console area (common,
agent, chat, km, admin), so each area keeps its own strings; the files are merged at load.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from fastapi import Request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANG_COOKIE = "kcrm_lang"
LOCALES = Path(__file__).parent / "locales"

Translate = Callable[..., str]


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language, from all its area files."""
    messages: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        messages.update(json.loads(path.read_text(encoding="utf-8")))
    return messages


def translator(lang: str) -> Translate:
    """`t(key, **values)` for one language; an unknown key shows as itself (tests catch it)."""
    messages = catalog(lang)

    def t(key: str, **values: object) -> str:
        text = messages.get(key, key)
        return text.format(**values) if values else text

    return t


def _from_accept_language(header: str) -> str | None:
    weighted = []
    for part in header.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        weighted.append((weight, tag.strip().lower()[:2]))
    for _, code in sorted(weighted, key=lambda item: -item[0]):
        if code in LANGUAGES:
            return code
    return None


def negotiate(request: Request, *, preferred: str | None) -> str:
    """?lang=, then the language cookie, then the user's own language, then Accept-Language."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    if preferred in LANGUAGES:
        return str(preferred)
    return _from_accept_language(request.headers.get("accept-language", "")) or DEFAULT_LANGUAGE
