"""Views of a Markdown file for the compliance checks, with offsets that lead back to the file.

`prose_mask` blanks what a reader does not see as wording (front matter except title and
description, code, HTML comments and tags, link targets, bare URLs) with MASK characters, one for
one, so wording rules never fire on code or comments and every offset is still a file offset. Where
the front matter ends and what is code, a comment or a link target is load/markdown.py's (the one
reader of a file's structure, as MkDocs renders it); this module adds what only wording ignores.
`View` then normalises text for matching: full-width forms to ASCII, traditional to simplified
characters, Latin to lower case (all one character for one), and joins Han characters
that were split by spaces, zero-width characters or decoration (最 好, 最*好, 第\u200b一), keeping a
map from each normalised character back to the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from ..load import markdown
from ..load.markdown import MASK

# -- masking -------------------------------------------------------------------------------------
# Front matter, code, comments, raw HTML and link targets are the one reader's (load/markdown.py);
# what only the prose view hides is here: tags, bare URLs and attribute lists.

_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
# Printable ASCII but " ' ( ) < >: Chinese text right after a URL is wording the page shows.
_URL = re.compile(r"(?:https?://|ftp://|mailto:|tel:)[!#-&*-;=?-~]*")
_ATTR_LIST = re.compile(r"\{:?[ \t]*[.#][^}\n]*\}")

_blank = markdown.blank


def markup_mask(text: str) -> str:
    """`text` without front matter, code and HTML comments: the markup a browser would act on."""
    return markdown.read(text).hide(" ")


def prose_mask(text: str) -> str:
    """`text` with all but published wording replaced by MASK characters (line breaks kept)."""
    st = markdown.read(text)
    spans = []
    if st.front_matter is not None:  # all of it but the values of title and description
        pos = 0
        for start, end in st.front_matter.prose:
            spans.append((pos, start))
            pos = end
        spans.append((pos, st.body_start))
    spans += st.code
    spans += markdown.hidden_link_parts(st)
    work = _blank(st.lf, spans)
    for pattern, needs in _PROSE_MASKS:
        if any(n in work for n in needs):
            found = [m.span() for m in pattern.finditer(work, st.body_start)]
            spans += found
            work = _blank(work, found)
    return _blank(text, spans, MASK)


# Each mask, with a string it cannot match without (most files have no tags or URLs).
_PROSE_MASKS = (
    (_TAG, ("<",)),
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
