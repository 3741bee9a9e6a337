"""Loading knowledge files: formats, fields and the errors for bad input."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from kcrm.knowledge.exceptions import DocumentError
from kcrm.knowledge.loaders import Defaults, iter_files, load_bytes, load_file
from tests.knowledge.conftest import FIXTURES


def _pdf(text: str) -> bytes:
    """A minimal one-page PDF with `text` in Helvetica (pypdf recomputes the xref)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


class TestLoadMarkdown:
    def test_reads_every_front_matter_field(self) -> None:
        [doc] = load_file(FIXTURES / "articles" / "kb-9001-dishwasher-e24.md")
        assert doc.external_id == "KB-9001"
        assert doc.title == "Dishwasher error E24 (drain blocked)"
        assert (doc.language, doc.product_sku, doc.category) == (
            "en",
            "HC-DW-60",
            "troubleshooting",
        )
        assert doc.tags == ("dishwasher", "error code", "drain")
        assert (doc.status, doc.visibility) == ("published", "public")
        assert doc.owner == "km@kcrm-test.com"
        assert doc.review_by == date(2027, 6, 30)
        assert doc.body.startswith("# Dishwasher error E24")
        assert doc.body_format == "markdown"

    def test_null_product_and_declared_version(self) -> None:
        [doc] = load_file(FIXTURES / "articles" / "kb-9002-zh-returns.md")
        assert doc.product_sku is None
        assert doc.version == 3
        assert doc.language == "zh"

    def test_without_front_matter_uses_defaults_and_detects_language(self) -> None:
        [doc] = load_bytes(
            "guide-zh.md",
            "# 安装说明\n\n先关闭水阀。".encode(),
            defaults=Defaults(status="draft", visibility="public"),
        )
        assert (doc.external_id, doc.title, doc.language) == ("guide-zh", "安装说明", "zh")
        assert (doc.status, doc.visibility) == ("draft", "public")

    def test_front_matter_overrides_defaults(self) -> None:
        [doc] = load_file(
            FIXTURES / "articles" / "kb-9003-draft.md", defaults=Defaults(status="published")
        )
        assert doc.status == "draft"


