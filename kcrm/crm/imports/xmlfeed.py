"""Stream an XML feed into raw records straight from expat, refusing DTDs and entities.

defusedxml's iterparse builds every element with the pure-Python tree builder, which costs
more than the rest of an order's import. Here expat calls three small handlers and records
are built directly, with the same shapes as before: attributes and children of each direct
child of the root become one record. Any DTD, entity declaration or external reference
raises defusedxml's own exceptions (billion laughs, XXE), so callers refuse it as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

# Children of these elements form a list; any other element with children is a mapping.
LIST_FIELDS = frozenset({"tags", "lines"})
_CHUNK = 1 << 16


class _Node:
    __slots__ = ("attrib", "children", "tag", "text")

    def __init__(self, tag: str, attrib: dict[str, str]) -> None:
        self.tag = tag
        self.attrib = attrib
        self.text: list[str] = []
        self.children: list[_Node] = []


def _value(node: _Node) -> Any:
    if not node.children:
        if node.attrib:
            return node.attrib
        return "".join(node.text).strip() or None
    if node.tag in LIST_FIELDS:
        return [_value(child) for child in node.children]
    return {child.tag: _value(child) for child in node.children}


def _record(node: _Node) -> dict[str, Any]:
    record: dict[str, Any] = dict(node.attrib)
    for child in node.children:
        record[child.tag] = _value(child)
    return record


def _name(name: str) -> str:
    # ElementTree's spelling of a namespaced name: {uri}local.
    return "{" + name if "}" in name else name


class _Feed:
    """expat handlers that collect finished records (direct children of the root)."""

    def __init__(self) -> None:
        self.stack: list[_Node] = []
        self.done: list[_Node] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        node = _Node(_name(tag), {_name(k): v for k, v in attrib.items()} if attrib else {})
        if len(self.stack) > 1:
            self.stack[-1].children.append(node)
        self.stack.append(node)

    def end(self, _tag: str) -> None:
        node = self.stack.pop()
        if len(self.stack) == 1:
            self.done.append(node)

    def text(self, data: str) -> None:
        if len(self.stack) > 1:
            self.stack[-1].text.append(data)


def _doctype(name: str, sysid: str | None, pubid: str | None, _internal: bool) -> None:
    raise DTDForbidden(name, sysid, pubid)


def _entity(name: str, _param: bool, value: str | None, *rest: str | None) -> None:
    raise EntitiesForbidden(name, value, *rest)


def _unparsed(name: str, *rest: str | None) -> None:
    raise EntitiesForbidden(name, None, *rest)


def _external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _parser(feed: _Feed) -> Any:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = feed.start
    parser.EndElementHandler = feed.end
    parser.CharacterDataHandler = feed.text
    parser.StartDoctypeDeclHandler = _doctype
    parser.EntityDeclHandler = _entity
    parser.UnparsedEntityDeclHandler = _unparsed
    parser.ExternalEntityRefHandler = _external
    return parser


def records(stream: IO[bytes], chunk_size: int = _CHUNK) -> Iterator[tuple[str, dict[str, Any]]]:
    """(tag, record) for each direct child of the root, read in chunks; ExpatError if bad."""
    feed = _Feed()
    parser = _parser(feed)
    while chunk := stream.read(chunk_size):
        parser.Parse(chunk, False)
        for node in feed.done:
            yield node.tag, _record(node)
        feed.done.clear()
    parser.Parse(b"", True)
    for node in feed.done:
        yield node.tag, _record(node)
