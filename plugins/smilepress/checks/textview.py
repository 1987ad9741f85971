"""Views of a Markdown file for the compliance checks, with offsets that lead back to the file.

`prose_mask` blanks what a reader does not see as wording (front matter except title and
description, fenced code, inline code, HTML comments and tags, link targets, bare URLs) with spaces
of the same length, so wording rules never fire on code or comments and every offset is still a file
offset. `View` then normalises text for matching: full-width forms to ASCII, traditional to
simplified characters, Latin to lower case (all one character for one), and joins Han characters
that were split by spaces, zero-width characters or decoration (最 好, 最*好, 第\u200b一), keeping a
map from each normalised character back to the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

# -- masking -------------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_PROSE_KEYS = re.compile(r"^(?:title|description)[ \t]*:[ \t]*(.*)$", re.M)
_FENCE = re.compile(
    r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_INLINE_CODE = re.compile(r"(`+)(?:(?!\n[ \t]*\n).)+?\1", re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
# These start with a character, not an assertion: `re` then skips quickly to where they can match.
_LINK_TARGET = re.compile(r"\]\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)")  # the "]" itself is kept
_REFERENCE = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[^\n]*$", re.M)
_URL = re.compile(
    r"(?:https?://|ftp://|mailto:|tel:)[^\s<>()\"'，。]*"
)  # no re.I: it would disable the fast scan
_ATTR_LIST = re.compile(r"\{:?[ \t]*[.#][^}\n]*\}")
_NOT_NEWLINE = re.compile(r"[^\n]")


# What hidden text becomes in the prose view: not a space, so \s* and word-joining stop at it.
MASK = "\x00"


def _blank(text: str, spans: list[tuple[int, int]], fill: str = " ") -> str:
    if not spans:
        return text
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            start = pos
        if start >= end:
            continue
        out.append(text[pos:start])
        out.append(_NOT_NEWLINE.sub(fill, text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def front_matter_end(text: str) -> int:
    """Offset where the body starts (0 when there is no front matter)."""
    m = _FRONT_MATTER.match(text)
    return m.end() if m else 0


def markup_mask(text: str) -> str:
    """`text` without front matter, code and HTML comments: the markup a browser would act on."""
    spans = [(0, front_matter_end(text))]
    for pattern, needs in _PROSE_MASKS[:3]:
        text = _blank(text, spans)
        spans = [m.span() for m in pattern.finditer(text)] if any(n in text for n in needs) else []
    return _blank(text, spans)


def prose_mask(text: str) -> str:
    """`text` with everything but published wording replaced by MASK characters (newlines kept)."""
    spans = []
    m = _FRONT_MATTER.match(text)
    if m:
        keep = [
            (k.start(1) + m.start(1), k.end(1) + m.start(1))
            for k in _PROSE_KEYS.finditer(m.group(1) or "")
        ]
        pos = 0
        for start, end in keep:
            spans.append((pos, start))
            pos = end
        spans.append((pos, m.end()))
    for pattern, needs in _PROSE_MASKS:
        text = _blank(text, spans, MASK)
        spans = (
            [mm.span() for mm in pattern.finditer(text)] if any(n in text for n in needs) else []
        )
        if pattern is _LINK_TARGET:
            spans = [(start + 1, end) for start, end in spans]
    return _blank(text, spans, MASK)


# Each mask, with a string it cannot match without (most files have no fences, comments or
# references).
_PROSE_MASKS = (
    (_FENCE, ("```", "~~~")),
    (_COMMENT, ("<!--",)),
    (_INLINE_CODE, ("`",)),
    (_TAG, ("<",)),
    (_LINK_TARGET, ("](",)),
    (_REFERENCE, ("]:",)),
    (_URL, ("://", "mailto:", "tel:")),
    (_ATTR_LIST, ("{",)),
)


# -- normalising ---------------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The one full-width table: full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII,
# one character for one (offsets stay valid). detectors.py reads numbers and e-mail addresses with
# it.
HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# For matching wording: that, a few look-alikes, and Latin in lower case, one character for one.
_TABLE = (
    {code: chr(half).lower() for code, half in HALF_WIDTH.items()}
    | {
        0x00A0: 0x20,
        ord("％"): ord("%"),
        ord("﹪"): ord("%"),
        ord("—"): ord("-"),
        ord("–"): ord("-"),
        ord("－"): ord("-"),
    }
    | {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
)
# Punctuation that normalising turns to ASCII, for rule authors' patterns and word lists: a rule
# written with ，？！ must still see the clause ends of normalised text. Brackets are left alone (in
# a pattern outside a character class they would become regex syntax).
_PUNCTUATION = str.maketrans("，？！；：＂＇％　", ",?!;:\"'% ")


def normalise_pattern(pattern: str) -> str:
    return pattern.translate(_PUNCTUATION)


# What writers put between Han characters to split a word (最 好, 最*好, 最·好).
_SEP = r"[ \t\u200b-\u200d\u2060\ufeff*·•丶~]"
# Not across line breaks: a line is a unit for some rules (a field of an ad), and a term broken by a
# hard wrap is rare in Chinese writing.
_SPLITTER = re.compile(rf"(?<=[{_HAN}]){_SEP}+(?=[{_HAN}])")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # noqa: PLC0415 (imported on first use: only the checker needs it)

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified characters, keeping the length (positions must still line up)."""
    if text.isascii():
        return text
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in text)


