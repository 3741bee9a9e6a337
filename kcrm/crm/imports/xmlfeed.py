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


# An element being read: [tag, attributes, text pieces, child elements]; lists are cheaper
# to build than objects, and a feed holds a dozen elements per order.
_TAG, _ATTRIB, _TEXT, _CHILDREN = range(4)
_Node = list[Any]


def _value(node: _Node) -> Any:
    if not node[_CHILDREN]:
        if node[_ATTRIB]:
            return node[_ATTRIB]
        return "".join(node[_TEXT]).strip() or None
    if node[_TAG] in LIST_FIELDS:
        return [_value(child) for child in node[_CHILDREN]]
    return {child[_TAG]: _value(child) for child in node[_CHILDREN]}


def _record(node: _Node) -> dict[str, Any]:
    record: dict[str, Any] = dict(node[_ATTRIB])
    for child in node[_CHILDREN]:
        record[child[_TAG]] = _value(child)
    return record


def _name(name: str) -> str:
    # ElementTree's spelling of a namespaced name: {uri}local.
    return "{" + name if "}" in name else name


class _Feed:
    """expat handlers that collect finished records (direct children of the root)."""

    def __init__(self) -> None:
        self.done: list[_Node] = []
        self.namespaced = False
        stack: list[_Node] = []
        done_append = self.done.append

        # Closures over locals: these run a dozen times per order.
        def start(tag: str, attrib: dict[str, str]) -> None:
            if self.namespaced:
                tag, attrib = _name(tag), {_name(k): v for k, v in attrib.items()}
            node = [tag, attrib, [], []]
            if len(stack) > 1:
                stack[-1][_CHILDREN].append(node)
            stack.append(node)

        def end(_tag: str) -> None:
            node = stack.pop()
            if len(stack) == 1:
                done_append(node)

        def text(data: str) -> None:
            if len(stack) > 1:
                stack[-1][_TEXT].append(data)

        self.start, self.end, self.text = start, end, text

    def namespace(self, _prefix: str | None, _uri: str) -> None:
        self.namespaced = True


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
    parser.StartNamespaceDeclHandler = feed.namespace
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
            yield node[_TAG], _record(node)
        feed.done.clear()
    parser.Parse(b"", True)
    for node in feed.done:
        yield node[_TAG], _record(node)
