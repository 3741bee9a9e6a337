"""Structure-aware chunking through langchain text splitters.

Markdown is cut at headings first, then long sections at paragraph, line and sentence ends
(Chinese 。！？； as well as English); an FAQ entry is always one chunk. Every chunk starts
with a breadcrumb line (title › heading › subheading) so it still says what it is about when
retrieved on its own.
"""

from __future__ import annotations

from functools import lru_cache

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

HEADINGS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
# Coarse to fine; sentence ends are kept on the sentence they close.
SEPARATORS = [
    "\n\n",
    "\n",
    "。",
    "！",
    "？",
    "；",
    ". ",
    "! ",
    "? ",
    "; ",
    "，",
    ", ",
    " ",
    "",
]
BREADCRUMB_SEPARATOR = " › "


@lru_cache(maxsize=32)
def _sentence_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        keep_separator="end",
        chunk_size=chunk_size,
        chunk_overlap=min(chunk_overlap, chunk_size // 2),
        strip_whitespace=True,
    )


def split_sentences(text: str, *, chunk_size: int, chunk_overlap: int) -> list[str]:
    """Split text into pieces of at most `chunk_size` characters at the coarsest break that fits."""
    pieces = _sentence_splitter(max(chunk_size, 20), max(chunk_overlap, 0)).split_text(text)
    return [p for p in pieces if p.strip()]


def _sections(markdown: str, title: str) -> list[tuple[str, str]]:
    """(breadcrumb, section text) pairs, one per heading section."""
    splitter = MarkdownHeaderTextSplitter(HEADINGS, strip_headers=True)
    sections = []
    for document in splitter.split_text(markdown):
        # The header splitter joins a section's lines with a Markdown hard break; undo it.
        content = document.page_content.replace("  \n", "\n").strip()
        if not content:
            continue
        trail = [title] + [
            str(document.metadata[key])
            for _, key in HEADINGS
            if key in document.metadata and str(document.metadata[key]) != title
        ]
        sections.append((BREADCRUMB_SEPARATOR.join(t for t in trail if t), content))
    return sections


def chunk_text(
    body: str, *, body_format: str, title: str, chunk_size: int, chunk_overlap: int
) -> list[str]:
    """Split a document body into chunk texts; see the module docstring for the rules."""
    body = body.strip()
    if not body:
        return []
    if body_format == "faq":
        return [body]
    if body_format == "markdown":
        sections = _sections(body, title) or [(title, body)]
    else:
        sections = [(title, body)]
    chunks: list[str] = []
    for breadcrumb, content in sections:
        room = max(chunk_size - len(breadcrumb) - 1, chunk_size // 2)
        for piece in split_sentences(content, chunk_size=room, chunk_overlap=chunk_overlap):
            fresh = breadcrumb and not piece.startswith(breadcrumb)
            chunks.append(f"{breadcrumb}\n{piece}" if fresh else piece)
    return chunks
