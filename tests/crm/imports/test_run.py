"""What an import changes in the process while it runs, and puts back afterwards."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy.orm import Session

from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.exceptions import ImportFailed
from kcrm.crm.imports.schemas import ImportFormat, ImportKind
from tests.crm.imports import files
from tests.crm.imports.files import as_bytes


class TestGarbageCollector:
    def test_threshold_raised_while_running_and_restored(self, session: Session) -> None:
        before = gc.get_threshold()
        during: list[tuple[int, ...]] = []
        import_service.run(
            session,
            kind=ImportKind.customers,
            stream=as_bytes(files.CUSTOMERS_CSV),
            fmt=ImportFormat.csv,
            progress=lambda _: during.append(gc.get_threshold()),
        )
        assert during == [(100_000, *before[1:])]
        assert gc.get_threshold() == before

    def test_restored_after_a_failed_import(self, session: Session) -> None:
        before = gc.get_threshold()
        with pytest.raises(ImportFailed):
            import_service.run(
                session,
                kind=ImportKind.customers,
                stream=as_bytes([{"external_id": "B1", "name": ""}]),
                fmt=ImportFormat.json,
            )
        assert gc.get_threshold() == before
