"""The expat feed reader: the same records ElementTree gave, and every DTD refused."""

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

    @pytest.mark.parametrize("text", [files.BILLION_LAUGHS, XXE])
    def test_dtds_and_entities_are_refused(self, text: str) -> None:
        with pytest.raises(DefusedXmlException):
            _records(text)

    def test_malformed_xml_raises(self) -> None:
        with pytest.raises(xmlfeed.expat.ExpatError):
            _records("<customers><customer></customers>")
