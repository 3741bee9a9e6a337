"""End to end: a killed `kcrm ingest` is repaired by check → reindex, and the real model works."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import kcrm.models  # noqa: F401
from kcrm.config import Settings
from kcrm.core.db import Base, make_engine
from kcrm.knowledge import consistency
from kcrm.knowledge.engine import build_engine
from kcrm.knowledge.ingest import Ingestor
from tests.knowledge.conftest import FIXTURES

KCRM = str(Path(sys.executable).parent / "kcrm")
INPUTS = ["articles", "faq.csv", "guide.html", "notes.txt"]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KCRM, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _articles(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the ingest to commit")
        time.sleep(0.1)


@pytest.mark.slow
class TestCrashMidIngest:
    def test_kill_then_check_reindex_check(self, tmp_path: Path) -> None:
        db = tmp_path / "kcrm.db"
        engine = make_engine(f"sqlite:///{db}")
        Base.metadata.create_all(engine)
        engine.dispose()
        env = {
            **os.environ,
            "KCRM_DATABASE_URL": f"sqlite:///{db}",
            "KCRM_DATA_DIR": str(tmp_path / "var"),
            "KCRM_EMBEDDER": "fake",
            "KCRM_VECTOR_INDEX": "chroma",  # on disk, so the next process sees what was written
        }
        paths = [str(FIXTURES / name) for name in INPUTS]
        run = subprocess.Popen(
            [KCRM, "ingest", *paths, "--quiet"],
            env={**env, "KCRM_INGEST_PAUSE": "3"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            # Article 2 is committed; its chunks are indexed only after the pause.
            _wait_for(lambda: _articles(db) >= 2, 120)
        finally:
            run.send_signal(signal.SIGKILL)
            run.wait(timeout=30)
        assert run.returncode == -signal.SIGKILL
        assert _articles(db) < 8  # it really died mid-run

        drift = _cli(env, "index", "check")
        assert drift.returncode == 1, drift.stdout + drift.stderr
        assert "missing: 0" not in drift.stdout
        assert "article:KB-9002:0" in drift.stdout

        repaired = _cli(env, "reindex")
        assert repaired.returncode == 0, repaired.stderr
        clean = _cli(env, "index", "check")
        assert clean.returncode == 0, clean.stdout + clean.stderr
        assert clean.stdout.strip().endswith("clean")

        # Re-running the ingest finishes the job; what was already indexed is not embedded again.
        rerun = _cli(env, "ingest", *paths, "--quiet")
        assert rerun.returncode == 0, rerun.stderr
        assert _articles(db) == 8
        assert _cli(env, "index", "check").returncode == 0


@pytest.mark.slow
class TestRealEmbedder:
    def test_bilingual_search_with_the_default_model(
        self, session: Session, factory: Callable[[], Session], tmp_path: Path
    ) -> None:
        settings = Settings(data_dir=tmp_path / "var", vector_index="memory")  # default embedder
        (tmp_path / "var").mkdir()
        knowledge = build_engine(settings)
        paths = [FIXTURES / name for name in INPUTS]
        report = Ingestor(factory, knowledge, settings).run(paths)  # type: ignore[arg-type]
        assert report.errors == []
        assert report.embedded == report.chunks > 0
        zh = knowledge.search("退货的运费谁出？", k=3)
        assert zh[0].metadata["doc_id"] == "KB-9002"
        en = knowledge.search("my dishwasher will not pump the water out", k=3)
        assert en[0].metadata["doc_id"] == "KB-9001"
        assert consistency.check(session, knowledge, settings, sources=["article"]).clean