@dataclass(frozen=True)
class View:
    """Normalised text and the way back: `origin(i)` is the file offset of normalised character
    i."""

    text: str
    _norm_starts: tuple[int, ...]
    _orig_starts: tuple[int, ...]

    def origin(self, i: int) -> int:
        k = bisect.bisect_right(self._norm_starts, i) - 1
        return self._orig_starts[k] + (i - self._norm_starts[k])

    def origin_end(self, i: int) -> int:
        """File offset just after normalised character i-1 (the end of a half-open span)."""
        return self.origin(i - 1) + 1 if i > 0 else 0


_FOLD = {chr(k): chr(v) if isinstance(v, int) else v for k, v in _TABLE.items() if k > 0x7F}
_NEEDS_FOLD = re.compile("[" + "".join(re.escape(c) for c in _FOLD) + "]")


def _fold(text: str) -> str:
    """Lower case, and ASCII for full-width forms, one character for one (C speed when nothing to
    fold)."""
    lowered = text.lower()
    if len(lowered) != len(
        text
    ):  # a few letters lower to two characters (İ): fall back to the table
        return text.translate(_TABLE)
    return _NEEDS_FOLD.sub(lambda m: _FOLD[m.group()], lowered)


def fold(text: str) -> str:
    """Normalised characters without joining split words (for labels and field values)."""
    return to_simplified(_fold(text))


def normalise(text: str) -> View:
    text = fold(text)
    cuts = [m.span() for m in _SPLITTER.finditer(text)]
    cuts += [m.span() for m in _ZERO_WIDTH.finditer(text)]
    if not cuts:
        return View(text, (0,), (0,))
    cuts.sort()
    parts, norm_starts, orig_starts, pos, length = [], [], [], 0, 0
    for start, end in cuts:
        if start < pos:
            start = pos
        if start >= end:
            continue
        parts.append(text[pos:start])
        norm_starts.append(length)
        orig_starts.append(pos)
        length += start - pos
        pos = end
    parts.append(text[pos:])
    norm_starts.append(length)
    orig_starts.append(pos)
    return View("".join(parts), tuple(norm_starts), tuple(orig_starts))


# -- positions -----------------------------------------------------------------------------------


class Lines:
    """Offsets to 1-based (line, column) in characters."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.starts, offset) - 1
        return k + 1, offset - self.starts[k] + 1

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end]
