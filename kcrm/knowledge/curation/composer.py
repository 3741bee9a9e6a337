"""Write draft article text from resolved tickets or from a cluster of unanswered questions.

Pure functions over loaded rows. Ticket text only ever comes from public messages (never
internal notes) and is masked before it lands in a draft.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kcrm.crm.tickets.models import AuthorKind, Ticket, TicketAction, TicketMessage
from kcrm.knowledge.curation.masking import mask

MAX_EXAMPLES = 5
LABELS = {
    "en": {
        "problem": "Problem",
        "steps": "Resolution steps",
        "actions": "Actions taken",
        "outcome": "Outcome",
        "sources": "Source tickets",
        "questions": "Questions customers asked",
        "answer": "Answer",
        "todo": "To be written: answer the questions above.",
        "related": "Closest existing articles",
        "ticket": "Ticket",
    },
    "zh": {
        "problem": "问题",
        "steps": "解决步骤",
        "actions": "处理操作",
        "outcome": "处理结果",
        "sources": "来源工单",
        "questions": "客户提出的问题",
        "answer": "解答",
        "todo": "待编写：请解答以上问题。",
        "related": "最接近的现有文章",
        "ticket": "工单",
    },
}


@dataclass(frozen=True)
class DraftText:
    """The title, language and Markdown body of a proposed article."""

    title: str
    language: str
    body: str
    product_sku: str | None = None


def majority(values: Sequence[str]) -> str:
    """The most common value (the first seen wins a tie)."""
    return Counter(values).most_common(1)[0][0]


def _details(details: Mapping[str, Any]) -> str:
    shown = [f"{k}={v}" for k, v in sorted(details.items()) if v not in (None, "", [], {})]
    return f" ({', '.join(shown)})" if shown else ""


def _ticket_steps(
    messages: Sequence[TicketMessage], actions: Sequence[TicketAction], names: Sequence[str]
) -> list[str]:
    steps = [
        mask(m.body.strip(), names=names)
        for m in messages
        if m.author_kind == AuthorKind.agent and not m.internal and m.body.strip()
    ]
    steps += [
        mask(f"{a.action.replace('_', ' ')}{_details(a.details)}", names=names) for a in actions
    ]
    return steps


def from_tickets(
    tickets: Sequence[Ticket],
    messages: Mapping[int, Sequence[TicketMessage]],
    actions: Mapping[int, Sequence[TicketAction]],
    *,
    names: Sequence[str],
    product_sku: str | None,
) -> DraftText:
    """A draft from one resolved ticket or a cluster: problem, steps, outcome, sources."""
    language = majority([str(t.language) for t in tickets])
    label = LABELS[language]
    lead = tickets[0]
    title = mask(lead.subject, names=names)[:300]
    parts = [f"## {label['problem']}", title]
    for ticket in tickets[:MAX_EXAMPLES]:
        asked = [m for m in messages.get(ticket.id, ()) if m.author_kind == AuthorKind.customer]
        if asked and not asked[0].internal:
            parts.append("> " + mask(asked[0].body.strip(), names=names).replace("\n", "\n> "))
    parts.append(f"## {label['steps']}")
    for ticket in tickets[:MAX_EXAMPLES]:
        steps = _ticket_steps(messages.get(ticket.id, ()), actions.get(ticket.id, ()), names)
        if len(tickets) > 1:
            parts.append(f"### {label['ticket']} #{ticket.id}")
        parts.append("\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)) or "-")
    outcomes = [mask(t.resolution_summary, names=names) for t in tickets if t.resolution_summary]
    parts += [f"## {label['outcome']}", "\n".join(f"- {o}" for o in dict.fromkeys(outcomes)) or "-"]
    links = [
        f"- {label['ticket']} #{t.id}" + (f" ({t.external_id})" if t.external_id else "")
        for t in tickets
    ]
    parts += [f"## {label['sources']}", "\n".join(links)]
    return DraftText(title, language, "\n\n".join(parts), product_sku)


def from_questions(
    questions: Sequence[str], languages: Sequence[str], related: Sequence[str]
) -> DraftText:
    """A draft from a gap cluster: the questions asked and a placeholder for the answer."""
    language = majority(list(languages))
    label = LABELS[language]
    examples = list(dict.fromkeys(mask(q.strip()) for q in questions))[:MAX_EXAMPLES]
    parts = [f"## {label['questions']}", "\n".join(f"- {q}" for q in examples)]
    parts += [f"## {label['answer']}", label["todo"]]
    if related:
        parts += [f"## {label['related']}", "\n".join(f"- {r}" for r in related)]
    return DraftText(examples[0][:300], language, "\n\n".join(parts))
