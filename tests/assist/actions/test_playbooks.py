"""Playbook loading, validation and matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcrm.assist.actions.conversation import Conversation, Turn
from kcrm.assist.actions.playbooks import (
    PlaybookError,
    load_playbooks,
    match,
    next_step,
    parse_playbooks,
)
from kcrm.knowledge.adapters.embedders import FakeEmbedder

CORPUS = Path(__file__).parents[3] / "corpus" / "playbooks.yaml"
ONE = """
playbooks:
  - id: PB-1
    intent: order_tracking
    title: Where is my order?
    triggers: [tracking, 到哪了]
    kinds: [inquiry]
    steps:
      - {action: verify_identity, text: Verify}
      - {action: check_order_status, text: Look up}
      - {action: share_tracking_number, text: Share}
"""


def _talk(text: str, *, task: str | None = None, kind: str = "inquiry") -> Conversation:
    return Conversation(turns=(Turn("customer", text),), task=task, kind=kind)


class TestLoadPlaybooks:
    def test_the_demo_playbooks_load(self) -> None:
        playbooks = load_playbooks(CORPUS)
        assert len(playbooks) == 19
        assert playbooks[0].id == "PB-001"
        assert playbooks[0].steps[0].action == "verify_identity"

    def test_a_missing_file_names_the_path(self, tmp_path: Path) -> None:
        with pytest.raises(PlaybookError, match="cannot read"):
            load_playbooks(tmp_path / "none.yaml")


class TestParsePlaybooks:
    def test_steps_and_triggers_are_read(self) -> None:
        (playbook,) = parse_playbooks(ONE)
        assert [s.action for s in playbook.steps] == [
            "verify_identity",
            "check_order_status",
            "share_tracking_number",
        ]
        assert playbook.triggers == ("tracking", "到哪了")

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("playbooks: [", "not valid YAML"),
            ("items: []", "top-level 'playbooks'"),
            ("playbooks: [{id: X, intent: a, title: T, steps: []}]", "steps must be"),
            ("playbooks: [{id: X, title: T, steps: [{action: a_b}]}]", "intent is required"),
            (
                "playbooks: [{id: X, intent: a, title: T, steps: [{action: Bad Label}]}]",
                "snake_case",
            ),
        ],
    )
    def test_bad_files_are_refused_with_the_reason(self, text: str, message: str) -> None:
        with pytest.raises(PlaybookError, match=message):
            parse_playbooks(text)

    def test_duplicate_ids_are_refused(self) -> None:
        twice = ONE + ONE.split("playbooks:")[1]
        with pytest.raises(PlaybookError, match="duplicate id PB-1"):
            parse_playbooks(twice)


class TestMatch:
    def test_a_known_task_wins_outright(self) -> None:
        playbooks = load_playbooks(CORPUS)
        (found,) = match(_talk("hello", task="refund_status"), playbooks)
        assert found.playbook.id == "PB-006"
        assert found.score == 1.0

    def test_triggers_match_chinese_text(self) -> None:
        playbooks = load_playbooks(CORPUS)
        found = match(_talk("我的快递到哪了？单号多少"), playbooks, embedder=FakeEmbedder())
        assert found[0].playbook.intent == "order_tracking"
        assert "到哪了" in found[0].reason

    def test_unrelated_text_matches_nothing(self) -> None:
        assert match(_talk("good morning"), parse_playbooks(ONE)) == []

    def test_a_given_text_is_matched_instead_of_the_customer_turns(self) -> None:
        playbooks = parse_playbooks(ONE)
        assert match(_talk("good morning"), playbooks) == []
        (found,) = match(_talk("good morning"), playbooks, text="Tracking\ngood morning")
        assert found.playbook.id == "PB-1"


class TestNextStep:
    def test_the_step_after_the_last_done_one(self) -> None:
        (playbook,) = parse_playbooks(ONE)
        index, step = next_step(playbook, ["verify_identity"]) or (None, None)
        assert (index, step and step.action) == (1, "check_order_status")

    def test_skipped_steps_before_a_later_one_are_not_revisited(self) -> None:
        (playbook,) = parse_playbooks(ONE)
        found = next_step(playbook, ["check_order_status"])
        assert found is not None
        assert found[1].action == "share_tracking_number"

    def test_finished_playbook_has_no_next_step(self) -> None:
        (playbook,) = parse_playbooks(ONE)
        done = [s.action for s in playbook.steps]
        assert next_step(playbook, done) is None
