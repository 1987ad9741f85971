"""The reader's view of a page: what a browser shows of it, as text, with the way back to the file.

A page is rendered as the site renders it (render.py), then reduced to what a reader sees or hears:
text nodes (code included: the department publishes no program code, and a claim in monospace is
read all the same), the attribute text a browser displays or a screen reader announces (alt, title,
aria-label, placeholder, value …), the strings a `<style>` block can show (`content:`), and the
front-matter fields the theme prints (title, description, tags). Entities are decoded by the HTML
parser, as a browser decodes them; inline elements join (`<span>最</span>好` reads 最好); block
elements, line breaks and attribute texts are separate lines. Nothing a browser hides is in it:
comments, scripts, tag names, attribute values that are addresses.

Each shown character is then traced back to the writer's file (`_Aligner`): the rendered text is
made of the source's characters, so runs of it are found in the source, in order, starting where
the last one ended; a run that is not there verbatim (an entity, an escape, a character between
tags) is traced character by character; what the renderer made up (a default admonition title)
points at where the reader's position is. Findings therefore still name the source line and column.
Finally the one normalisation (normalise.py) runs on the shown text, with offsets composed.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import yaml

from ..load import markdown
from ..load.markdown import MASK
from .normalise import (
    Offsets,
    OffsetsBuilder,
    View,
    normalise,
    unicode_view,
)
from .render import MarkdownConfig, renderer

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Attributes whose text a browser shows (alt when a picture does not load, title as a tooltip,
# value and placeholder in a field, label of an option or track) or a screen reader announces.
DISPLAYED_ATTRIBUTES = frozenset(
    {
        "alt",
        "title",
        "placeholder",
        "value",
        "label",
        "summary",
        "abbr",
        "aria-label",
        "aria-description",
        "aria-roledescription",
        "aria-placeholder",
        "aria-valuetext",
        "aria-braillelabel",
    }
)
# `value` is shown in a field, not on a button, an option or a hidden input (their text is).
_VALUE_SHOWN = frozenset({"input", "textarea"})


def displayed(tag: str, attribute: str, input_type: str) -> bool:
    """Whether a browser shows (or a screen reader announces) this attribute of this element."""
    if attribute == "value":
        return tag in _VALUE_SHOWN and input_type.lower() != "hidden"
    return attribute in DISPLAYED_ATTRIBUTES


# Elements whose content no reader sees (scripts are refused by the sanitiser anyway).
_UNSEEN = frozenset({"script", "template"})
_ANNOTATIONS = frozenset({"rt", "rp"})
_PREFORMATTED = frozenset({"pre", "textarea", "listing", "plaintext", "xmp"})
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)  # no end tag: their attribute texts are read at the start tag
# Where a browser starts a new paragraph (block elements), a new line (list items, table rows,
# line breaks) or a new table cell. A paragraph is a unit for some rules ("the clinic's name and a
# claim in one paragraph"), a line for others (a field of an ad).
_PARAGRAPHS = frozenset(
    "address article aside blockquote caption details dialog div dl fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr legend main nav ol p pre section "
    "summary table textarea ul".split()
)
# <br> is not among them: a reader reads on across it (最<br>好 is read 最好), as across the soft
# line break the browser draws as a space.
_LINES = frozenset("dd dt li option tr text title desc".split())
_CELLS = frozenset({"td", "th"})
_SEPARATORS = {"paragraph": "\n\n", "line": "\n", "cell": " | "}
_STRENGTH = {"\n\n": 3, "\n": 2, " | ": 1}


def _separator(tag: str) -> str | None:
    if tag in _PARAGRAPHS:
        return "paragraph"
    if tag in _LINES:
        return "line"
    return "cell" if tag in _CELLS else None


_CSS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)", re.S)
_TOKEN = re.compile(r"\S+")


def _css_char(m: re.Match) -> str:
    """A CSS escape as the character it shows (\\6700 is 最)."""
    if m.group(2) is not None:
        return m.group(2)
    code = int(m.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code < 0xE000 else "\ufffd"


# An escape that shows one character: an HTML entity (leading zeros as a browser reads them), or a
# CSS escape in a stylesheet's string (\6700 is 最)
_ENTITY = re.compile(
    r"&(?:#0*[0-9]{1,7};?|#[xX]0*[0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)"
    r"|\\(?:[0-9a-fA-F]{1,6}[ \t\n]?|[^0-9a-fA-F\n])"
)
_NEAR = 2048  # how far ahead the next shown run is looked for before the whole file is searched
_CHAR_REACH = 256  # ... and the next character of a run that is not in the file verbatim
_GLOBAL_SEARCHES = 400  # searches of the whole file per page (a page of ten thousand entities)


class _Shown(HTMLParser):
    """The pieces of shown text of an HTML fragment, in reading order: ("text" | "break", str)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, str]] = []
        self._unseen = 0
        self._style = 0
        # (tag, attribute texts) of open elements: the texts are read at the element's end
        self._pending: list[tuple[str, list[str]]] = []
        self._annotation = 0  # inside <rt>/<rp>: the text is deferred to the end of the line
        self._deferred: list[str] = []
        self._pre = 0  # inside <pre>, <textarea>: line breaks are shown as such
        self._rtl: list[bool] = []  # open <bdo> elements: dir="rtl" shows the text reversed
        self.css_shown: frozenset[str] = frozenset()  # attributes a stylesheet shows (attr())

    def _break(self, kind: str | None = "line") -> None:
        """A separator (the strongest of several in a row), never at the start."""
        if kind is None:
            return
        if self._deferred:
            deferred, self._deferred = self._deferred, []
            self._read_attributes(deferred)
        while self.pieces and self.pieces[-1][0] == "text" and not self.pieces[-1][1].strip():
            self.pieces.pop()  # white space between blocks is not shown
        if not self.pieces:
            return
        if self.pieces[-1][0] == "break":
            if _STRENGTH[_SEPARATORS[kind]] > _STRENGTH[self.pieces[-1][1]]:
                self.pieces[-1] = ("break", _SEPARATORS[kind])
            return
        self.pieces.append(("break", _SEPARATORS[kind]))

    def _attribute_texts(self, tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
        shown = dict((k.lower(), v) for k, v in attrs)
        return [
            v
            for k, v in attrs
            if v
            and v.strip()
            and (displayed(tag, k.lower(), shown.get("type") or "") or k.lower() in self.css_shown)
        ]

    def handle_starttag(self, tag: str, attrs) -> None:
        tag = tag.lower()
        if tag in _UNSEEN:
            self._unseen += 1
            return
        if tag in _ANNOTATIONS:
            self._annotation += 1
        if tag in _PREFORMATTED:
            self._pre += 1
        if tag == "bdo":
            self._rtl.append(dict(attrs).get("dir", "").lower() == "rtl")
        if tag == "style":
            self._style += 1
        self._break(_separator(tag))
        texts = self._attribute_texts(tag, attrs)
        if tag in _VOID:
            self._attributes_of(tag, texts)
        else:
            self._pending.append((tag, texts))

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag.lower() in _UNSEEN:
            return
        self._break(_separator(tag.lower()))
        self._attributes_of(tag.lower(), self._attribute_texts(tag.lower(), attrs))

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _UNSEEN:
            self._unseen = max(0, self._unseen - 1)
            return
        if tag == "style":
            self._style = max(0, self._style - 1)
        if tag in _ANNOTATIONS:
            self._annotation = max(0, self._annotation - 1)
        if tag in _PREFORMATTED:
            self._pre = max(0, self._pre - 1)
        if tag == "bdo" and self._rtl:
            self._rtl.pop()
        if tag in _VOID:
            return
        if self._pending:
            self._attributes_of(*self._pending.pop())
        self._break(_separator(tag))

    def _attributes_of(self, tag: str, texts: list[str]) -> None:
        """An element's attribute texts: a block's where it ends; an inline element's (a tooltip,
        a picture's alt) at the end of its line, like <rt>, so that <span title="…">最</span>好
        and 最<img alt="…">好 still read 最好 (a tooltip is no break in the line)."""
        if _separator(tag) is None:
            self._deferred.extend(texts)
        else:
            self._read_attributes(texts)

    def _read_attributes(self, texts: list[str]) -> None:
        for text in texts:
            self._break()
            self.pieces.append(("text", text))
            self._break()

    def unknown_decl(self, data: str) -> None:
        if data.upper().startswith("CDATA["):  # SVG and MathML show CDATA as text
            self.handle_data(data[6:])

    def handle_data(self, data: str) -> None:
        if self._unseen:
            return
        if self._annotation:  # <rt> pinyin: read at the line's end, not inside the word
            self._deferred.append(data)
            return
        if self._style:  # a stylesheet shows only its strings (`content: "…"`)
            for m in _CSS_STRING.finditer(data):
                self._read_attributes([_CSS_ESCAPE.sub(_css_char, m.group(1) or m.group(2) or "")])
            return
        if not self._pre:  # a line break inside a paragraph is shown as a space
            data = data.replace("\n", " ")
        data = _visual_order(data[::-1] if self._rtl and self._rtl[-1] else data)
        if data.strip() or (self.pieces and self.pieces[-1][0] == "text"):
            self.pieces.append(("text", data))

    def close(self) -> None:
        super().close()
        self._break()
        while self._pending:  # elements never closed: their attribute texts are still shown
            self._read_attributes(self._pending.pop()[1])
        self._read_attributes(self._deferred)
        self._deferred = []


# Right-to-left overrides and isolates (RLO, RLE, RLI) up to their end (PDF, PDI) or the text's:
# a browser draws the characters between them in reverse order, so 好最 between them reads 最好.
_REVERSED = re.compile("[\u202b\u202e\u2067]([^\u202c\u2069]*)")


def _visual_order(text: str) -> str:
    if not any(c in text for c in "\u202b\u202e\u2067"):
        return text
    return _REVERSED.sub(lambda m: m.group()[0] + m.group(1)[::-1], text)


_CSS_ATTR = re.compile(r"attr\(\s*([A-Za-z][\w-]*)", re.I)


def shown_pieces(page_html: str) -> list[tuple[str, str]]:
    parser = _Shown()
    if "<style" in page_html.lower():  # `content: attr(data-x)` shows that attribute's value
        parser.css_shown = frozenset(n.lower() for n in _CSS_ATTR.findall(page_html))
    parser.feed(page_html)
    parser.close()
    return parser.pieces


class _Aligner:
    """Traces shown text back to offsets in the source (see the module's docstring)."""

    def __init__(self, source: str, start: int, end: int):
        # Runs are looked for where a reader could see them (comments, tags, addresses blanked:
        # a decoy copy of the claim in a comment must not take its line); the file as written is
        # the last resort.
        self.file, self.source = source, markdown.searchable(source)
        self.start, self.end = start, end
        self.cursor = start
        self.searches = 0
        self.out = OffsetsBuilder()

    def add_break(self, separator: str = "\n\n") -> None:
        self.out.add(separator, self.cursor, self.cursor)

    def add_text(self, text: str) -> None:
        pos = 0
        for m in _TOKEN.finditer(text):
            if m.start() > pos:  # the spaces between runs (re-indented, re-wrapped)
                self.out.add(text[pos : m.start()], self.cursor, self.cursor)
            self._add_run(m.group())
            pos = m.end()
        if pos < len(text):
            self.out.add(text[pos:], self.cursor, self.cursor)

    def _add_run(self, run: str) -> None:
        """Nearby and verbatim; else character by character nearby (entities, escapes, tags
        between characters); else verbatim anywhere (a footnote defined earlier, an attribute
        read after its element's text); else as far as the characters can be traced."""
        found = self.source.find(run, self.cursor, min(self.end, self.cursor + len(run) + _NEAR))
        if found >= 0 and self._nothing_shown_before(run[0], found):
            return self._add_verbatim(run, found)
        traced = self._trace(run)
        if all(span is not None for span in traced) and (found < 0 or traced[0][0] <= found):
            return self._add_traced(run, traced)
        if found < 0 and self.searches < _GLOBAL_SEARCHES:
            self.searches += 1
            found = self.source.find(run, self.start, self.end)
            if found < 0:
                found = self.file.find(run, self.start, self.end)
        if found >= 0:
            return self._add_verbatim(run, found)
        self._add_traced(run, traced)

    def _nothing_shown_before(self, first: str, found: int) -> bool:
        """No earlier place between the cursor and `found` could show the run's first character
        (the usual case: only markup lies between two shown runs)."""
        gap = self.source[self.cursor : found]
        return first not in gap and "&" not in gap

    def _add_verbatim(self, run: str, found: int) -> None:
        self.out.add(run, found, found + len(run))
        self.cursor = found + len(run)

    def _add_traced(self, run: str, traced: list[tuple[int, int] | None]) -> None:
        for ch, span in zip(run, traced, strict=True):
            if span is None:  # made up by the renderer: it stands where the reader is
                self.out.add(ch, self.cursor, self.cursor)
            else:
                self.out.add(ch, *span)
                self.cursor = span[1]

    def _trace(self, run: str) -> list[tuple[int, int] | None]:
        """Where each character of `run` is, each within reach of the one before (or None)."""
        spans: list[tuple[int, int] | None] = []
        at = self.cursor
        for ch in run:
            span = self._char_at(ch, at)
            spans.append(span)
            if span is not None:
                at = span[1]
        return spans

    def _char_at(self, ch: str, at: int) -> tuple[int, int] | None:
        """The first place from `at` within reach that shows `ch`: the character or an entity."""
        limit = min(self.end, at + _CHAR_REACH)
        literal = self.source.find(ch, at, limit)
        stop = literal if literal >= 0 else limit
        for m in _ENTITY.finditer(self.source, at, stop):
            if _escaped_char(m.group()) == ch:
                return m.span()
        return (literal, literal + 1) if literal >= 0 else None


def _escaped_char(escape: str) -> str:
    """The character an HTML entity or a CSS escape shows."""
    if escape.startswith("&"):
        return html.unescape(escape)
    return _CSS_ESCAPE.sub(_css_char, escape)


@dataclass(frozen=True)
class ReaderView:
    """A page as a reader meets it: `shown` (the text, offsets into the file) and `view` (the same,
    normalised for matching, offsets composed back into the file)."""

    shown: str
    shown_offsets: Offsets
    view: View
    body_at: int  # where the body starts in `shown` (the front-matter fields come first)
    _detectable: dict[bool, View] = field(default_factory=dict, compare=False, repr=False)

    def detectable(self, body_only: bool = False) -> View:
        """The shown text with only the Unicode steps (case and width kept for detectors); with
        `body_only`, the fields blanked (MASK, offsets kept) for detectors that read the page's
        lines (the ad whitelist: a title is not a line of the ad's text)."""
        if body_only not in self._detectable:
            shown = self.shown
            if body_only:
                shown = re.sub(r"[^\n]", MASK, shown[: self.body_at]) + shown[self.body_at :]
            self._detectable[body_only] = unicode_view(shown, then=self.shown_offsets)
        return self._detectable[body_only]


def shown_field(value: str) -> str:
    """What a browser shows of a field the theme prints unescaped (Material's title, H1)."""
    if "<" not in value and "&" not in value:
        return value
    return "".join(text for kind, text in shown_pieces(value) if kind == "text")


def _fields(text: str, shown: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(value, start, end) of each front-matter field the theme prints, in the file's order."""
    fm = markdown.front_matter(text)
    if fm is None or not fm.mapping:
        return []
    out = []
    for key, start, end in fm.fields:
        if key not in shown:
            continue
        raw = markdown.universal(text[start:end])
        try:  # the scalar as YAML reads it: quoted, escaped (\u672c) or folded over lines
            value: Any = yaml.load(raw, Loader=_Loader)
        except yaml.YAMLError:
            value = raw
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            out.append((str(value), start, end))
    return out


_READ: OrderedDict[tuple[str, str], ReaderView] = OrderedDict()
# The checks of one file ask several times (wording, detectors), originality once more after every
# other file was read: a run keeps them all (a few kB each; 10,000 articles: well under 1 GB).
_READ_SIZE = 20_000


def read_page(text: str, config: MarkdownConfig | None = None) -> ReaderView:
    """The reader's view of a whole file (front matter and body) as the site renders it."""
    config = config or MarkdownConfig()
    key = (config.digest, text)
    if key in _READ:
        _READ.move_to_end(key)
        return _READ[key]
    _READ[key] = found = _read_page(text, config)
    if len(_READ) > _READ_SIZE:
        _READ.popitem(last=False)
    return found


def _read_page(text: str, config: MarkdownConfig) -> ReaderView:
    source = markdown.lf(text)
    body = markdown.body_start(text)
    aligner = _Aligner(source, 0, len(source))
    for value, start, end in _fields(text, config.fields):
        # a YAML scalar may be quoted, escaped or folded; the theme prints it as HTML
        aligner.out.add(shown_field(value), start, end)
        aligner.add_break()
    aligner.start = aligner.cursor = body
    body_at = aligner.out.length
    for kind, piece in shown_pieces(renderer(config).body_html(text[body:])):
        if kind == "break":
            aligner.add_break(piece)
        else:
            aligner.add_text(piece)
    for label in renderer(config).toc_texts(text[body:]):  # the table of contents, the address
        aligner.add_break()
        aligner.add_text(label)
    shown, offsets = aligner.out.build()
    return ReaderView(shown, offsets, normalise(shown, then=offsets), body_at)
