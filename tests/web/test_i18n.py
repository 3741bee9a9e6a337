"""The message catalogs: both languages say everything, and every key a template uses exists."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path

import pytest
from starlette.requests import Request

from kcrm.auth.models import Role
from kcrm.crm.customers.models import Language, MemberTier
from kcrm.crm.orders.models import OrderStatus
from kcrm.crm.tickets.models import AuthorKind, Priority, TicketKind, TicketStatus
from kcrm.knowledge.articles.models import ArticleStatus, Visibility
from kcrm.web.i18n import LANGUAGES, LOCALES, catalog, negotiate, translator

TEMPLATES = Path(__file__).resolve().parents[2] / "kcrm" / "web" / "templates"
LITERAL_KEY = re.compile(r"""\bt\(\s*['"]([a-z0-9_.]+)['"]\s*[,)]""")


class TestCatalog:
    def test_every_language_has_the_same_keys_per_area(self) -> None:
        areas = {p.name for lang in LANGUAGES for p in (LOCALES / lang).glob("*.json")}
        for area in areas:
            keys = [set(catalog_file(lang, area)) for lang in LANGUAGES]
            assert keys[0] == keys[1], f"{area}: {keys[0] ^ keys[1]}"

    def test_every_template_key_is_translated(self) -> None:
        used = {
            key
            for path in TEMPLATES.rglob("*.html")
            for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
        }
        assert used, "no t('...') calls found: the pattern is wrong"
        for lang in LANGUAGES:
            missing = sorted(used - set(catalog(lang)))
            assert not missing, f"{lang} lacks {missing}"

    @pytest.mark.parametrize(
        ("prefix", "enum"),
        [
            ("ticket.status", TicketStatus),
            ("ticket.kind", TicketKind),
            ("ticket.priority", Priority),
            ("ticket.author", AuthorKind),
            ("order.status", OrderStatus),
            ("tier", MemberTier),
            ("article.status", ArticleStatus),
            ("article.visibility", Visibility),
            ("role", Role),
            ("lang", Language),
        ],
    )
    def test_every_enum_value_shown_by_a_template_is_translated(
        self, prefix: str, enum: type[StrEnum]
    ) -> None:
        for lang in LANGUAGES:
            missing = [v.value for v in enum if f"{prefix}.{v.value}" not in catalog(lang)]
            assert not missing, f"{lang} lacks {prefix}.{missing}"

    def test_translator_fills_values(self) -> None:
        assert translator("en")("js.failed", error="boom") == "Failed: boom"
        assert translator("zh")("no.such.key") == "no.such.key"


def catalog_file(lang: str, area: str) -> dict[str, str]:
    """One area file of one language."""
    data: dict[str, str] = json.loads((LOCALES / lang / area).read_text(encoding="utf-8"))
    return data


def _request(query: str = "", headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "query_string": query.encode(), "headers": raw})


class TestNegotiate:
    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            ("fr-FR,en;q=0.8,zh;q=0.5", "en"),
            ("fr, zh-TW;q=0.9", "zh"),
            ("en;q=0.2, zh;q=0.9", "zh"),
            ("", "zh"),
            ("en;q=abc", "zh"),
        ],
    )
    def test_accept_language(self, header: str, expected: str) -> None:
        assert negotiate(_request(headers={"Accept-Language": header}), preferred=None) == expected

    def test_query_beats_cookie_beats_user(self) -> None:
        request = _request("lang=en", {"Cookie": "kcrm_lang=zh"})
        assert negotiate(request, preferred="zh") == "en"
        assert negotiate(_request(headers={"Cookie": "kcrm_lang=en"}), preferred="zh") == "en"
        assert negotiate(_request("lang=fr"), preferred="en") == "en"
