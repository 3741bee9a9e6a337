"""Read knowledge files into documents: Markdown with YAML front matter, HTML, text, FAQ CSV, PDF.

Every problem is a `DocumentError` naming the file (and the line when there is one), so a
knowledge manager can fix the file without reading a traceback.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kcrm.knowledge.exceptions import DocumentError
from kcrm.knowledge.htmltext import html_to_text
from kcrm.knowledge.language import detect_language

MAX_DOCUMENT_BYTES = 10_000_000
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
SUFFIXES |= {".txt": "text", ".csv": "faq", ".pdf": "pdf"}
STATUSES = ("draft", "in_review", "published", "retired")
VISIBILITIES = ("public", "internal")
LANGUAGES = ("zh", "en")
FRONT_MATTER_KEYS = (
    "id",
    "title",
    "language",
    "product",
    "product_sku",
    "category",
    "tags",
    "status",
    "visibility",
    "owner",
    "review_by",
    "version",
)
FAQ_COLUMNS = ("id", "language", "question", "answer", "category", "product_sku", "tags")
# Doc ids end up inside chunk ids ("article:{doc_id}:{n}"), so no colons or spaces.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
# libyaml's parser is ~10x faster than the pure-Python one; same safe subset of YAML.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Defaults:
    """Field values for documents that do not state them (e.g. HTML, text and PDF files)."""

    status: str = "published"
    visibility: str = "internal"


@dataclass(frozen=True)
class SourceDocument:
    """One article as read from a file, before it is stored in SQL."""

    external_id: str
    title: str
    body: str
    language: str
    source_path: str
    body_format: str = "markdown"  # markdown | text | faq: how chunking splits it
    status: str = "published"
    visibility: str = "internal"
    product_sku: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    owner: str | None = None
    review_by: date | None = None
    version: int | None = None  # as declared by the file; the store never goes backwards


def iter_files(path: Path) -> Iterator[Path]:
    """The supported files under `path` (or `path` itself), in a stable order."""
    if path.is_file():
        yield path
        return
    if not path.is_dir():
        raise DocumentError(path, "no such file or directory")
    for child in sorted(path.rglob("*")):
        hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
        # A folder's README describes the corpus; it is not knowledge for customers.
        readme = child.stem.lower() == "readme"
        if child.is_file() and not hidden and not readme and child.suffix.lower() in SUFFIXES:
            yield child


def load_file(
    path: Path, *, defaults: Defaults = Defaults(), max_bytes: int = MAX_DOCUMENT_BYTES
) -> list[SourceDocument]:
    """Read one file from disk into its documents."""
    if path.is_file() and path.stat().st_size > max_bytes:
        raise DocumentError(path, f"file is {path.stat().st_size} bytes; the limit is {max_bytes}")
    return load_bytes(str(path), path.read_bytes(), defaults=defaults, max_bytes=max_bytes)


def load_bytes(
    name: str, data: bytes, *, defaults: Defaults = Defaults(), max_bytes: int = MAX_DOCUMENT_BYTES
) -> list[SourceDocument]:
    """Parse a file's bytes (an upload or a file on disk); `name` picks the format."""
    kind = SUFFIXES.get(Path(name).suffix.lower())
    if kind is None:
        supported = ", ".join(sorted(SUFFIXES))
        raise DocumentError(name, f"unsupported file type; use one of {supported}")
    if not data.strip():
        raise DocumentError(name, "file is empty")
    if len(data) > max_bytes:
        raise DocumentError(name, f"file is {len(data)} bytes; the limit is {max_bytes}")
    if kind == "pdf":
        return [_load_pdf(name, data, defaults)]
    text = _decode(name, data)
    if kind == "faq":
        return _load_faq(name, text, defaults)
    if kind == "html":
        return [_load_html(name, text, defaults)]
    if kind == "text":
        return [_plain(name, text, defaults, body_format="text")]
    return [_load_markdown(name, text, defaults)]


