"""The extractive generator: quoting, ordering, near-duplicates, languages, confidence."""

from __future__ import annotations

import pytest

from kcrm.assist.generation import build_generator
from kcrm.assist.generation.extractive import CLOSING, GREETING, ExtractiveGenerator, terms
from kcrm.config import Settings
from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.ports import Passage

ZH = Passage(
    "article:KB-0001:0",
    "退货 › 运费\n七天无理由退货的运费由客户承担。质量问题退货的运费由我们承担。"
    "退款在仓库验收后 24 小时内发起。",
    "article:KB-0001@v3",
    {"score": 0.9, "language": "zh"},
)
ZH_COPY = Passage(
    "resolution:42:0", "七天无理由退货的运费由客户承担。", "ticket:42", {"score": 0.7}
)
EN = Passage(
    "article:KB-0050:0",
    "Returns › Shipping\nFor a change-of-mind return the customer pays the return shipping.",
    "article:KB-0050@v1",
    {"score": 0.85, "language": "en"},
)


def _claims(answer: object) -> list[tuple[str, tuple[str, ...]]]:
    sentences = answer.sentences  # type: ignore[attr-defined]
    return [(s.text, s.citations) for s in sentences[1:-1]]


class TestGenerate:
    def test_quotes_cited_sentences_between_greeting_and_closing(self) -> None:
        answer = ExtractiveGenerator().generate("退货运费谁承担？", [ZH], language="zh")
        assert answer.sentences[0].text == GREETING["zh"]
        assert answer.sentences[-1].text == CLOSING["zh"]
        claims = _claims(answer)
        assert claims[0] == ("七天无理由退货的运费由客户承担。", ("article:KB-0001@v3",))
        assert all(text in ZH.text for text, _ in claims)
        assert answer.generator == "extractive"
        assert 0 < answer.confidence <= 1

    def test_near_duplicates_are_merged_with_both_citations(self) -> None:
        answer = ExtractiveGenerator().generate("退货运费谁承担？", [ZH, ZH_COPY], language="zh")
        texts = [t for t, _ in _claims(answer)]
        assert texts.count("七天无理由退货的运费由客户承担。") == 1
        assert dict(_claims(answer))["七天无理由退货的运费由客户承担。"] == (
            "article:KB-0001@v3",
            "ticket:42",
        )

    def test_prefers_the_reply_language_but_still_cites_the_other(self) -> None:
        question = "return shipping 退货运费谁承担"
        zh = ExtractiveGenerator().generate(question, [EN, ZH], language="zh")
        assert _claims(zh)[0][1] == ("article:KB-0001@v3",)
        only_en = ExtractiveGenerator().generate("退货运费 return shipping", [EN], language="zh")
        assert _claims(only_en) == [(EN.text.split("\n")[1], ("article:KB-0050@v1",))]
        assert only_en.confidence < zh.confidence

    def test_english_reply_reads_with_spaces(self) -> None:
        answer = ExtractiveGenerator().generate("who pays return shipping", [EN], language="en")
        assert answer.text == (
            f"{GREETING['en']} For a change-of-mind return the customer pays the return "
            f"shipping. {CLOSING['en']}"
        )

    def test_nothing_to_quote_is_an_empty_answer(self) -> None:
        for passages in ([], [Passage("x", "# Only a heading", "article:KB-1@v1", {})]):
            answer = ExtractiveGenerator().generate("anything", passages, language="en")
            assert answer.sentences == ()
            assert answer.confidence == 0.0

    def test_alternatives_differ_from_the_draft(self) -> None:
        answer = ExtractiveGenerator(max_sentences=1).generate(
            "退货运费谁承担？退款多久", [ZH], language="zh"
        )
        assert len(answer.alternatives) >= 1
        assert answer.text not in answer.alternatives

    def test_embedder_similarity_is_used_when_given(self) -> None:
        embedder = FakeEmbedder(dimension=64)
        answer = ExtractiveGenerator(embedder).generate("退货运费", [ZH], language="zh")
        assert embedder.embedded > 0
        assert _claims(answer)


class TestTerms:
    def test_latin_words_and_cjk_bigrams(self) -> None:
        assert terms("The E3 code 滤网") == {"e3", "code", "滤网"}


class TestBuildGenerator:
    def test_extractive_is_the_default(self, settings: Settings) -> None:
        assert isinstance(build_generator(settings), ExtractiveGenerator)

    def test_llm_names_build_without_a_network(self, settings: Settings) -> None:
        settings.generator = "ollama"
        assert build_generator(settings).name.startswith("ollama:")
        settings.generator = "openai"
        settings.llm_base_url = "http://127.0.0.1:9/v1"
        assert build_generator(settings).name.startswith("openai:")

    def test_unknown_or_unconfigured_generators_fail_at_startup(self, settings: Settings) -> None:
        settings.generator = "gpt5"
        with pytest.raises(ValueError, match="unknown generator"):
            build_generator(settings)
        settings.generator = "openai"
        with pytest.raises(ValueError, match="KCRM_LLM_API_KEY"):
            build_generator(settings)