class TestBadInput:
    def test_malformed_front_matter_names_file_and_line(self) -> None:
        with pytest.raises(DocumentError) as caught:
            load_file(FIXTURES / "bad" / "malformed.md")
        assert caught.value.line == 5
        assert "malformed.md:5: malformed front matter" in caught.value.message

    def test_unknown_status_value_is_named(self) -> None:
        with pytest.raises(DocumentError, match="unknown status 'publishd'; use one of draft"):
            load_file(FIXTURES / "bad" / "unknown-status.md")

    def test_unknown_field_is_named(self) -> None:
        # A misspelt "visibility" must not silently publish an internal article.
        with pytest.raises(DocumentError, match="unknown front matter field\\(s\\) visiblity"):
            load_file(FIXTURES / "bad" / "unknown-field.md")

    def test_empty_file(self) -> None:
        with pytest.raises(DocumentError, match="empty.md: file is empty"):
            load_file(FIXTURES / "bad" / "empty.md")

    def test_binary_file(self) -> None:
        with pytest.raises(DocumentError, match="binary"):
            load_bytes("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    def test_invalid_utf8(self) -> None:
        with pytest.raises(DocumentError, match="not UTF-8"):
            load_bytes("legacy.txt", "退货".encode("gbk"))

    def test_oversize_file(self, tmp_path: Path) -> None:
        big = tmp_path / "big.txt"
        big.write_text("word " * 100)
        with pytest.raises(DocumentError, match="the limit is 100"):
            load_file(big, max_bytes=100)

    def test_unsupported_type(self) -> None:
        with pytest.raises(DocumentError, match="unsupported file type"):
            load_bytes("slides.pptx", b"PK\x03\x04")

    def test_unclosed_front_matter(self) -> None:
        with pytest.raises(DocumentError, match=":1: front matter is not closed"):
            load_bytes("open.md", b"---\ntitle: x\n\nbody")

    def test_bad_language_and_date(self) -> None:
        with pytest.raises(DocumentError, match="unknown language 'fr'"):
            load_bytes("a.md", b"---\nid: A-1\nlanguage: fr\n---\nbody")
        with pytest.raises(DocumentError, match="review_by 'soon' is not a date"):
            load_bytes("a.md", b"---\nid: A-1\nreview_by: soon\n---\nbody")

    def test_id_with_colon_is_refused(self) -> None:
        with pytest.raises(DocumentError, match="invalid id 'KB:1'"):
            load_bytes("a.md", b"---\nid: 'KB:1'\n---\nbody")


class TestLoadFaq:
    def test_one_document_per_entry_public_by_default(self) -> None:
        docs = load_file(FIXTURES / "faq.csv")
        assert [d.external_id for d in docs] == ["FAQ-9001", "FAQ-9002", "FAQ-9003"]
        assert docs[1].body == "积分多久到账？\n订单确认收货后 24 小时内积分到账。"
        assert docs[1].language == "zh"
        assert docs[0].tags == ("shipping", "delivery")
        assert {d.visibility for d in docs} == {"public"}
        assert {d.body_format for d in docs} == {"faq"}

    def test_missing_columns_are_named(self) -> None:
        with pytest.raises(DocumentError, match="lacks column\\(s\\) answer"):
            load_bytes("faq.csv", b"id,question\nF-1,Why?\n")

    def test_bad_row_names_its_line(self) -> None:
        data = b"id,language,question,answer\nF-1,en,Why?,Because.\nF-2,xx,How?,So.\n"
        with pytest.raises(DocumentError, match="faq.csv:3: unknown language 'xx'"):
            load_bytes("faq.csv", data)

    def test_duplicate_id(self) -> None:
        data = b"id,question,answer\nF-1,Why?,Because.\nF-1,How?,So.\n"
        with pytest.raises(DocumentError, match="duplicate FAQ id 'F-1'"):
            load_bytes("faq.csv", data)


class TestLoadOtherFormats:
    def test_html_keeps_headings_and_drops_scripts(self) -> None:
        [doc] = load_file(FIXTURES / "guide.html")
        assert doc.title == "Air purifier filter guide"
        assert doc.language == "en"
        assert "## How to replace" in doc.body
        assert "- Unplug the purifier." in doc.body
        assert "alert" not in doc.body
        assert "color:red" not in doc.body

    def test_text_uses_first_line_as_title(self) -> None:
        [doc] = load_file(FIXTURES / "notes.txt")
        assert (doc.external_id, doc.title, doc.body_format) == (
            "notes",
            "Store opening hours",
            "text",
        )

    def test_pdf_text_is_extracted(self) -> None:
        [doc] = load_bytes("manual.pdf", _pdf("Descale the kettle every month"))
        assert "Descale the kettle every month" in doc.body
        assert doc.external_id == "manual"

    def test_fake_pdf_is_refused(self) -> None:
        with pytest.raises(DocumentError, match="not a PDF"):
            load_bytes("manual.pdf", b"hello")


class TestIterFiles:
    def test_lists_supported_files_in_order(self) -> None:
        names = [p.name for p in iter_files(FIXTURES)]
        assert names[:3] == [
            "kb-9001-dishwasher-e24.md",
            "kb-9002-zh-returns.md",
            "kb-9003-draft.md",
        ]
        assert "faq.csv" in names
        assert "guide.html" in names

    def test_skips_readme_files_in_folders(self) -> None:
        assert "README.md" not in [p.name for p in iter_files(FIXTURES / "articles")]

    def test_missing_path(self, tmp_path: Path) -> None:
        with pytest.raises(DocumentError, match="no such file"):
            list(iter_files(tmp_path / "nope"))
