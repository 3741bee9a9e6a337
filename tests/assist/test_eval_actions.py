"""`kcrm eval actions` on a tiny dialogue file: the shared code path and the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kcrm.assist.eval_actions import evaluate, prepared
from kcrm.assist.star import examples, load_dialogues
from kcrm.cli.main import app
from kcrm.config import Settings, get_settings

FIXTURE = Path(__file__).parent / "fixtures" / "dialogues.jsonl"


def _split(tmp_path: Path) -> tuple[Path, Path]:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    train, test = tmp_path / "train.jsonl", tmp_path / "test.jsonl"
    train.write_text("".join(lines[:12]))
    test.write_text("".join(lines[12:]))
    return train, test


class TestEvaluate:
    def test_kcrm_beats_majority(self, tmp_path: Path, settings: Settings) -> None:
        train, test = _split(tmp_path)
        train_d, test_d = load_dialogues(train), load_dialogues(test)
        with prepared(settings, train_d, test_d, context_model="fake") as res:
            # The cases read back from the database are exactly the train dialogues' steps.
            steps = sorted((s.action, s.context) for c in res.cases.values() for s in c.steps)
            direct = sorted((e.action, e.conversation.context()) for e in examples(train_d))
            assert steps == direct
            assert res.engine.vectors.count() > 0
            results = evaluate(res, test_d, settings)
        assert set(results) == {"majority", "knn", "kcrm"}
        assert all(set(m) == {"acc@1", "acc@3"} for m in results.values())
        assert results["kcrm"]["acc@1"] > results["majority"]["acc@1"]
        # The hotel branch (book or cancel) is read from the customer's words.
        assert results["kcrm"]["acc@1"] >= 90


class TestCli:
    def test_json_output(self, tmp_path: Path, settings: Settings) -> None:
        train, test = _split(tmp_path)
        get_settings.cache_clear()
        env = {"KCRM_DATA_DIR": str(settings.data_dir), "KCRM_EMBEDDER": "fake"}
        try:
            result = CliRunner().invoke(
                app,
                [
                    "eval",
                    "actions",
                    str(test),
                    "--train",
                    str(train),
                    "--json",
                    "--methods",
                    "majority,kcrm",
                    "--limit",
                    "2",
                    "--context-model",
                    "fake",
                ],
                env=env,
            )
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout.strip().splitlines()[-1])
        assert set(data) == {"majority", "kcrm"}
        assert data["kcrm"]["acc@1"] > data["majority"]["acc@1"]

    def test_an_unknown_method_is_refused(self, tmp_path: Path) -> None:
        train, test = _split(tmp_path)
        result = CliRunner().invoke(
            app, ["eval", "actions", str(test), "--train", str(train), "--methods", "magic"]
        )
        assert result.exit_code != 0
        assert "magic" in result.output
