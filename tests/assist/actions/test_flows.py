"""Learned action-transition statistics."""

from __future__ import annotations

import pytest

from kcrm.assist.actions.flows import FlowStats, learn

LOGS = [
    ("balance", ["hello", "ask_name", "ask_pin", "query", "inform"]),
    ("balance", ["hello", "ask_name", "ask_pin", "query", "inform"]),
    ("balance", ["ask_name", "ask_pin", "query", "inform"]),
    ("transfer", ["hello", "ask_name", "ask_amount", "query", "confirm"]),
]


class TestPredict:
    def test_the_usual_next_action_per_task(self) -> None:
        stats = learn(LOGS)
        balance = stats.predict("balance", ["hello", "ask_name"])
        transfer = stats.predict("transfer", ["hello", "ask_name"])
        assert max(balance, key=balance.__getitem__) == "ask_pin"
        assert max(transfer, key=transfer.__getitem__) == "ask_amount"

    def test_the_history_decides_within_a_task(self) -> None:
        stats = learn(LOGS)
        after_query = stats.predict("transfer", ["hello", "ask_name", "ask_amount", "query"])
        assert max(after_query, key=after_query.__getitem__) == "confirm"

    def test_an_unknown_task_falls_back_to_every_task(self) -> None:
        stats = learn(LOGS)
        probs = stats.predict("unknown", [])
        assert max(probs, key=probs.__getitem__) == "hello"
        assert probs == stats.predict(None, [])

    def test_probabilities_sum_to_at_most_one(self) -> None:
        probs = learn(LOGS).predict("balance", ["ask_pin"])
        assert 0.9 < sum(probs.values()) <= 1.0 + 1e-9

    def test_order_must_be_positive(self) -> None:
        with pytest.raises(ValueError, match="at least 1"):
            FlowStats(order=0)


class TestNextSteps:
    def test_support_counts_past_logs_at_this_point(self) -> None:
        steps = learn(LOGS).next_steps("balance", ["ask_pin"], limit=2)
        assert steps[0].action == "query"
        assert steps[0].support == 3
        assert steps[0].history == ("ask_pin",)
