"""Grounding: retrieved hits become citable passages, and generated text is checked against them.

Passage text is data, never instructions: lines that try to instruct the assistant and
sentences carrying phone, ID or bank card numbers never reach a reply. Shared by the agent
suggestions and the customer chat, so nothing here knows about tickets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kcrm.knowledge.ports import Passage, Sentence

# A CJK sentence ends at its punctuation; a Latin one at . ! ? followed by a space or the end,
# so "3.5 kg" and "v1.2" stay whole.
_SENTENCE = re.compile(r"[^。！？；!?\n]+?(?:[。！？；!?]+|\.(?=\s|$)|$)", re.S)
_INSTRUCTION = re.compile(
    r"ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|prompts?)"
    r"|disregard (?:all |any )?(?:the )?(?:previous|prior|above|your) "
    r"|you are now|system prompt|developer mode|jailbreak"
    r"|reveal (?:all|every|your|the)|print (?:them|all|your)"
    r"|(?:all|every) customers?'? (?:phone|email|address|data)"
    r"|忽略(?:之前|以上|前面|上述|先前)|无视(?:之前|以上|前面)|你现在是|系统提示|提示词"
    r"|扮演|越狱|(?:列出|导出|泄露|透露|发送)(?:所有|全部)?(?:客户|用户)",
    re.I,
)
_PII = re.compile(
    r"(?<![\dA-Za-z])1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"  # mainland mobile
    r"|(?<!\d)\d{17}[\dXx](?![\dA-Za-z])"  # resident ID card
    r"|(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)"  # bank card
)
# Details of one past customer that must not be copied into another customer's reply.
_PERSONAL = re.compile(
    r"\b(?:SO|RMA|TK)-[\w-]+|\b[A-Z]{2,6}\d{8,}\b"
    r"|^\s*(?:hi|hello|dear)\s+[A-Z][a-z]+"
    r"|^\s*[\u4e00-\u9fff]{1,3}(?:先生|女士|小姐)?您好",
    re.I,
)
_MARKUP = re.compile(r"\*\*|__|`|^\s*(?:[-*+>]|\d+[.)])\s+")
MIN_WEIGHT = 8  # CJK characters plus two per Latin word
_QUOTES = ('"', "“", "「", "‘", "'")
# Sections of a past resolution that quote the customer or list raw action labels.
SKIPPED_SECTIONS = frozenset({"问题", "Problem", "操作记录", "Action log"})


@dataclass(frozen=True)
class Candidate:
    """A sentence from a passage that may be quoted: its passage and position there."""

    text: str
    passage: Passage
    passage_rank: int
    position: int


def citation_for(metadata: Mapping[str, Any]) -> str:
    """What a reply cites: `article:KB-0001@v3`, `ticket:123` (a resolution) or source:id."""
    source = str(metadata.get("source", ""))
    doc_id = str(metadata.get("doc_id", ""))
    if source == "article":
        return f"article:{doc_id}@v{metadata.get('version', 1)}"
    if source == "resolution":
        return f"ticket:{doc_id}"
    return f"{source}:{doc_id}"


def passages_from_hits(hits: Iterable[Any]) -> list[Passage]:
    """Passages from retrieved hits (anything with id, text, metadata and score), best first."""
    passages = []
    for hit in hits:
        metadata = {**hit.metadata, "score": float(hit.score)}
        passages.append(
            Passage(
                source_id=hit.id, text=hit.text, citation=citation_for(metadata), metadata=metadata
            )
        )
    return passages


def looks_like_instruction(text: str) -> bool:
    """Whether text tries to instruct the assistant (prompt injection), in zh or en."""
    return _INSTRUCTION.search(text) is not None


def contains_pii(text: str) -> bool:
    """Whether text holds a phone, resident ID or bank card number."""
    return _PII.search(text) is not None


def mask_pii(text: str) -> str:
    """Text with phone, ID and bank card numbers masked, keeping the last four digits."""

    def _mask(match: re.Match[str]) -> str:
        digits = re.sub(r"[^\dXx]", "", match.group())
        return "*" * (len(digits) - 4) + digits[-4:]

    return _PII.sub(_mask, text)


def quotable(sentence: str) -> bool:
    """Whether a sentence may go into a reply: no injection, no PII, no other customer's
    details, not a question put to someone else."""
    return not (
        looks_like_instruction(sentence)
        or contains_pii(sentence)
        or _PERSONAL.search(sentence)
        or sentence.rstrip().endswith(("?", "？"))
    )


def split_sentences(text: str) -> list[str]:
    """Sentences of one line of text, split on 。！？； and . ! ? (decimals kept whole)."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip(" \t。！？；.!?")]


def _clean(line: str) -> str:
    return _MARKUP.sub("", line).replace("**", "").strip()


def passage_lines(passage: Passage) -> list[str]:
    """The passage's prose lines: no breadcrumb, headings, tables, skipped sections or any line
    that carries an instruction (its neighbours in the same line are dropped with it)."""
    lines = passage.text.splitlines()
    section = lines[0].rsplit("›", 1)[-1].strip() if lines and "›" in lines[0] else ""
    if section:
        lines = lines[1:]
    kept = []
    for raw in lines:
        line = raw.strip()
        if line.startswith("#"):
            section = line.lstrip("#").strip()
            continue
        if not line or line.startswith("|") or section in SKIPPED_SECTIONS:
            continue
        line = _clean(line)
        # Quoted user posts are not the company's word, and are where injections hide.
        if looks_like_instruction(line) or line.startswith(_QUOTES):
            continue
        kept.append(line)
    return [line for line in kept if line]


def substantial(sentence: str) -> bool:
    """Long enough to say something on its own (list fragments like "订单号。" are not)."""
    cjk = len(re.findall(r"[\u4e00-\u9fff]", sentence))
    words = len(re.findall(r"[A-Za-z0-9]+", sentence))
    return cjk + 2 * words >= MIN_WEIGHT


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every quotable, substantial sentence of the passages, in passage order."""
    found = []
    for rank, passage in enumerate(passages):
        position = 0
        for line in passage_lines(passage):
            for sentence in split_sentences(line):
                if quotable(sentence) and substantial(sentence):
                    # A list item cut at its semicolon reads as a full sentence in a reply.
                    text = sentence[:-1] + "。" if sentence.endswith("；") else sentence
                    found.append(Candidate(text, passage, rank, position))
                    position += 1
    return found


def validate(sentences: Sequence[Sentence], passages: Sequence[Passage]) -> list[Sentence]:
    """Keep only sentences citing retrieved passages (unknown citations removed) that are
    themselves quotable; a sentence left citing nothing is dropped."""
    known = {p.citation for p in passages}
    kept = []
    for sentence in sentences:
        cited = tuple(dict.fromkeys(c for c in sentence.citations if c in known))
        if cited and quotable(sentence.text):
            kept.append(Sentence(sentence.text, cited))
    return kept
