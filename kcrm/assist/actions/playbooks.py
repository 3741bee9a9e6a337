"""Playbooks: flows knowledge managers write (an intent with ordered actions), and matching.

The file shape is `corpus/playbooks.yaml`: `playbooks: [{id, intent, title, title_zh,
triggers, kinds, steps: [{action, text, text_zh}]}]`, in the style of the ABCD guidelines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kcrm.assist.actions.conversation import Conversation
from kcrm.crm.tickets.rules import ACTION_PATTERN
from kcrm.knowledge.ports import Embedder


class PlaybookError(ValueError):
    """A playbook file that cannot be used, with the place and the reason."""


@dataclass(frozen=True)
class Step:
    """One ordered step: the action an agent logs and what to do, in both languages."""

    action: str
    text: str
    text_zh: str = ""


@dataclass(frozen=True)
class Playbook:
    """An intent with triggers, the ticket kinds it applies to and its ordered steps."""

    id: str
    intent: str
    title: str
    steps: tuple[Step, ...]
    title_zh: str = ""
    triggers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        """The text compared with a conversation: titles and triggers."""
        return "; ".join([self.title, self.title_zh, *self.triggers])


@dataclass(frozen=True)
class PlaybookMatch:
    """A playbook that fits a conversation, how well (0..1) and why."""

    playbook: Playbook
    score: float
    reason: str


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str | int) for x in raw):
        raise PlaybookError(f"{where}: expected a list of strings")
    return tuple(str(x) for x in raw)


def _step(raw: Any, where: str) -> Step:
    if not isinstance(raw, dict) or not isinstance(raw.get("action"), str):
        raise PlaybookError(f"{where}: a step needs an action")
    if not ACTION_PATTERN.fullmatch(raw["action"]):
        raise PlaybookError(f"{where}: action {raw['action']!r} is not a snake_case label")
    return Step(raw["action"], str(raw.get("text") or ""), str(raw.get("text_zh") or ""))


def parse_playbook(raw: Any, where: str) -> Playbook:
    """One playbook from its YAML mapping; a missing field raises PlaybookError naming it."""
    if not isinstance(raw, dict):
        raise PlaybookError(f"{where}: expected a mapping")
    for name in ("id", "intent", "title"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise PlaybookError(f"{where}: {name} is required")
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise PlaybookError(f"{where} ({raw['id']}): steps must be a non-empty list")
    return Playbook(
        id=raw["id"],
        intent=raw["intent"],
        title=raw["title"],
        title_zh=str(raw.get("title_zh") or ""),
        triggers=_strings(raw.get("triggers"), f"{where}.triggers"),
        kinds=_strings(raw.get("kinds"), f"{where}.kinds"),
        steps=tuple(_step(s, f"{where} ({raw['id']}) step {i + 1}") for i, s in enumerate(steps)),
    )


def parse_playbooks(text: str, source: str = "playbooks") -> list[Playbook]:
    """Every playbook in a YAML text; ids and intents must be unique."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PlaybookError(f"{source}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("playbooks"), list):
        raise PlaybookError(f"{source}: expected a top-level 'playbooks' list")
    playbooks = [
        parse_playbook(p, f"{source}: playbook {i + 1}") for i, p in enumerate(data["playbooks"])
    ]
    for name in ("id", "intent"):
        values = [getattr(p, name) for p in playbooks]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise PlaybookError(f"{source}: duplicate {name} {', '.join(duplicates)}")
    return playbooks


def load_playbooks(path: Path) -> list[Playbook]:
    """Read and validate a playbook file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlaybookError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_playbooks(text, str(path))


def _trigger_hits(playbook: Playbook, text: str) -> list[str]:
    lowered = text.lower()
    return [t for t in playbook.triggers if t.lower() in lowered]


def _similarities(
    embedder: Embedder | None, text: str, playbooks: Sequence[Playbook]
) -> list[float]:
    if embedder is None or not text:
        return [0.0] * len(playbooks)
    vectors = embedder.embed_batch([p.description for p in playbooks], kind="document")
    query = embedder.embed_query(text)
    return [float(x) for x in np.clip(vectors @ query, 0.0, 1.0)]


def match(
    conversation: Conversation,
    playbooks: Sequence[Playbook],
    *,
    embedder: Embedder | None = None,
    limit: int = 3,
    min_score: float = 0.35,
    text: str | None = None,
) -> list[PlaybookMatch]:
    """The playbooks that fit: a known task/intent first, else triggers plus similarity
    with `text` (by default everything the customer said)."""
    for playbook in playbooks:
        if conversation.task in (playbook.id, playbook.intent):
            return [PlaybookMatch(playbook, 1.0, f"the ticket follows playbook {playbook.id}")]
    text = conversation.customer_text if text is None else text
    matches = []
    for playbook, similarity in zip(
        playbooks, _similarities(embedder, text, playbooks), strict=True
    ):
        hits = _trigger_hits(playbook, text)
        kind_fits = not playbook.kinds or conversation.kind in playbook.kinds
        # Triggers are written by people, so one hit is strong evidence; similarity breaks ties.
        score = (0.6 if hits else 0.0) + 0.4 * similarity + (0.1 if hits and kind_fits else 0.0)
        if score < min_score:
            continue
        reason = f"mentions {', '.join(repr(h) for h in hits[:3])}" if hits else "similar intent"
        matches.append(PlaybookMatch(playbook, min(score, 1.0), f"{playbook.title}: {reason}"))
    matches.sort(key=lambda m: (-m.score, m.playbook.id))
    return matches[:limit]


def next_step(playbook: Playbook, done: Sequence[str]) -> tuple[int, Step] | None:
    """The first step after the last one already done (index from 0), or None when finished."""
    position = -1
    for index, step in enumerate(playbook.steps):
        if step.action in done:
            position = index
    for index in range(position + 1, len(playbook.steps)):
        if playbook.steps[index].action not in done:
            return index, playbook.steps[index]
    return None
