"""Probes for bench/crm_scale.py: where an import's time goes, and SQLite's own share of it."""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kcrm.crm.imports import bulk, encoded, kinds, rows
from kcrm.crm.imports import reader as reader_module
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.rows import BATCH

# (phase, object, method): the import engine's steps, timed per batch. In process, `check`
# is the keys' first-time test; `take` is all of a batch from the reader process but its
# lookups and writes (which are timed as such inside it).
STEPS = (
    ("check", import_service.ImportRun, "_validate"),
    ("resolve", kinds.OrderImporter, "resolve"),
    ("lookups", import_service.ImportRun, "unique_ok"),
    ("lookups", import_service.ImportRun, "classify"),
    ("lookups", kinds.OrderImporter, "existing"),
    ("write", import_service.ImportRun, "write"),
    ("take", encoded, "take"),
    ("rebuild", bulk.DeferredIndexes, "restore"),
)


@contextmanager
def phases(seconds: defaultdict[str, float]) -> Iterator[None]:
    """Add each step's wall seconds to `seconds` while the block runs.

    `read` is the wait for each batch: parsing and validating it in process, or what the
    reader process has not finished (plus unmarshalling) when a batch is needed.

    Steps are timed per batch of rows, so the timing itself costs nothing per row. The rest
    of an import (commit, index rebuild, batching) is what the total leaves over.
    """
    saved: list[tuple[Any, str, Any]] = [(o, n, getattr(o, n)) for _, o, n in STEPS]
    saved.append((rows, "checked_batches", rows.checked_batches))
    saved.append((reader_module, "produced", reader_module.produced))

    inner: list[float] = []  # per running step, the time its inner steps took

    def timed(phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            inner.append(0.0)
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                seconds[phase] += elapsed - inner.pop()
                if inner:
                    inner[-1] += elapsed

        return run

    def batches(function: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        def run(*args: Any, **kwargs: Any) -> Iterator[Any]:
            produced = function(*args, **kwargs)
            while True:
                start = time.perf_counter()
                batch = next(produced, None)
                seconds["read"] += time.perf_counter() - start
                if batch is None:
                    return
                yield batch

        return run

    for (phase, owner, name), (_, _, function) in zip(STEPS, saved, strict=False):
        setattr(owner, name, timed(phase, function))
    for owner, name, function in saved[len(STEPS) :]:
        setattr(owner, name, batches(function))
    try:
        yield
    finally:
        for owner, name, function in saved:
            setattr(owner, name, function)


def insert_floor(database: Path, sample: int) -> dict[str, float]:
    """µs per order row: SQLite's own insert (INSERT ... SELECT) and the same rows through
    Python's sqlite3 executemany, as the import writes them. Both copy `sample` stored
    orders under new keys into the full table, with the indexes a large import keeps and
    foreign keys on, and roll back."""
    db = sqlite3.connect(database, isolation_level=None)
    for pragma in ("foreign_keys=ON", "synchronous=NORMAL", "cache_size=-262144"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("BEGIN")
    _drop_deferred(db)
    db.execute("CREATE TEMP TABLE probe AS SELECT * FROM orders ORDER BY id LIMIT ?", (sample,))
    db.execute(
        "UPDATE probe SET id = id + (SELECT max(id) FROM orders),"
        " number = 'P' || number, external_id = 'P' || external_id"
    )
    rows = db.execute("SELECT * FROM probe").fetchall()
    start = time.perf_counter()
    db.execute("INSERT INTO orders SELECT * FROM probe")
    own = time.perf_counter() - start
    db.execute("ROLLBACK")
    marks = ",".join("?" * len(rows[0]))
    db.execute("BEGIN")
    _drop_deferred(db)
    start = time.perf_counter()
    for first in range(0, len(rows), BATCH):
        db.executemany(f"INSERT INTO orders VALUES ({marks})", rows[first : first + BATCH])
    through = time.perf_counter() - start
    db.execute("ROLLBACK")
    db.close()
    return {
        "rows": len(rows),
        "sqlite_us": 1e6 * own / len(rows),
        "executemany_us": 1e6 * through / len(rows),
    }


def _drop_deferred(db: sqlite3.Connection) -> None:
    """Drop the orders indexes a large import drops (non-unique, made by CREATE INDEX)."""
    for _, name, unique, origin, _ in db.execute("PRAGMA index_list(orders)").fetchall():
        if not unique and origin == "c":
            db.execute(f'DROP INDEX "{name}"')
