"""Read CSV, JSON (array or lines) and XML into numbered raw records.

Records are plain dicts with empty values dropped, so defaults apply to empty cells.
XML goes through ElementTree's C parser with every DTD refused (billion laughs, XXE): see xmlfeed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO, Any
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException

from kcrm.core.errors import BadRequest
from kcrm.crm.imports import xmlfeed
from kcrm.crm.imports.schemas import ImportFormat, ImportKind

Record = tuple[int, dict[str, Any]]

_ITEM_TAG = {ImportKind.customers: "customer", ImportKind.products: "product"}
_EXTENSIONS = {
    ".csv": ImportFormat.csv,
    ".json": ImportFormat.json,
    ".jsonl": ImportFormat.json,
    ".ndjson": ImportFormat.json,
    ".xml": ImportFormat.xml,
}


def format_for(filename: str) -> ImportFormat:
    """The format a file name's extension implies, or BadRequest."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise BadRequest(f"cannot tell the format of {filename!r}; pass format csv, json or xml")
    return _EXTENSIONS[suffix]


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != ""}


def _read_csv(stream: IO[bytes]) -> Iterator[Record]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    header = next(reader, None)
    if header is not None:
        yield from _csv_records(header, reader)
    text.detach()


def _csv_records(header: list[str], reader: Iterator[list[str]]) -> Iterator[Record]:
    """What csv.DictReader and `_clean` give, built in one comprehension per row."""
    if len(set(header)) < len(header):
        # A repeated column name: DictReader's last-one-wins, missing cells included.
        for number, row in enumerate(filter(None, reader), start=1):
            record = dict(zip(header, row, strict=False)) | dict.fromkeys(header[len(row) :])
            yield number, _extra(header, row) | _clean(record)
        return
    width = len(header)
    for number, row in enumerate(filter(None, reader), start=1):  # blank lines are skipped
        record = {key: value for key, value in zip(header, row, strict=False) if value}
        yield number, record if len(row) <= width else _extra(header, row) | record


def _extra(header: list[str], row: list[str]) -> dict[str, Any]:
    return {"__extra__": row[len(header) :]} if len(row) > len(header) else {}


def _read_json(stream: IO[bytes]) -> Iterator[Record]:
    first, number = b"", 0
    while not first.strip():
        first = stream.readline()
        number += 1
        if not first:
            return
    first = first.removeprefix(b"\xef\xbb\xbf")
    if first.lstrip().startswith(b"["):
        items = json.loads(first + stream.read())
        for index, item in enumerate(items, start=1):
            yield index, _json_object(item)
        return
    yield number, _json_line(first)
    for offset, line in enumerate(stream, start=number + 1):
        if line.strip():
            yield offset, _json_line(line)


def _json_line(line: bytes) -> dict[str, Any]:
    # One bad line is that row's error, not the whole file's.
    try:
        return _json_object(json.loads(line))
    except json.JSONDecodeError as exc:
        return {"__bad_json__": str(exc)}


def _json_object(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {"__not_object__": type(item).__name__}
    return _clean(item)


def _read_xml(stream: IO[bytes], kind: ImportKind) -> Iterator[Record]:
    item_tag = _ITEM_TAG.get(kind, "order")
    for number, (tag, record) in enumerate(xmlfeed.records(stream), start=1):
        yield number, (_clean(record) if tag == item_tag else {"__wrong_tag__": tag})


def read(stream: IO[bytes], fmt: ImportFormat, kind: ImportKind) -> Iterator[Record]:
    """Yield (row number, raw record) pairs; a malformed file is a BadRequest."""
    try:
        if fmt == ImportFormat.csv:
            yield from _read_csv(stream)
        elif fmt == ImportFormat.json:
            yield from _read_json(stream)
        else:
            yield from _read_xml(stream, kind)
    except DefusedXmlException as exc:
        raise BadRequest(f"refused XML: {exc} (DTDs and entities are not allowed)") from exc
    except (json.JSONDecodeError, UnicodeDecodeError, csv.Error) as exc:
        raise BadRequest(f"malformed {fmt.value} file: {exc}") from exc
    except (ParseError, expat.ExpatError) as exc:
        raise BadRequest(f"malformed xml file: {exc}") from exc
