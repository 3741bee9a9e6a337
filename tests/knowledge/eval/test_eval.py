"""`kcrm eval`: metrics, the BEIR and pair readers, and runs through the real engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kcrm.cli.main import app
from kcrm.config import Settings, get_settings
from kcrm.knowledge.eval.data import load_beir, load_pairs, sample_queries
from kcrm.knowledge.eval.metrics import average_precision, pair_metrics, ranking_metrics
from kcrm.knowledge.eval.runner import evaluate_pairs, evaluate_retrieval

FAKE_DENSE = {"embedder": "fake", "fusion_weights": {"en": (1.0, 0.0), "zh": (1.0, 0.0)}}


def write_beir(folder: Path) -> Path:
    (folder / "qrels").mkdir(parents=True)
    docs = [("d1", "card payment declined"), ("d2", "change my PIN"), ("d3", "top up by transfer")]
    (folder / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": i, "title": "", "text": t}) + "\n" for i, t in docs)
    )
    queries = [("q1", "why was my card payment declined"), ("q2", "how to change PIN")]
    (folder / "queries.jsonl").write_text(
        "".join(json.dumps({"_id": i, "text": t}) + "\n" for i, t in queries)
    )
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
    return folder


class TestRankingMetrics:
    def test_first_hit_at_rank_two(self) -> None:
        metrics = ranking_metrics(["x", "a", "y"], {"a", "b"})
        assert metrics["hit@1"] == 0.0
        assert metrics["mrr@10"] == 0.5
        assert metrics["recall@10"] == 0.5
        assert metrics["ndcg@10"] == pytest.approx((1 / 1.5849625) / (1 + 1 / 1.5849625))

    def test_perfect(self) -> None:
        assert ranking_metrics(["a"], {"a"}) == {
            "hit@1": 1.0,
            "mrr@10": 1.0,
            "ndcg@10": 1.0,
            "recall@10": 1.0,
        }


class TestPairMetrics:
    def test_perfect_separation(self) -> None:
        assert pair_metrics([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0]) == {"spearman": 89.44, "ap": 100.0}

    def test_average_precision(self) -> None:
        assert average_precision([0.9, 0.8, 0.7], [0, 1, 1]) == pytest.approx((1 / 2 + 2 / 3) / 2)


class TestReaders:
    def test_load_beir(self, tmp_path: Path) -> None:
        data = load_beir(write_beir(tmp_path / "set"))
        assert data.corpus["d2"] == "change my PIN"
        assert data.qrels == {"q1": {"d1"}, "q2": {"d2"}}
        assert len(sample_queries(data, 1, seed=0).queries) == 1

    def test_not_a_beir_folder(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"qrels/test.tsv|corpus.jsonl"):
            load_beir(tmp_path)

    def test_pairs_with_a_bad_line(self, tmp_path: Path) -> None:
        path = tmp_path / "pairs.tsv"
        path.write_text("a\tb\t1\nc\td\tyes\n", encoding="utf-8")
        with pytest.raises(ValueError, match="pairs.tsv:2"):
            load_pairs(path)


class TestEvaluate:
    def test_retrieval_through_the_engine(self, tmp_path: Path, settings: Settings) -> None:
        data = load_beir(write_beir(tmp_path / "set"))
        results = evaluate_retrieval(
            settings, data, ["bm25", "fake"], overrides={"fake": FAKE_DENSE}
        )
        assert results["bm25"]["hit@1"] == 100.0
        assert set(results["fake"]) == {"hit@1", "mrr@10", "ndcg@10", "recall@10"}

    def test_pairs_through_the_engine(self, settings: Settings) -> None:
        from kcrm.knowledge.eval.data import Pair

        pairs = [Pair("card declined", "my card was declined", 1), Pair("PIN", "top up", 0)]
        results = evaluate_pairs(settings, pairs, ["bm25"])
        assert results["bm25"] == {"spearman": 100.0, "ap": 100.0}

    def test_unknown_method(self, settings: Settings, tmp_path: Path) -> None:
        data = load_beir(write_beir(tmp_path / "set"))
        with pytest.raises(ValueError, match="unknown method 'svm'"):
            evaluate_retrieval(settings, data, ["svm"])


class TestCli:
    def test_json_output(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("KCRM_DATA_DIR", str(tmp_path / "var"))
        get_settings.cache_clear()
        folder = write_beir(tmp_path / "set")
        result = CliRunner().invoke(
            app, ["eval", "retrieval", str(folder), "--methods", "bm25", "--json"]
        )
        get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        line = next(x for x in result.stdout.splitlines() if x.startswith("{"))
        assert json.loads(line)["bm25"]["hit@1"] == 100.0
