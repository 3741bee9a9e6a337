"""Order feeds read by a second process: the same reports and the same stored rows as in process.

On PostgreSQL the reader process does not apply and both runs take the in-process path.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
import threading
from multiprocessing.context import ForkServerProcess
from typing import IO, Any

import pytest
from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from kcrm.core.db import UTCDateTime
from kcrm.core.errors import BadRequest, KcrmError
from kcrm.crm.imports import encoded, reader, rows
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.exceptions import ImportConflict, ImportFailed
from kcrm.crm.imports.schemas import ImportFormat, ImportKind
from kcrm.crm.orders.models import Order, OrderLine
from tests.crm.imports import files
from tests.crm.imports.files import as_bytes

HEADER = files.ORDERS_CSV.splitlines()[0]
# More rows than one batch, so keys repeat across batches and lines are split at a border.
ROWS = 4_500


def _order(i: int, *, status: str = "delivered", customer: str = "") -> str:
    customer = customer or ("IC001", "IC002", "IC003")[i % 3]
    lines = "IMP-AC-1:1:2599.00" if i % 2 else "IMP-KS-1:2:120.00;IMP-AC-1:1:2599.50"
    shipped = "2026-10-03T08:00:00Z" if i % 5 == 0 else ""
    number = "" if i % 7 == 0 else f"N-{i}"
    return (
        f"SO-P-{i},{number},{customer},{status},CNY,online,"
        f"2026-10-01T10:{i % 60:02d}:00+08:00,,{shipped},,SF,SF{i},上海 {i},{lines}"
    )


def _csv(rows: list[str]) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _seed(session: Session) -> None:
    for kind, content, fmt in (
        (ImportKind.customers, files.CUSTOMERS_CSV, ImportFormat.csv),
        (ImportKind.products, files.PRODUCTS_JSON, ImportFormat.json),
    ):
        import_service.run(session, kind=kind, stream=as_bytes(content), fmt=fmt)


def _stored(session: Session) -> tuple[list[Any], list[Any]]:
    # By external id, not surrogate id: PostgreSQL does not give a rolled back sequence back.
    skipped = ("id", "created_at", "updated_at")
    # Times as stored (text on SQLite, which sorts and compares them as text), not as read.
    kept = [
        type_coerce(c, String) if isinstance(c.type, UTCDateTime) else c
        for c in Order.__table__.c
        if c.name not in skipped
    ]
    orders = session.execute(select(*kept).order_by(Order.external_id)).all()
    line_columns = (OrderLine.product_id, OrderLine.sku, OrderLine.quantity, OrderLine.unit_price)
    lines = session.execute(
        select(Order.external_id, *line_columns)
        .join(Order, Order.id == OrderLine.order_id)
        .order_by(Order.external_id, OrderLine.id)
    ).all()
    return [tuple(r) for r in orders], [tuple(r) for r in lines]


def _on_disk(content: str) -> IO[bytes]:
    """The content in a regular file (unlinked), which the reader process reads itself."""
    stream = tempfile.TemporaryFile()
    stream.write(content.encode("utf-8"))
    stream.seek(0)
    return stream


def _outcome(
    session: Session,
    content: str,
    fmt: ImportFormat,
    *,
    parallel: bool,
    upsert: bool,
    on_disk: bool = False,
) -> tuple[Any, Any]:
    """The report (or the error) and the stored rows after one run, which is rolled back."""
    savepoint = session.begin_nested()
    stream = _on_disk(content) if on_disk else as_bytes(content)
    try:
        report: Any = import_service.run(
            session,
            kind=ImportKind.orders,
            stream=stream,
            fmt=fmt,
            upsert=upsert,
            parallel=parallel,
        ).model_dump()
    except (ImportFailed, ImportConflict) as exc:
        report = (type(exc).__name__, exc.report.model_dump())
    except KcrmError as exc:
        report = (type(exc).__name__, exc.message)
    finally:
        stream.close()
    stored = _stored(session)
    savepoint.rollback()
    return report, stored


def _same_both_ways(
    session: Session, content: str, fmt: ImportFormat = ImportFormat.csv, *, upsert: bool = False
) -> Any:
    in_process = _outcome(session, content, fmt, parallel=False, upsert=upsert)
    assert _outcome(session, content, fmt, parallel=True, upsert=upsert) == in_process
    on_disk = _outcome(session, content, fmt, parallel=True, upsert=upsert, on_disk=True)
    assert on_disk == in_process
    return in_process[0]


class TestSameAsInProcess:
    def test_a_clean_feed(self, session: Session) -> None:
        _seed(session)
        report = _same_both_ways(session, _csv([_order(i) for i in range(1, ROWS + 1)]))
        assert report["created"] == ROWS

    def test_bad_rows_are_reported_alike(self, session: Session) -> None:
        _seed(session)
        rows = [_order(i) for i in range(1, ROWS + 1)]
        rows[10] = _order(11, status="lost")
        rows[2500] = _order(2501, customer="NOBODY")
        rows[3000] = rows[3000].replace("IMP-AC-1", "NO-SUCH-SKU")
        rows[4200] = rows[5]  # the same order again, in another batch
        rows.append("SO-P-X,N-9,IC001,paid,CNY,online,2026-10-01T10:00:00Z,,,,,,,")
        report = _same_both_ways(session, _csv(rows))
        assert report[0] == "ImportFailed"
        assert report[1]["error_count"] >= 5

    def test_upsert_over_stored_orders(self, session: Session) -> None:
        _seed(session)
        first = [_order(i) for i in range(1, ROWS + 1)]
        import_service.run(
            session,
            kind=ImportKind.orders,
            stream=as_bytes(_csv(first)),
            fmt=ImportFormat.csv,
        )
        again = _same_both_ways(session, _csv(first), upsert=True)
        assert (again["unchanged"], again["created"]) == (ROWS, 0)
        changed = [
            _order(i, status="returned") if i % 3 == 0 else _order(i) for i in range(1, 4001)
        ]
        changed.append(_order(ROWS + 1))
        report = _same_both_ways(session, _csv(changed), upsert=True)
        assert (report["updated"], report["created"]) == (4000 // 3, 1)
        conflict = _same_both_ways(session, _csv(first[:3]))
        assert conflict[0] == "ImportConflict"

    def test_every_form_of_time_is_stored_alike(self, session: Session) -> None:
        # Plain UTC text goes to its stored form in the reader, the rest is parsed there.
        _seed(session)
        times = [
            "2026-10-01T10:00:00Z",
            "2026-10-01T10:00:00+00:00",
            "2026-10-01 10:00:00Z",
            "2026-10-01T10:00:00",
            "2026-10-01T10:00:00.25Z",
            "2026-10-01T18:00:00+08:00",
            "2026-02-29T10:00:00Z",  # no such day: a row error both ways
        ]
        feed = [
            _order(i)
            .replace("2026-10-01T10:", "X", 1)
            .replace(f"X{i % 60:02d}:00+08:00", times[i % len(times)])
            for i in range(1, ROWS + 1)
        ]
        no_such_day = [i % len(times) == len(times) - 1 for i in range(1, ROWS + 1)]
        report = _same_both_ways(session, _csv(feed))
        assert report[0] == "ImportFailed"
        assert report[1]["error_count"] == sum(no_such_day)
        good = [row for row, bad in zip(feed, no_such_day, strict=True) if not bad]
        assert _same_both_ways(session, _csv(good))["created"] == len(good)

    @pytest.mark.parametrize("fmt", [ImportFormat.xml, ImportFormat.json])
    def test_other_formats(self, session: Session, fmt: ImportFormat) -> None:
        _seed(session)
        if fmt == ImportFormat.xml:
            content = files.ORDERS_XML
        else:
            content = as_bytes(files.ORDERS_JSON).getvalue().decode()
        assert _same_both_ways(session, content, fmt)["created"] >= 1

    def test_a_malformed_file_is_the_same_error(self, session: Session) -> None:
        _seed(session)
        broken = files.ORDERS_XML[:-30]
        report = _same_both_ways(session, broken, ImportFormat.xml)
        assert report[0] == BadRequest.__name__


class TestReader:
    def test_only_large_seekable_streams_get_a_worker(self) -> None:
        assert not reader.worth_a_worker(io.BytesIO(b"x" * 1000))
        big = io.BytesIO(b"x" * reader.PARALLEL_BYTES)
        big.read(10)  # what is left counts, not the whole
        assert not reader.worth_a_worker(big)
        big.seek(0)
        assert reader.worth_a_worker(big) == ((reader.os.cpu_count() or 1) > 1)

    def test_a_reader_that_dies_is_a_clear_error(self) -> None:
        out, into = reader.multiprocessing.Pipe(duplex=False)
        into.close()
        with pytest.raises(KcrmError, match="reader stopped"):
            next(reader._received(out))

    def test_stopping_early_stops_the_worker(self) -> None:
        content = _csv([_order(i) for i in range(1, ROWS + 1)]).encode()
        threads = threading.active_count()
        messages = reader.produced(
            encoded.produce, io.BytesIO(content), ImportFormat.csv, ImportKind.orders
        )
        assert messages is not None
        first = encoded.Batch(**next(messages))
        assert len(first) == rows.BATCH
        messages.close()
        assert not multiprocessing.active_children()
        assert threading.active_count() == threads  # the feeder is not left blocked

    def test_a_file_on_disk_is_read_by_the_worker_itself(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        content = _csv([_order(i) for i in range(1, ROWS + 1)])
        stream = _on_disk("skipped\n" + content)
        assert stream.read(8) == b"skipped\n"  # the buffer has read ahead: tell() is what counts
        fed: list[bool] = []

        def feed(_: IO[bytes], sink: Any) -> None:
            fed.append(True)
            sink.close()

        monkeypatch.setattr(reader, "_feed", feed)
        messages = reader.produced(encoded.produce, stream, ImportFormat.csv, ImportKind.orders)
        assert messages is not None
        batches = [encoded.Batch(**message) for message in messages]
        assert sum(len(batch) for batch in batches) == ROWS
        assert batches[0].columns["external_id"][0] == "SO-P-1"
        assert stream.tell() == os.fstat(stream.fileno()).st_size  # left at its end
        assert not fed

    def test_stopping_early_leaves_the_file_where_it_was(self) -> None:
        stream = _on_disk(_csv([_order(i) for i in range(1, ROWS + 1)]))
        messages = reader.produced(encoded.produce, stream, ImportFormat.csv, ImportKind.orders)
        assert messages is not None
        next(messages)
        messages.close()
        assert not multiprocessing.active_children()
        assert stream.read(len(HEADER)).decode() == HEADER

    def test_only_regular_files_are_read_by_the_worker(self) -> None:
        assert reader._FileBytes.of(io.BytesIO(b"x")) is None
        read_end, write_end = os.pipe()
        os.close(write_end)
        with open(read_end, "rb") as pipe:
            assert reader._FileBytes.of(pipe) is None
        with _on_disk("abc") as stream:
            assert reader._FileBytes.of(stream) is not None

    def test_no_worker_means_reading_in_process(
        self, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _seed(session)
        content = _csv([_order(i) for i in range(1, 50)])
        expected = _outcome(session, content, ImportFormat.csv, parallel=False, upsert=False)

        def refuse(_: object) -> None:
            raise OSError("no processes here")

        monkeypatch.setattr(ForkServerProcess, "start", refuse)
        assert _outcome(session, content, ImportFormat.csv, parallel=True, upsert=False) == expected
