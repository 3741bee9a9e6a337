"""Ranks next actions from playbooks, learned flows, similar tickets and CRM rules.

`predict` is a pure function over a `Conversation` and what was looked up for it, so the
service and `kcrm eval actions` share it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kcrm.assist.actions.conversation import Conversation
from kcrm.assist.actions.flows import FlowStats
from kcrm.assist.actions.neighbors import NeighborVote
from kcrm.assist.actions.playbooks import PlaybookMatch, next_step
from kcrm.assist.actions.rules import RuleHit

EvidenceKind = Literal["playbook", "flow", "tickets", "rule"]
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "flow": 0.2,
    "neighbors": 0.8,
    "playbook": 0.5,
    "rule": 1.0,
}


@dataclass(frozen=True)
class Evidence:
    """Where a suggestion comes from: a playbook step, the flow, past tickets or a rule."""

    kind: EvidenceKind
    ref: str
    detail: str = ""
    ticket_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class NextAction:
    """A suggested action with its score, a human-readable reason and its evidence."""

    action: str
    score: float
    reason: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class _Entry:
    score: float = 0.0
    reasons: list[tuple[float, str]] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def add(self, score: float, reason: str, evidence: Evidence) -> None:
        self.score += score
        self.reasons.append((score, reason))
        self.evidence.append(evidence)


def _from_flows(
    table: dict[str, _Entry], conversation: Conversation, flows: FlowStats, weight: float
) -> None:
    last = conversation.actions[-1] if conversation.actions else "the start"
    for step in flows.next_steps(conversation.task, conversation.actions, limit=5):
        if step.probability < 0.01:
            continue
        where = f"task {conversation.task}" if conversation.task else "all tickets"
        reason = f"usually follows {last} ({step.probability:.0%} in {where})"
        detail = f"{step.support} past logs; after {' → '.join(step.history) or 'the start'}"
        evidence = Evidence("flow", conversation.task or "*", detail)
        table.setdefault(step.action, _Entry()).add(weight * step.probability, reason, evidence)


def _from_neighbors(table: dict[str, _Entry], votes: Sequence[NeighborVote], weight: float) -> None:
    for v in votes:
        ids = ", ".join(f"#{t}" for t in v.ticket_ids[:5])
        reason = f"done next in similar resolved tickets {ids}"
        evidence = Evidence("tickets", ids, f"{v.share:.0%} of the aligned votes", v.ticket_ids)
        table.setdefault(v.action, _Entry()).add(weight * v.share, reason, evidence)


def _from_playbooks(
    table: dict[str, _Entry],
    conversation: Conversation,
    matches: Sequence[PlaybookMatch],
    weight: float,
) -> None:
    for m in matches:
        found = next_step(m.playbook, conversation.actions)
        if found is None:
            continue
        index, step = found
        ref = f"{m.playbook.id} step {index + 1}"
        text = step.text_zh if conversation.language == "zh" and step.text_zh else step.text
        reason = f"playbook {m.playbook.id} ({m.reason}), step {index + 1}: {text}"
        evidence = Evidence("playbook", ref, m.reason)
        table.setdefault(step.action, _Entry()).add(weight * m.score, reason, evidence)


def _from_rules(table: dict[str, _Entry], hits: Sequence[RuleHit], weight: float) -> None:
    for hit in hits:
        evidence = Evidence("rule", hit.rule, hit.reason)
        table.setdefault(hit.action, _Entry()).add(weight * hit.score, hit.reason, evidence)


def predict(
    conversation: Conversation,
    *,
    flows: FlowStats | None = None,
    votes: Sequence[NeighborVote] = (),
    playbooks: Sequence[PlaybookMatch] = (),
    rules: Sequence[RuleHit] = (),
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    limit: int = 5,
) -> list[NextAction]:
    """The top actions: each source adds its weighted score; reasons strongest first."""
    table: dict[str, _Entry] = {}
    if flows is not None:
        _from_flows(table, conversation, flows, weights.get("flow", 0.0))
    _from_neighbors(table, votes, weights.get("neighbors", 0.0))
    _from_playbooks(table, conversation, playbooks, weights.get("playbook", 0.0))
    _from_rules(table, rules, weights.get("rule", 0.0))
    ranked = sorted(table.items(), key=lambda item: (-item[1].score, item[0]))[:limit]
    return [
        NextAction(
            action=action,
            score=round(entry.score, 4),
            reason="; ".join(r for _, r in sorted(entry.reasons, key=lambda x: -x[0])),
            evidence=entry.evidence,
        )
        for action, entry in ranked
    ]
