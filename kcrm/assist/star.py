"""STAR-format dialogues (../shared/eval/README.md): reading, a deterministic split, examples."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kcrm.assist.actions.conversation import Conversation, Speaker, Turn

SPEAKERS: frozenset[str] = frozenset({"customer", "agent", "system"})


@dataclass(frozen=True)
class Dialogue:
    """One dialogue: its id, domain, task flows and turns."""

    id: str
    domain: str
    tasks: tuple[str, ...]
    turns: tuple[Turn, ...]

    @property
    def task(self) -> str | None:
        """The first task flow, used as the playbook hint."""
        return self.tasks[0] if self.tasks else None


@dataclass(frozen=True)
class Example:
    """One prediction to make: the conversation before an agent turn and the action taken."""

    dialogue_id: str
    conversation: Conversation
    action: str


def _turn(raw: object, where: str) -> Turn:
    if not isinstance(raw, dict) or raw.get("speaker") not in SPEAKERS:
        raise ValueError(f"{where}: a turn needs speaker customer, agent or system")
    action = raw.get("action")
    if action is not None and not isinstance(action, str):
        raise ValueError(f"{where}: action must be a string or null")
    speaker: Speaker = raw["speaker"]
    return Turn(speaker=speaker, text=str(raw.get("text") or ""), action=action or None)


def parse_dialogue(line: str, where: str) -> Dialogue:
    """One JSON line as a dialogue; malformed lines raise ValueError naming the line."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not JSON ({exc.msg})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("turns"), list) or "id" not in raw:
        raise ValueError(f"{where}: expected an object with id and turns")
    return Dialogue(
        id=str(raw["id"]),
        domain=str(raw.get("domain") or ""),
        tasks=tuple(str(t) for t in raw.get("tasks") or ()),
        turns=tuple(_turn(t, f"{where} turn {i}") for i, t in enumerate(raw["turns"])),
    )


def load_dialogues(path: Path, limit: int | None = None) -> list[Dialogue]:
    """Read a dialogue file (the first `limit` dialogues when given)."""
    dialogues = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                dialogues.append(parse_dialogue(line, f"{path}:{number}"))
            if limit is not None and len(dialogues) >= limit:
                break
    return dialogues


def in_holdout(dialogue_id: str, *, percent: int = 20, salt: str = "") -> bool:
    """Whether a dialogue falls in the held-out part: a hash of its id, so the split is stable."""
    digest = hashlib.sha256(f"{salt}{dialogue_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def split_file(
    source: Path, out_dir: Path, *, percent: int = 20, salt: str = ""
) -> tuple[int, int]:
    """Write train.jsonl and test.jsonl under `out_dir`; returns the two sizes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = [0, 0]
    with (
        source.open(encoding="utf-8") as lines,
        (out_dir / "train.jsonl").open("w", encoding="utf-8") as train,
        (out_dir / "test.jsonl").open("w", encoding="utf-8") as test,
    ):
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            dialogue = parse_dialogue(line, f"{source}:{number}")
            held = in_holdout(dialogue.id, percent=percent, salt=salt)
            (test if held else train).write(line.rstrip("\n") + "\n")
            sizes[held] += 1
    return sizes[0], sizes[1]


def conversation(dialogue: Dialogue, turns: Sequence[Turn]) -> Conversation:
    """The conversation a predictor sees; the dialogue's task stands in for a ticket's playbook."""
    return Conversation(turns=tuple(turns), task=dialogue.task, kind=dialogue.domain)


def examples(dialogues: Sequence[Dialogue]) -> Iterator[Example]:
    """Every agent turn with an action, with the turns before it."""
    for dialogue in dialogues:
        for index, turn in enumerate(dialogue.turns):
            if turn.speaker == "agent" and turn.action:
                yield Example(
                    dialogue.id, conversation(dialogue, dialogue.turns[:index]), turn.action
                )
