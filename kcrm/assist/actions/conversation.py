"""The predictor's input: a conversation so far, the same shape for a ticket and a dialogue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Speaker = Literal["customer", "agent", "system"]
QUESTION_MESSAGES = 2
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class Turn:
    """One message (or a system lookup result), with the action an agent logged with it."""

    speaker: Speaker
    text: str
    action: str | None = None


@dataclass(frozen=True)
class Conversation:
    """What the predictor sees: the turns so far and the ticket's task/playbook hint."""

    turns: tuple[Turn, ...]
    task: str | None = None
    kind: str | None = None
    language: str = "en"

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action taken so far, in order."""
        return tuple(t.action for t in self.turns if t.action)

    @property
    def customer_text(self) -> str:
        """Everything the customer said, in order."""
        return "\n".join(t.text for t in self.turns if t.speaker == "customer" and t.text)

    def last_text(self, speaker: Speaker | None = None) -> str:
        """The text of the last non-empty turn (of `speaker`, when given)."""
        for turn in reversed(self.turns):
            if turn.text and (speaker is None or turn.speaker == speaker):
                return turn.text
        return ""

    def context(self, size: int = 3) -> str:
        """The last `size` non-empty turns as one text, the kNN baseline's view of the talk."""
        return context_text([t.text for t in self.turns], size)


def context_text(texts: Sequence[str], size: int = 3) -> str:
    """The last `size` non-empty texts joined: the same string for a dialogue and a ticket."""
    return "\n".join([t for t in texts if t][-size:])


def ticket_question(subject: str, said: Sequence[str]) -> str:
    """What a ticket asks: its subject and the customer's latest public messages.

    Suggestions search with it and next actions match playbooks with it, so the model embeds
    it once (the embedding cache serves the second).
    """
    texts = [text.strip() for text in said]
    return "\n".join([subject, *texts[-QUESTION_MESSAGES:]])[:MAX_QUESTION_CHARS]
