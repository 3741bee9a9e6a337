"""Run an import: validate every row, then upsert in batches inside one savepoint.

Rows are read and validated in batches so a million-row feed never sits in memory. Writes
stop at the first bad row, validation goes on so the report names every bad row, and the
savepoint is rolled back if anything was wrong: nothing from a bad file is ever kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from typing import IO, Any

from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.events import emit
from kcrm.crm.imports import bulk, encoded, reader, repository, rows
from kcrm.crm.imports.base import Importer, Numbered
from kcrm.crm.imports.exceptions import ImportConflict, ImportFailed
from kcrm.crm.imports.kinds import IMPORTERS
from kcrm.crm.imports.rows import Values
from kcrm.crm.imports.schemas import ImportFormat, ImportKind, ImportReport, RowError

Progress = Callable[[int], object]
Insert = Callable[[Session, list[Values]], list[int]]


class ImportRun:
    """The state of one import as it goes through the file."""

    def __init__(self, session: Session, importer: Importer, report: ImportReport) -> None:
        self.session = session
        self.importer = importer
        self.report = report
        self.seen: dict[str, set[str]] = {"external_id": set()}
        if importer.unique:
            self.seen[importer.unique] = set()
        tables = (importer.table, *importer.also_writes)
        self.indexes = bulk.DeferredIndexes(session, tables, importer.read_by)

    @property
    def clean(self) -> bool:
        return self.report.error_count == 0 and self.report.conflicts == 0

    def batch(self, checked: rows.Checked) -> None:
        """Check and (while the file is clean so far) write one batch of validated rows."""
        self.report.total += len(checked)
        valid = self._validate(checked)
        resolved = self.importer.resolve(self.session, valid, self.report)
        new, changed = self.classify(self.unique_ok(resolved))
        if self.clean:
            self.write(new, changed)

    def _validate(self, checked: rows.Checked) -> Numbered:
        valid: Numbered = [(n, row) for n, row in checked if not isinstance(row, list)]
        if len(valid) == len(checked):
            keys = [[self._key(row, field) for _, row in valid] for field in self.seen]
            if self.all_first_time(keys):
                return valid
        valid = []
        for number, result in checked:
            if isinstance(result, list):
                for field, reason in result:
                    self.report.add_error(number, field, reason)
            elif self.first_time(number, result):
                valid.append((number, result))
        return valid

    def first_time(self, number: int, row: Values) -> bool:
        """Whether the row's keys are new in this file; a row error if one came before."""
        return self.first_time_keys(number, [self._key(row, field) for field in self.seen])

    @staticmethod
    def _key(row: Values, field: str) -> str:
        # An order without a number is numbered by its external id.
        return str(row.get(field) or row["external_id"])

    def all_first_time(self, keys: Sequence[Sequence[str]]) -> bool:
        """Note the rows' keys (a list per field of `seen`) if none repeats or came before."""
        for seen, values in zip(self.seen.values(), keys, strict=True):
            if len(set(values)) < len(values) or not seen.isdisjoint(values):
                return False
        for seen, values in zip(self.seen.values(), keys, strict=True):
            seen.update(values)
        return True

    def first_time_keys(self, number: int, keys: Iterable[str]) -> bool:
        """`first_time` with the row's keys given, in the order of `seen`'s fields."""
        for (field, seen), value in zip(self.seen.items(), keys, strict=True):
            if value in seen:
                self.report.add_error(number, field, f"{value} appears twice in this file")
                return False
            seen.add(value)
        return True

    def unique_ok(self, resolved: list[tuple[int, Values]]) -> list[tuple[int, Values]]:
        """The rows whose unique column no other record holds; row errors for the rest."""
        column = self.importer.unique
        if column is None:
            return resolved
        held = repository.holders(
            self.session, self.importer.table, column, [v[column] for _, v in resolved]
        )
        if not held:  # a new file's usual case: none of its values is taken
            return resolved
        kept = []
        for number, values in resolved:
            holder = held.get(values[column], values["external_id"])
            if holder != values["external_id"]:
                reason = f"{values[column]} already belongs to another record ({holder})"
                self.report.add_error(number, column, reason)
            else:
                kept.append((number, values))
        return kept

    def classify(
        self, resolved: list[tuple[int, Values]]
    ) -> tuple[list[Values], list[tuple[int, Values]]]:
        """New rows, and changed ones with their ids (unchanged ones and conflicts counted)."""
        keys = [values["external_id"] for _, values in resolved]
        return self.sort(resolved, self.importer.existing(self.session, keys))

    def sort(
        self, resolved: list[tuple[int, Values]], stored: dict[str, tuple[int, tuple[Any, ...]]]
    ) -> tuple[list[Values], list[tuple[int, Values]]]:
        """`classify` with the stored rows (external_id -> (id, snapshot)) given."""
        if not stored:
            return [values for _, values in resolved], []
        new: list[Values] = []
        changed: list[tuple[int, Values]] = []
        for number, values in resolved:
            found = stored.get(values["external_id"])
            if found is None:
                new.append(values)
            elif not self.report.upsert:
                self.report.conflicts += 1
                self.report.errors.append(
                    RowError(row=number, field="external_id", reason="already exists")
                )
            elif found[1] == self.importer.snapshot(values):
                self.report.unchanged += 1
            else:
                changed.append((found[0], values))
        return new, changed

    def write(
        self, new: list[Values], changed: list[tuple[int, Values]], insert: Insert | None = None
    ) -> None:
        """Insert the new rows (with the importer's insert unless given) and update the rest."""
        ids = (insert or self.importer.insert)(self.session, new)
        self.importer.update(self.session, changed)
        self.report.created += len(new)
        self.indexes.wrote(len(new))
        self.report.updated += len(changed)
        if self.report.kind == ImportKind.products:
            self.report.changed_product_ids.extend([*ids, *(id_ for id_, _ in changed)])


