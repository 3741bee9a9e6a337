"""`kcrm import`: exit codes and the printed report, on a throw-away SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kcrm.cli.main import app
from kcrm.config import get_settings
from kcrm.core.migrate import upgrade
from tests.crm.imports import files


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the CLI at a fresh migrated SQLite database."""
    monkeypatch.setenv("KCRM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("KCRM_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    upgrade(get_settings().db_url)
    yield tmp_path
    get_settings.cache_clear()


class TestImportCommand:
    def test_import_then_conflict_then_upsert(self, cli_db: Path) -> None:
        path = cli_db / "customers.csv"
        path.write_text(files.CUSTOMERS_CSV, encoding="utf-8")
        runner = CliRunner()
        first = runner.invoke(app, ["import", "customers", str(path)])
        assert first.exit_code == 0, first.output
        assert "3 created" in first.output
        again = runner.invoke(app, ["import", "customers", str(path)])
        assert again.exit_code == 1
        assert "already exists" in again.output
        upsert = runner.invoke(app, ["import", "customers", str(path), "--upsert"])
        assert "3 unchanged" in upsert.output

    def test_bad_row_prints_the_report_and_fails(self, cli_db: Path) -> None:
        path = cli_db / "feed.txt"
        path.write_text('[{"external_id": "X", "name": "", "kind": "robot"}]', encoding="utf-8")
        result = CliRunner().invoke(app, ["import", "customers", str(path), "--format", "json"])
        assert result.exit_code == 1
        assert "row 1 kind" in result.output
        assert "row 1 name" in result.output
