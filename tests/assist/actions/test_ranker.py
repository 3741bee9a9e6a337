"""Ranking the three sources (plus rules) into next actions with reasons and evidence."""

from __future__ import annotations

from kcrm.assist.actions.conversation import Conversation, Turn
from kcrm.assist.actions.flows import learn
from kcrm.assist.actions.neighbors import NeighborVote
from kcrm.assist.actions.playbooks import PlaybookMatch, parse_playbooks
from kcrm.assist.actions.ranker import predict
from kcrm.assist.actions.rules import RuleHit

PLAYBOOK = parse_playbooks(
    """
playbooks:
  - id: PB-9
    intent: late_delivery
    title: Late delivery
    steps:
      - {action: verify_identity, text: Verify, text_zh: 核实身份}
      - {action: contact_carrier, text: Chase the carrier, text_zh: 联系承运商}
"""
)[0]
TALK = Conversation(
    turns=(Turn("customer", "包裹还没到"), Turn("agent", "", "verify_identity")),
    task="late_delivery",
    language="zh",
)


class TestPredict:
    def test_every_source_adds_evidence(self) -> None:
        flows = learn([("late_delivery", ["verify_identity", "contact_carrier"])])
        ranked = predict(
            TALK,
            flows=flows,
            votes=[NeighborVote("contact_carrier", 1.0, (7, 8), 0.9)],
            playbooks=[PlaybookMatch(PLAYBOOK, 1.0, "follows PB-9")],
            rules=[RuleHit("sla_breach", "escalate", 0.95, "SLA breached 1 h ago")],
        )
        top = ranked[0]
        assert top.action == "contact_carrier"
        kinds = {e.kind: e for e in top.evidence}
        assert set(kinds) == {"flow", "tickets", "playbook"}
        assert kinds["tickets"].ticket_ids == (7, 8)
        assert kinds["playbook"].ref == "PB-9 step 2"
        assert "联系承运商" in top.reason
        escalate = next(a for a in ranked if a.action == "escalate")
        assert escalate.evidence[0].ref == "sla_breach"
        assert escalate.reason == "SLA breached 1 h ago"

    def test_weights_decide_between_sources(self) -> None:
        votes = [NeighborVote("a", 1.0, (1,), 0.5)]
        rules = [RuleHit("vip_priority", "raise_priority", 0.7, "VIP")]
        by_rule = predict(TALK, votes=votes, rules=rules, weights={"neighbors": 0.5, "rule": 1})
        by_votes = predict(TALK, votes=votes, rules=rules, weights={"neighbors": 1, "rule": 0.1})
        assert by_rule[0].action == "raise_priority"
        assert by_votes[0].action == "a"

    def test_limit_and_scores_are_ordered(self) -> None:
        votes = [NeighborVote(f"a{i}", 0.1 * i, (i,), 0.5) for i in range(1, 8)]
        ranked = predict(TALK, votes=votes, limit=3)
        assert [a.action for a in ranked] == ["a7", "a6", "a5"]
        assert ranked[0].score > ranked[1].score > ranked[2].score

    def test_nothing_known_gives_nothing(self) -> None:
        assert predict(TALK) == []
