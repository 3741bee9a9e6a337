"""HTML to Markdown-like text: headings kept as `#` lines so chunking sees the structure."""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCKS = {"p", "div", "section", "article", "ul", "ol", "table", "tr", "br", "hr", "pre"}
_SKIP = {"script", "style", "noscript", "template", "head"}


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.lang = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = (dict(attrs).get("lang") or "").lower()
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif (len(tag) == 2 and tag[0] == "h" and tag[1] in "123456") or tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data.strip()
        elif not self._skip:
            self.parts.append(" ".join(data.split()) if data.strip() else "")


def html_to_text(html: str) -> tuple[str, str, str]:
    """Convert HTML to (text, title, lang attribute); scripts and styles are dropped."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    lines = [line.strip() for line in "".join(converter.parts).splitlines()]
    text, blank = [], False
    for line in lines:  # collapse runs of blank lines left by nested blocks
        if line or not blank:
            text.append(line)
        blank = not line
    return "\n".join(text).strip(), converter.title, converter.lang