def _batches(
    state: ImportRun, stream: IO[bytes], fmt: ImportFormat, parallel: bool | None
) -> Iterator[int]:
    """Import the file batch by batch; yields each batch's row count."""
    session, kind = state.session, state.report.kind
    messages = None
    if encoded.applies(session, kind) and (
        reader.worth_a_worker(stream) if parallel is None else parallel
    ):
        messages = reader.produced(encoded.produce, stream, fmt, kind)
    if messages is not None:
        with closing(messages):
            for message in messages:
                batch = encoded.Batch(**message)
                encoded.take(state, batch)
                yield len(batch)
        return
    for checked in rows.checked_batches(stream, fmt, kind):
        state.batch(checked)
        yield len(checked)


def _audit(session: Session, report: ImportReport, source: str | None) -> None:
    # One row per import: per-row audit would double the writes of a million-row feed.
    after = report.model_dump(mode="json", include={"kind", "format", "upsert", "total"})
    after.update(created=report.created, updated=report.updated, unchanged=report.unchanged)
    after["source"] = source
    repository.write_audit(
        session,
        {
            "at": utcnow(),
            "actor": str(session.info.get("actor", "system")),
            "action": "import",
            "entity": "import",
            "entity_id": report.kind.value,
            "before": None,
            "after": after,
        },
    )


def run(
    session: Session,
    *,
    kind: ImportKind,
    stream: IO[bytes],
    fmt: ImportFormat,
    upsert: bool = False,
    source: str | None = None,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> ImportReport:
    """Import one file; ImportFailed (400) or ImportConflict (409) leave the database as it was.

    `parallel`: read a SQLite order feed in a second process (None: when the file is large).
    """
    report = ImportReport(kind=kind, format=fmt, upsert=upsert)
    with reader.fewer_collections(), repository.import_cache(session), session.begin_nested():
        state = ImportRun(session, IMPORTERS[kind](), report)
        for size in _batches(state, stream, fmt, parallel):
            if progress is not None:
                progress(size)
        if report.error_count:
            raise ImportFailed(report)
        if report.conflicts:
            raise ImportConflict(report)
        state.indexes.restore()
        if report.created or report.updated:
            _audit(session, report, source)
        if report.changed_product_ids:
            # Knowledge about these products may now be wrong (kcrm/knowledge/curation).
            emit(session, "products.changed", product_ids=report.changed_product_ids)
    return report
