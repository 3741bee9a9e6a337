"""Learned action flows: what usually follows the actions already taken, per task/playbook.

An interpolated n-gram over past resolutions' action logs. Each task's chain backs off to
shorter histories and finally to the same history over every task, so a rare task still gets
the common moves (greet, verify, close) right.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

START = "<start>"
ANY_TASK = "*"


@dataclass(frozen=True)
class FlowStep:
    """A likely next action, its probability and how many past logs back it at this point."""

    action: str
    probability: float
    support: int
    history: tuple[str, ...]


class FlowStats:
    """Counts of next actions after each history of up to `order` actions, per task."""

    def __init__(self, *, order: int = 3, smoothing: float = 1.0) -> None:
        if order < 1:
            raise ValueError("flow order must be at least 1")
        self.order = order
        self.smoothing = smoothing
        self._counts: dict[tuple[str, tuple[str, ...]], Counter[str]] = defaultdict(Counter)
        self.logs = 0

    def add(self, task: str | None, actions: Sequence[str]) -> None:
        """Learn from one finished action log."""
        padded = (START,) * self.order + tuple(actions)
        for i in range(self.order, len(padded)):
            for n in range(self.order + 1):
                history = padded[i - n : i]
                self._counts[(ANY_TASK, history)][padded[i]] += 1
                if task:
                    self._counts[(task, history)][padded[i]] += 1
        self.logs += 1

    def _chain(self, task: str, history: tuple[str, ...]) -> dict[str, float]:
        probs: dict[str, float] = {}
        for n in range(self.order + 1):
            counts = self._counts.get((task, history[len(history) - n :] if n else ()))
            if not counts:
                break
            total = sum(counts.values())
            # Interpolate: a longer history is trusted more when it has been seen often.
            weight = self.smoothing / (total + self.smoothing)
            probs = {a: p * weight for a, p in probs.items()}
            for action, count in counts.items():
                probs[action] = probs.get(action, 0.0) + count / (total + self.smoothing)
        return probs

    def predict(self, task: str | None, actions: Sequence[str]) -> dict[str, float]:
        """Probability of each next action given the task and the actions so far."""
        history = ((START,) * self.order + tuple(actions))[-self.order :]
        general = self._chain(ANY_TASK, history)
        if not task or (task, ()) not in self._counts:
            return general
        specific = self._chain(task, history)
        # The task's own flow decides; the general one only fills in what it never saw.
        mixed = {a: 0.1 * p for a, p in general.items()}
        for action, p in specific.items():
            mixed[action] = mixed.get(action, 0.0) + 0.9 * p
        return mixed

    def next_steps(
        self, task: str | None, actions: Sequence[str], limit: int = 5
    ) -> list[FlowStep]:
        """The likeliest next actions with their support (past logs at the same point)."""
        probs = self.predict(task, actions)
        history = ((START,) * self.order + tuple(actions))[-self.order :]
        key = task if task and (task, ()) in self._counts else ANY_TASK
        seen = self._counts.get((key, history[-1:]), Counter())
        ranked = sorted(probs.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [FlowStep(a, p, seen.get(a, 0), tuple(actions[-2:])) for a, p in ranked]


def learn(logs: Iterable[tuple[str | None, Sequence[str]]], *, order: int = 3) -> FlowStats:
    """Flow statistics from (task, action log) pairs."""
    stats = FlowStats(order=order)
    for task, actions in logs:
        stats.add(task, actions)
    return stats
