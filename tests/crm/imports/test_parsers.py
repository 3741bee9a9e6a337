"""The CSV reader gives exactly what csv.DictReader with empty cells dropped gives."""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kcrm.crm.imports import parsers
from kcrm.crm.imports.schemas import ImportFormat, ImportKind

CELLS = st.sampled_from(["", "a", "b c", '"q"', "x,y", " ", "\n", "王"])
NAMES = st.sampled_from(["a", "b", "c", "d", "external_id"])


def _dict_reader(data: str) -> list[tuple[int, dict[str, Any]]]:
    records = []
    for number, row in enumerate(csv.DictReader(io.StringIO(data, newline="")), start=1):
        if None in row:
            records.append((number, {"__extra__": row.pop(None), **parsers._clean(row)}))
        else:
            records.append((number, parsers._clean(row)))
    return records


def _csv(header: list[str], rows: list[list[str]], blank_lines: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if blank_lines:
            buffer.write("\r\n")
    return buffer.getvalue()


class TestReadCsv:
    @given(
        header=st.lists(NAMES, min_size=1, max_size=5),
        rows=st.lists(st.lists(CELLS, max_size=7), max_size=5),
        blank_lines=st.booleans(),
    )
    def test_same_records_as_dict_reader(
        self, header: list[str], rows: list[list[str]], blank_lines: bool
    ) -> None:
        data = _csv(header, rows, blank_lines)
        stream = io.BytesIO(data.encode())
        read = list(parsers.read(stream, ImportFormat.csv, ImportKind.customers))
        expected = _dict_reader(data)
        assert [(n, list(r.items())) for n, r in read] == [
            (n, list(r.items())) for n, r in expected
        ]

    def test_empty_file_has_no_records(self) -> None:
        assert list(parsers._read_csv(io.BytesIO(b""))) == []
