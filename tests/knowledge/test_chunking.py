"""Structure-aware chunking: headings, FAQ entries, Chinese and English sentence ends."""

from __future__ import annotations

from kcrm.knowledge.chunking import chunk_text, split_sentences


class TestChunkText:
    def test_markdown_is_cut_at_headings_with_a_breadcrumb(self) -> None:
        body = (
            "# Guide\n\nIntro.\n\n## Filter\n\nRinse it.\n\n"
            "### Deep\n\nSoak it.\n\n## Hose\n\nStraighten it."
        )
        chunks = chunk_text(
            body, body_format="markdown", title="Guide", chunk_size=500, chunk_overlap=0
        )
        assert chunks == [
            "Guide\nIntro.",
            "Guide › Filter\nRinse it.",
            "Guide › Filter › Deep\nSoak it.",
            "Guide › Hose\nStraighten it.",
        ]

    def test_faq_entry_is_one_chunk_whatever_its_length(self) -> None:
        body = "Why?\n" + "Because. " * 200
        chunks = chunk_text(body, body_format="faq", title="Why?", chunk_size=100, chunk_overlap=0)
        assert chunks == [body.strip()]

    def test_long_chinese_section_splits_at_sentence_ends(self) -> None:
        sentences = [
            "第一句话说明退货流程。",
            "第二句话说明运费！",
            "第三句话问退款吗？",
            "第四句话；",
        ]
        body = "".join(sentences * 4)
        chunks = chunk_text(body, body_format="text", title="退货", chunk_size=40, chunk_overlap=0)
        assert len(chunks) > 1
        for chunk in chunks:
            assert chunk.startswith("退货\n")
            assert chunk[-1] in "。！？；"  # never cut in the middle of a sentence
            assert len(chunk) <= 40 + len("退货\n")

    def test_empty_body_has_no_chunks(self) -> None:
        assert (
            chunk_text("  ", body_format="markdown", title="x", chunk_size=100, chunk_overlap=0)
            == []
        )

    def test_same_input_gives_same_chunks(self) -> None:
        body = "# A\n\n" + "Sentence number one. " * 60
        first = chunk_text(
            body, body_format="markdown", title="A", chunk_size=200, chunk_overlap=40
        )
        second = chunk_text(
            body, body_format="markdown", title="A", chunk_size=200, chunk_overlap=40
        )
        assert first == second
        assert len(first) > 3


class TestSplitSentences:
    def test_english_sentences_stay_whole(self) -> None:
        text = "Unplug the unit. Open the cover. Pull the filter out. Insert the new one."
        pieces = split_sentences(text, chunk_size=40, chunk_overlap=0)
        assert pieces == [
            "Unplug the unit. Open the cover.",
            "Pull the filter out. Insert the new one.",
        ]

    def test_overlap_repeats_the_tail(self) -> None:
        text = "一二三四五。六七八九十。甲乙丙丁戊。己庚辛壬癸。"
        pieces = split_sentences(text, chunk_size=20, chunk_overlap=6)
        assert pieces[0] == "一二三四五。六七八九十。甲乙丙丁戊。"
        assert pieces[1] == "甲乙丙丁戊。己庚辛壬癸。"
