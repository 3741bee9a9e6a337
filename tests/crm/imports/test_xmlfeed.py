"""The feed reader: the same records as a whole ElementTree, and every DTD refused."""

from __future__ import annotations

import io
from typing import Any
from xml.etree import ElementTree

import pytest
from defusedxml import DefusedXmlException

from kcrm.crm.imports import xmlfeed
from tests.crm.imports import files

NAMESPACED = (
    """<feed xmlns:e="urn:erp"><e:customer e:id="1"><e:name>A</e:name></e:customer></feed>"""
)
MIXED = """<customers>
  <customer external_id="C1">text<name> 王 小明 </name>tail<tags><tag>a</tag><tag/></tags>
    <extra><deep k="v"/><deeper>x</deeper></extra><name>again</name></customer>
  <other/>
</customers>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><customers><c>&x;</c></customers>"""


EXTERNAL_DTD = """<!DOCTYPE customers SYSTEM "http://example.com/evil.dtd">
<customers><customer external_id="X1"/></customers>"""


class _Counted(io.BytesIO):
    """A stream that counts its reads (and never ends properly: it lacks the root's end)."""

    def __init__(self, text: str) -> None:
        super().__init__(text.encode("utf-8"))
        self.reads = 0

    def read(self, size: int | None = -1) -> bytes:
        self.reads += 1
        return super().read(size)


def _value(element: ElementTree.Element) -> Any:
    # What the ElementTree reader before xmlfeed returned for a child element.
    children = list(element)
    if not children:
        return dict(element.attrib) if element.attrib else (element.text or "").strip() or None
    if element.tag in xmlfeed.LIST_FIELDS:
        return [_value(child) for child in children]
    return {child.tag: _value(child) for child in children}


def _reference(text: str) -> list[tuple[str, dict[str, Any]]]:
    root = ElementTree.fromstring(text)
    return [
        (item.tag, dict(item.attrib) | {child.tag: _value(child) for child in item})
        for item in root
    ]


def _records(text: str, chunk: int = 1 << 16) -> list[tuple[str, dict[str, Any]]]:
    return list(xmlfeed.records(io.BytesIO(text.encode("utf-8")), chunk))


class TestRecords:
    @pytest.mark.parametrize(
        "text",
        [files.ORDERS_XML, files.CUSTOMERS_XML, files.PRODUCTS_XML, MIXED, NAMESPACED],
    )
    def test_same_records_as_elementtree(self, text: str) -> None:
        assert _records(text) == _reference(text)

    def test_records_split_across_reads(self) -> None:
        assert _records(files.ORDERS_XML, chunk=7) == _reference(files.ORDERS_XML)

    @pytest.mark.parametrize("text", [files.BILLION_LAUGHS, XXE, EXTERNAL_DTD])
    @pytest.mark.parametrize("chunk", [1 << 16, 5])
    def test_dtds_and_entities_are_refused(self, text: str, chunk: int) -> None:
        with pytest.raises(DefusedXmlException):
            _records(text, chunk)

    def test_a_dtd_in_another_encoding_is_refused(self) -> None:
        stream = io.BytesIO(XXE.replace('<?xml version="1.0"?>', "").encode("utf-16"))
        with pytest.raises(DefusedXmlException):
            list(xmlfeed.records(stream))

    def test_an_undeclared_entity_is_malformed(self) -> None:
        with pytest.raises(ElementTree.ParseError, match="undefined entity"):
            _records("<customers><customer><name>&x;</name></customer></customers>")

    def test_records_come_before_the_whole_file_is_read(self) -> None:
        stream = _Counted(files.ORDERS_XML.replace("</orders>", "") + "<order/>" * 10_000)
        first = next(xmlfeed.records(stream, chunk_size=256))
        assert first[0] == "order"
        assert stream.reads <= 8

    def test_malformed_xml_raises(self) -> None:
        with pytest.raises(ElementTree.ParseError):
            _records("<customers><customer></customers>")
