"""STAR-format dialogues: parsing, the deterministic split and the examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcrm.assist.star import examples, in_holdout, load_dialogues, parse_dialogue, split_file

FIXTURE = Path(__file__).parent / "fixtures" / "dialogues.jsonl"


class TestParseDialogue:
    @pytest.mark.parametrize(
        ("line", "message"),
        [
            ("{", "not JSON"),
            ('{"id": "x"}', "id and turns"),
            ('{"id": "x", "turns": [{"speaker": "bot", "text": "hi"}]}', "speaker"),
            ('{"id": "x", "turns": [{"speaker": "agent", "action": 3}]}', "action must be"),
        ],
    )
    def test_bad_lines_name_the_place(self, line: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            parse_dialogue(line, "f.jsonl:7")


class TestExamples:
    def test_each_agent_action_with_the_turns_before_it(self) -> None:
        dialogue = load_dialogues(FIXTURE, limit=1)[0]
        found = list(examples([dialogue]))
        assert [e.action for e in found][:3] == ["ask_name", "bank_ask_pin", "query:bank_balance"]
        assert len(found[1].conversation.turns) == 3
        assert found[1].conversation.actions == ("ask_name",)
        assert found[1].conversation.task == "bank_balance"


class TestSplitFile:
    def test_the_split_is_stable_and_complete(self, tmp_path: Path) -> None:
        sizes = split_file(FIXTURE, tmp_path / "a", percent=25)
        again = split_file(FIXTURE, tmp_path / "b", percent=25)
        assert sizes == again
        assert sum(sizes) == 16
        test_ids = {d.id for d in load_dialogues(tmp_path / "a" / "test.jsonl")}
        assert test_ids == {d.id for d in load_dialogues(FIXTURE) if in_holdout(d.id, percent=25)}
        assert (tmp_path / "a" / "test.jsonl").read_text() == (
            tmp_path / "b" / "test.jsonl"
        ).read_text()

    def test_a_salt_gives_another_split(self) -> None:
        ids = [f"star-{i}" for i in range(200)]
        plain = {i for i in ids if in_holdout(i)}
        salted = {i for i in ids if in_holdout(i, salt="dev")}
        assert plain != salted
        assert 20 <= len(plain) <= 60
