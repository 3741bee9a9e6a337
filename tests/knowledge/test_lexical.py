"""The bilingual tokenizer and the BM25 index: search, filters, deletes and persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcrm.knowledge.lexical import Bm25Index, Tokenizer, load_dictionary
from kcrm.knowledge.ports import Chunk


def chunk(chunk_id: str, text: str, content_hash: str = "h", **metadata: object) -> Chunk:
    return Chunk(id=chunk_id, text=text, content_hash=content_hash, metadata=metadata)  # type: ignore[arg-type]


class TestTokenizer:
    def test_english_words_lowercased_without_stopwords(self) -> None:
        assert Tokenizer()("The Washer is NOT spinning") == ["washer", "spinning"]

    def test_chinese_cut_by_jieba(self) -> None:
        assert Tokenizer()("洗衣机不转了") == ["洗衣机", "不转"]

    def test_mixed_text(self) -> None:
        assert Tokenizer()("AP300滤网多久换") == ["ap300", "滤网", "多久", "换"]

    def test_dictionary_terms_stay_whole(self) -> None:
        plain, tuned = Tokenizer(), Tokenizer(["KFR-26GW", "扫拖机器人"])
        assert plain("KFR-26GW 报错") == ["kfr", "26gw", "报错"]
        assert tuned("KFR-26GW 报错") == ["kfr-26gw", "报错"]
        assert "扫拖机器人" in tuned("自动集尘扫拖机器人不回充")


class TestLoadDictionary:
    def test_comments_blank_lines_and_jieba_format(self, tmp_path: Path) -> None:
        path = tmp_path / "dictionary.txt"
        path.write_text("# products\nKFR-26GW\n\n暖居 100 nz\nRV10  # robot\n", encoding="utf-8")
        assert load_dictionary(path) == ["KFR-26GW", "暖居", "RV10"]

    def test_missing_file_is_empty(self, tmp_path: Path) -> None:
        assert load_dictionary(tmp_path / "absent.txt") == []

    def test_shipped_dictionary_has_skus(self) -> None:
        terms = load_dictionary(Path(__file__).parents[2] / "corpus" / "dictionary.txt")
        assert "AC-1001" in terms
        assert "KFR-26GW" in terms


@pytest.fixture
def index() -> Bm25Index:
    index = Bm25Index(Tokenizer(["KFR-26GW"]))
    index.upsert(
        [
            chunk("a", "空调 KFR-26GW 显示 E1 故障", source="article", language="zh"),
            chunk("b", "Air conditioner KFR-26GW shows error E1", source="article", language="en"),
            chunk("c", "Refund for a returned kettle", source="history", customer_id=7),
            chunk("d", "How to return a kettle", source="resolution", language="en"),
        ]
    )
    return index


class TestBm25Query:
    def test_ranks_keyword_matches(self, index: Bm25Index) -> None:
        hits = index.query("kettle return", 5)
        assert [h.id for h in hits][0] == "d"
        assert {h.id for h in hits} == {"c", "d"}
        assert all(h.score > 0 for h in hits)

    def test_model_number_matches_across_languages(self, index: Bm25Index) -> None:
        assert {h.id for h in index.query("KFR-26GW", 5)} == {"a", "b"}

    def test_filters(self, index: Bm25Index) -> None:
        assert [h.id for h in index.query("KFR-26GW", 5, {"language": "zh"})] == ["a"]
        where = {"source": {"$ne": "history"}}
        assert [h.id for h in index.query("kettle", 5, where)] == ["d"]

    def test_unknown_words_find_nothing(self, index: Bm25Index) -> None:
        assert index.query("zebra", 5) == []

    def test_empty_index(self) -> None:
        assert Bm25Index(Tokenizer()).query("kettle", 5) == []

    def test_scores_are_bm25s_own(self, index: Bm25Index) -> None:
        # Our one-bincount sum must give exactly what bm25s computes, repeated terms included.
        model = index._ensure_model()
        text = "kettle return kettle KFR-26GW"
        ids = [index._vocab[t] for t in index.tokenizer(text) if t in index._vocab]
        expected = {
            index._chunks[row].id: float(score)  # type: ignore[union-attr]
            for row, score in enumerate(model.get_scores(ids))
            if score > 0
        }
        hits = index.query(text, 10)
        assert {h.id: h.score for h in hits} == pytest.approx(expected)
        assert len(hits) == 4


class TestBm25Mutations:
    def test_upsert_replaces(self, index: Bm25Index) -> None:
        index.upsert([chunk("d", "Dishwasher installation", "h2", source="resolution")])
        assert index.count() == 4
        assert [h.id for h in index.query("kettle", 5)] == ["c"]
        assert index.hashes(["d"]) == {"d": "h2"}

    def test_delete(self, index: Bm25Index) -> None:
        index.delete(["a", "missing"])
        assert index.count() == 3
        assert [h.id for h in index.query("KFR-26GW", 5)] == ["b"]


class TestBm25Persistence:
    def test_reopened_index_has_the_same_chunks(self, tmp_path: Path) -> None:
        path = tmp_path / "bm25.jsonl"
        index = Bm25Index(Tokenizer(), path)
        index.upsert([chunk("a", "kettle leaks", source="article"), chunk("b", "fridge noise")])
        index.upsert([chunk("a", "kettle leaks water", "h2", source="article")])
        index.delete(["b"])
        reopened = Bm25Index(Tokenizer(), path)
        assert reopened.hashes() == {"a": "h2"}
        assert [h.text for h in reopened.query("kettle", 5)] == ["kettle leaks water"]

    def test_torn_last_line_is_ignored(self, tmp_path: Path) -> None:
        path = tmp_path / "bm25.jsonl"
        Bm25Index(Tokenizer(), path).upsert([chunk("a", "kettle")])
        with path.open("a", encoding="utf-8") as log:
            log.write('{"op": "upsert", "id": "b", "te')
        assert Bm25Index(Tokenizer(), path).hashes() == {"a": "h"}

    def test_compaction_keeps_live_chunks(self, tmp_path: Path) -> None:
        path = tmp_path / "bm25.jsonl"
        index = Bm25Index(Tokenizer(), path)
        for version in range(3):
            index.upsert([chunk("a", f"kettle v{version}", f"h{version}")])
        index.compact()
        assert len(path.read_text(encoding="utf-8").splitlines()) == 1
        assert Bm25Index(Tokenizer(), path).hashes() == {"a": "h2"}
