"""Markdown to HTML for article bodies, with raw HTML escaped and only safe link schemes."""

from __future__ import annotations

from xml.etree.ElementTree import Element

import markdown as md
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#")


class _SafeLinks(Treeprocessor):
    """Drop href/src values with other schemes (javascript:, data:, ...)."""

    def run(self, root: Element) -> None:
        for node in root.iter():
            for attr in ("href", "src"):
                value = node.get(attr)
                if value is not None and not value.strip().lower().startswith(SAFE_SCHEMES):
                    node.set(attr, "#")


def render_markdown(text: str) -> Markup:
    """Render Markdown; raw HTML is shown as text, so a body can never inject script."""
    converter = md.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    # Ticket-derived drafts carry customer text: never pass their HTML through.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    converter.treeprocessors.register(_SafeLinks(converter), "safe_links", 0)
    return Markup(converter.convert(text))
