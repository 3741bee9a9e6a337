"""The shipped knowledge articles: front matter, ids, product references, language mix, length."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2] / "corpus"
ARTICLES = ROOT / "articles"
PRODUCTS = ROOT / "erp" / "products.json"

FIELDS = {
    "id",
    "title",
    "language",
    "product",
    "category",
    "tags",
    "status",
    "visibility",
    "owner",
    "review_by",
    "version",
}
LANGUAGES = {"zh", "en"}
CATEGORIES = {
    "troubleshooting",
    "warranty",
    "returns",
    "shipping",
    "installation",
    "membership",
    "billing",
    "product_usage",
    "policy",
}
STATUSES = {"draft", "in_review", "published", "retired"}
VISIBILITIES = {"public", "internal"}
ID_PATTERN = re.compile(r"KB-\d{4}")
KEBAB_MD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.md")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]+")
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
# Chinese is measured in characters (CJK ideographs plus Latin words such as model numbers).
LENGTH_RANGE = {"zh": (300, 1000), "en": (150, 600)}
# Planted prompt injections the engine must treat as plain text (corpus/articles/README.md).
INJECTION_FIXTURES = {"KB-0036", "KB-0061"}


@dataclass(frozen=True)
class Article:
    path: Path
    meta: dict[str, Any]
    body: str


def _parse(path: Path) -> Article:
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r"---\n(.*?)\n---\n(.*)", text, flags=re.DOTALL)
    assert match, f"{path}: no YAML front matter between '---' lines"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict), f"{path}: front matter is not a mapping"
    return Article(path=path, meta=meta, body=match.group(2))


def _length(article: Article) -> int:
    words = len(WORD.findall(article.body))
    if article.meta["language"] == "zh":
        return len(CJK.findall(article.body)) + words
    return words


PATHS = sorted(p for p in ARTICLES.rglob("*.md") if p.name != "README.md")
ALL = [_parse(p) for p in PATHS]


def _ids(path: Path) -> str:
    return str(path.relative_to(ARTICLES))


@pytest.fixture(scope="module")
def skus() -> set[str]:
    """SKUs of the ERP catalogue the articles may reference."""
    return {product["sku"] for product in json.loads(PRODUCTS.read_text(encoding="utf-8"))}


class TestFrontMatter:
    @pytest.mark.parametrize("article", ALL, ids=[_ids(a.path) for a in ALL])
    def test_has_exactly_the_documented_fields(self, article: Article) -> None:
        assert set(article.meta) == FIELDS

    @pytest.mark.parametrize("article", ALL, ids=[_ids(a.path) for a in ALL])
    def test_values_are_allowed(self, article: Article) -> None:
        meta = article.meta
        assert ID_PATTERN.fullmatch(meta["id"])
        assert meta["language"] in LANGUAGES
        assert article.path.parent.name == meta["language"]
        assert meta["category"] in CATEGORIES
        assert meta["status"] in STATUSES
        assert meta["visibility"] in VISIBILITIES
        assert EMAIL.fullmatch(meta["owner"])
        assert isinstance(meta["review_by"], dt.date)
        assert isinstance(meta["version"], int)
        assert meta["version"] >= 1
        assert meta["tags"]
        assert all(isinstance(tag, str) and tag.strip() for tag in meta["tags"])

    @pytest.mark.parametrize("article", ALL, ids=[_ids(a.path) for a in ALL])
    def test_body_opens_with_the_title_and_has_sections(self, article: Article) -> None:
        assert article.body.lstrip().startswith(f"# {article.meta['title']}\n")
        assert len(re.findall(r"^## ", article.body, flags=re.MULTILINE)) >= 2

    @pytest.mark.parametrize("article", ALL, ids=[_ids(a.path) for a in ALL])
    def test_product_is_a_catalogue_sku(self, article: Article, skus: set[str]) -> None:
        product = article.meta["product"]
        assert product is None or product in skus


class TestFiles:
    def test_names_are_kebab_case(self) -> None:
        assert [p.name for p in PATHS if not KEBAB_MD.fullmatch(p.name)] == []

    def test_ids_are_unique(self) -> None:
        counts = Counter(a.meta["id"] for a in ALL)
        assert [i for i, n in counts.items() if n > 1] == []

    def test_titles_are_unique(self) -> None:
        counts = Counter(a.meta["title"] for a in ALL)
        assert [t for t, n in counts.items() if n > 1] == []


class TestCorpusMix:
    def test_at_least_sixty_articles(self) -> None:
        assert len(ALL) >= 60

    def test_both_languages_hold_at_least_35_percent(self) -> None:
        counts = Counter(a.meta["language"] for a in ALL)
        assert min(counts["zh"], counts["en"]) / len(ALL) >= 0.35

    def test_internal_and_curation_states_are_present(self) -> None:
        visibility = Counter(a.meta["visibility"] for a in ALL)
        status = Counter(a.meta["status"] for a in ALL)
        assert 8 <= visibility["internal"] <= 14
        assert status["retired"] >= 1
        assert status["draft"] + status["in_review"] >= 2
        assert status["published"] > len(ALL) // 2

    def test_every_category_is_covered(self) -> None:
        assert {a.meta["category"] for a in ALL} == CATEGORIES

    def test_injection_fixtures_are_published_public_and_documented(self) -> None:
        by_id = {a.meta["id"]: a for a in ALL}
        readme = (ARTICLES / "README.md").read_text(encoding="utf-8")
        for fixture in INJECTION_FIXTURES:
            meta = by_id[fixture].meta
            assert (meta["status"], meta["visibility"]) == ("published", "public")
            assert fixture in readme


class TestLength:
    @pytest.mark.parametrize("article", ALL, ids=[_ids(a.path) for a in ALL])
    def test_within_range_for_its_language(self, article: Article) -> None:
        low, high = LENGTH_RANGE[article.meta["language"]]
        assert low <= _length(article) <= high
