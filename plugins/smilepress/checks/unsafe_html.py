"""Writers' HTML at check time: what the site's allow-list will remove from a page, found where the
writer wrote it, so that the writer learns it before the build.

The decision is the sanitiser's (view/sanitise.py): the page is rendered as the site renders it
(view/render.py) and its reporter lists what goes. Each removal is then looked for in the file,
outside code and comments: the tag as written (raw HTML reaches the page verbatim), else the
attribute's value or name (a Markdown link's target, an attr_list `{onclick=…}`), else the
element's name (md_in_html rewrites the tags it parses); what cannot be found points at the first
line of the body. The theme prints the title as HTML too: what goes from it points at its value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..load import markdown
from ..view.render import MarkdownConfig, renderer
from ..view.sanitise import URL_ATTRIBUTES, Removal, removals

_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
_VALUE = re.compile(r"""\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`}]+)""")


@dataclass(frozen=True)
class Located:
    """A removal and where it is in the file: text[start:end]."""

    removal: Removal
    start: int
    end: int


def removed_html(text: str, config: MarkdownConfig, meta: dict | None = None) -> list[Located]:
    """What the allow-list removes from the page of the file `text`, in page order, and from the
    title in its front matter `meta` (the theme prints it as HTML: the heading, the navigation)."""
    found = removals(renderer(config).page_html(text))
    located = _Finder(text).locate(found) if found else []
    title = (meta or {}).get("title")
    return (_in_title(text, title) if isinstance(title, str) else []) + located


def _in_title(text: str, title: str) -> list[Located]:
    """Each removal from the title, at the title's value in the front matter."""
    found = removals(title) if "<" in title else []
    fm = markdown.front_matter(text) if found else None
    value = next((f for f in fm.fields if f[0] == "title"), None) if fm else None
    _, start, end = value or ("title", 0, 0)
    out = []
    for r in found:
        at = text.find(r.tag, start, end)
        out.append(Located(r, at + r.at[0], at + r.at[1]) if at >= 0 else Located(r, start, end))
    return out


class _Finder:
    """Looks for each removal in the file: the n-th removal of an attribute of an element (or of
    the element) at the n-th place it is written, and never where another one was found."""

    def __init__(self, text: str):
        structure = markdown.read(text)
        self.body = structure.body_start
        # The front matter, code and comments blanked (same offsets, line breaks as MkDocs reads
        # them): a tag shown in a code block is not the one the page runs.
        self.visible = markdown.blank(
            structure.lf, [(0, structure.body_start), *structure.code], " "
        )
        self.lowered = self.visible.translate(_ASCII_LOWER)  # one character for one
        self.after: dict[tuple[str, str], int] = {}  # (element, attribute) -> where to look from
        self.taken: set[int] = set()  # where removals were found

    def locate(self, found: list[Removal]) -> list[Located]:
        return [Located(r, *self._where(r)) for r in found]

    def _where(self, r: Removal) -> tuple[int, int]:
        key = (r.element, r.attribute)
        start, end = self._span(r, self.after.get(key, self.body))
        self.after[key] = start + 1
        self.taken.add(start)
        return start, end

    def _span(self, r: Removal, since: int) -> tuple[int, int]:
        for at in self._all(self.visible, re.escape(r.tag), since):
            if at.start() + r.at[0] not in self.taken:  # raw HTML: the page holds it as written
                return at.start() + r.at[0], at.start() + r.at[1]
        if r.attribute:
            span = self._attribute(r, since)
            if span is not None:
                return span
        for at in self._all(self.lowered, re.escape(f"<{r.element}"), since):
            if at.start() not in self.taken:  # rewritten by Markdown (md_in_html): by its name
                end = self.visible.find(">", at.start())
                return at.start(), end + 1 if end >= 0 else at.end()
        end = self.visible.find("\n", self.body)
        return self.body, end if end >= 0 else len(self.visible)

    def _attribute(self, r: Removal, since: int) -> tuple[int, int] | None:
        """An attribute Markdown wrote: a link's target or an id by its value, anything else
        (attr_list's `{onclick=…}`) by its name."""
        if r.attribute in URL_ATTRIBUTES or r.attribute == "id":
            written = r.tag[r.at[0] : r.at[1]].partition("=")[2].strip().strip("\"'")
            for value in dict.fromkeys(v for v in (written, r.value.strip()) if v):
                for at in self._all(self.visible, re.escape(value), since):
                    if at.start() not in self.taken:
                        return at.span()
        name = rf"(?<![\w:.-]){re.escape(r.attribute.lower())}(?=\s*=)"
        for at in self._all(self.lowered, name, since):
            if at.start() not in self.taken:
                value = _VALUE.match(self.visible, at.end())
                return at.start(), value.end() if value else at.end()
        return None

    def _all(self, haystack: str, pattern: str, since: int):
        """Matches from `since` on, then before it (what Markdown moved: a footnote's text)."""
        compiled = re.compile(pattern)
        yield from compiled.finditer(haystack, since)
        yield from compiled.finditer(haystack, self.body, since)