def _decode(name: str, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise DocumentError(name, "file looks binary (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            name, f"file is binary or not UTF-8 text (bad byte at offset {exc.start})"
        ) from exc


def _stem_id(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.\-]+", "-", Path(name).stem).strip("-.") or "doc"
    return stem[:64]


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return match.group(1) if match else None


def _plain(
    name: str, text: str, defaults: Defaults, *, body_format: str, title: str | None = None
) -> SourceDocument:
    body = text.strip()
    if not body:
        raise DocumentError(name, "file has no text")
    first_line = body.splitlines()[0].strip().lstrip("#").strip()
    return SourceDocument(
        external_id=_stem_id(name),
        title=(title or _first_heading(body) or first_line)[:300],
        body=body,
        language=detect_language(body),
        source_path=name,
        body_format=body_format,
        status=defaults.status,
        visibility=defaults.visibility,
    )


def _load_markdown(name: str, text: str, defaults: Defaults) -> SourceDocument:
    match = _FRONT.match(text)
    if match is None:
        if text.lstrip().startswith("---"):
            raise DocumentError(name, "front matter is not closed by a '---' line", line=1)
        return _plain(name, text, defaults, body_format="markdown")
    try:
        meta = yaml.load(match.group(1), Loader=_YamlLoader)  # a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for 1-based, +1 for the '---'
        problem = getattr(exc, "problem", None) or str(exc)
        raise DocumentError(name, f"malformed front matter: {problem}", line=line) from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise DocumentError(name, "front matter must be a mapping of key: value lines", line=2)
    body = text[match.end() :].strip()
    if not body:
        raise DocumentError(name, "article has front matter but no body")
    return _from_fields(name, meta, body, defaults, body_format="markdown")


def _from_fields(
    name: str, meta: Mapping[str, Any], body: str, defaults: Defaults, *, body_format: str
) -> SourceDocument:
    unknown = sorted(set(map(str, meta)) - set(FRONT_MATTER_KEYS))
    if unknown:
        raise DocumentError(
            name,
            f"unknown front matter field(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(FRONT_MATTER_KEYS)}",
        )
    external_id = _text(meta.get("id")) or _stem_id(name)
    if not _ID.match(external_id):
        raise DocumentError(
            name, f"invalid id {external_id!r}: use letters, digits, '-', '_' or '.' (max 64)"
        )
    product = _text(meta.get("product_sku")) or _text(meta.get("product"))
    return SourceDocument(
        external_id=external_id,
        title=(_text(meta.get("title")) or _first_heading(body) or external_id)[:300],
        body=body,
        language=_choice(name, "language", meta.get("language"), LANGUAGES)
        or detect_language(body),
        source_path=name,
        body_format=body_format,
        status=_choice(name, "status", meta.get("status"), STATUSES) or defaults.status,
        visibility=_choice(name, "visibility", meta.get("visibility"), VISIBILITIES)
        or defaults.visibility,
        product_sku=product,
        category=_text(meta.get("category")),
        tags=_tags(name, meta.get("tags")),
        owner=_text(meta.get("owner")),
        review_by=_date(name, meta.get("review_by")),
        version=_version(name, meta.get("version")),
    )


def _version(name: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise DocumentError(name, f"version {value!r} is not a whole number")
    return int(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _choice(name: str, key: str, value: Any, allowed: tuple[str, ...]) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if text not in allowed:
        raise DocumentError(name, f"unknown {key} {text!r}; use one of {', '.join(allowed)}")
    return text


def _tags(name: str, value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(t.strip() for t in re.split(r"[;|,，、]", value) if t.strip())
    if isinstance(value, list) and all(isinstance(t, str | int | float) for t in value):
        return tuple(str(t).strip() for t in value if str(t).strip())
    raise DocumentError(name, "tags must be a list of words or a comma-separated string")


def _date(name: str, value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise DocumentError(name, f"review_by {value!r} is not a date (YYYY-MM-DD)") from exc


def _load_html(name: str, text: str, defaults: Defaults) -> SourceDocument:
    body, title, lang = html_to_text(text)
    document = _plain(name, body, defaults, body_format="markdown", title=title or None)
    lang = lang.split("-")[0]
    return replace(document, language=lang) if lang in LANGUAGES else document


def _load_pdf(name: str, data: bytes, defaults: Defaults) -> SourceDocument:
    if not data.startswith(b"%PDF-"):
        raise DocumentError(name, "not a PDF file (no %PDF- header)")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError) as exc:
        raise DocumentError(name, f"unreadable PDF: {exc}") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise DocumentError(name, "the PDF has no extractable text (a scan needs OCR first)")
    return _plain(name, text, defaults, body_format="text")


def _load_faq(name: str, text: str, defaults: Defaults) -> list[SourceDocument]:
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in ("id", "question", "answer") if c not in columns]
    if missing:
        raise DocumentError(
            name, f"FAQ CSV lacks column(s) {', '.join(missing)}; expected {','.join(FAQ_COLUMNS)}"
        )
    documents, seen = [], set()
    for row in reader:
        line = reader.line_num
        fields = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        question, answer = fields.get("question", ""), fields.get("answer", "")
        if not fields.get("id") or not question or not answer:
            raise DocumentError(name, "FAQ entry needs an id, a question and an answer", line=line)
        try:
            document = _faq_entry(name, fields, question, answer, defaults)
        except DocumentError as exc:
            raise DocumentError(name, exc.problem, line=line) from exc
        if document.external_id in seen:
            raise DocumentError(name, f"duplicate FAQ id {document.external_id!r}", line=line)
        seen.add(document.external_id)
        documents.append(document)
    if not documents:
        raise DocumentError(name, "FAQ CSV has a header but no entries")
    return documents


def _faq_entry(
    name: str, fields: Mapping[str, str], question: str, answer: str, defaults: Defaults
) -> SourceDocument:
    meta = {
        "id": fields.get("id"),
        "title": question,
        "language": fields.get("language") or None,
        "category": fields.get("category"),
        "product_sku": fields.get("product_sku"),
        "tags": fields.get("tags"),
        "status": fields.get("status") or None,
        # An FAQ is written for customers, so it is public unless the file says otherwise.
        "visibility": fields.get("visibility") or "public",
    }
    return _from_fields(name, meta, f"{question}\n{answer}", defaults, body_format="faq")
