"""How a reader reads a word that punctuation splits: 最-好, 最/好, 第—一, 最“”好, 治.愈.率 are
read as 最好, 第一, 治愈率; 效果最。好的 and 最，好 are not.

The normalised view (normalise.py) already joins Han characters split by what a reader reads past
without a pause (spaces, symbols, emoji, ·, _, \\ …). It keeps the rest, because the checks weigh
it: quote marks say who speaks (a patient, the law), brackets, dashes and slashes set words apart,
and a rule's context reads them. So matching reads one more text, the *reading*: the view with
every run of separators between two Han characters of one line taken out, except at a real
boundary: the end of a sentence or clause (。！？；，、： and their ASCII forms) and a line or
paragraph break. A rule's words are looked for in the view and in the reading; a hit found only in
the reading is mapped back to the view through `index` (so its finding points at the writer's
file, and its context is weighed on the view, quote marks and all).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .normalise import _EMOJI, _HAN, _char_class

# What ends a clause or a sentence for a reader (in normalised text: full-width forms are ASCII).
BOUNDARIES = frozenset("。，、；：！？,;:!?\n\r")


def _transparent(ch: str) -> bool:
    """A separator a reader reads across inside a word: punctuation, symbols, spaces, marks;
    not a letter, a digit, a Han character or a boundary."""
    category = unicodedata.category(ch)
    return ch not in BOUNDARIES and category[0] not in "LN" and category not in ("Cc", "Cs", "Cn")


@lru_cache(maxsize=1)
def _separators() -> re.Pattern:
    """Runs of separators between two Han characters (the BMP as one class: a bitmap in `re`)."""
    bmp = _char_class([chr(c) for c in range(0x10000) if _transparent(chr(c))])
    return re.compile(rf"(?<=[{_HAN}])(?:{bmp}|[{_EMOJI}])+(?=[{_HAN}])")


@dataclass(frozen=True)
class Reading:
    """The view's text with separators inside words taken out; `index[i]` is the view position of
    reading position i (`None`: nothing was taken out, the reading is the view's text)."""

    text: str
    index: np.ndarray | None

    def to_view(self, start: int, end: int) -> tuple[int, int]:
        """The view span of reading span [start, end) (separators inside it included)."""
        if self.index is None or end <= start:
            return start, end
        return int(self.index[start]), int(self.index[end - 1]) + 1

    def to_reading(self, start: int, end: int) -> tuple[int, int]:
        """The reading span of view span [start, end) (the characters of it that remain)."""
        if self.index is None:
            return start, end
        found = np.searchsorted(self.index, (start, end))
        return int(found[0]), int(found[1])

    def split(self, start: int, end: int) -> bool:
        """Whether reading span [start, end) is split by separators in the view (a hit the view
        itself cannot show)."""
        if self.index is None or end - start < 2:
            return False
        return int(self.index[end - 1]) - int(self.index[start]) != end - 1 - start


def reading(text: str) -> Reading:
    """The reading of a view's `text`."""
    cuts = [m.span() for m in _separators().finditer(text)]
    if not cuts:
        return Reading(text, None)
    pieces, ranges, pos = [], [], 0
    for start, end in cuts:
        pieces.append(text[pos:start])
        ranges.append(np.arange(pos, start, dtype=np.int64))
        pos = end
    pieces.append(text[pos:])
    ranges.append(np.arange(pos, len(text), dtype=np.int64))
    return Reading("".join(pieces), np.concatenate(ranges))


def read_across(text: str) -> str:
    """`reading(text).text` without the index (a window of context, a rule's word)."""
    return _separators().sub("", text)


_REGEX_SYNTAX = frozenset(".^$*+?{}[]()|\\-")
_GROUP_SYNTAX = re.compile(r"\(\?(?:<=|<!|P<\w+>|[:=!>]|[aiLmsux-]+\))")
# What sets words apart (quote marks, brackets, dashes, slashes, bars, ellipses): a pattern that
# names one reads the view. Symbols beside digits (%, ., ≥, ¥, ~) stand between a digit and a
# character, where the reading takes nothing out.
_WORD_SEPARATORS = frozenset("Pi Pf Ps Pe Pd".split())


def _sets_words_apart(ch: str) -> bool:
    return _transparent(ch) and (unicodedata.category(ch) in _WORD_SEPARATORS or ch in "'\"/|…‥·")


def names_separators(pattern: str) -> bool:
    """Whether a regular expression names a separator the reading takes out between two Han
    characters (a quote mark, a bracket, a dash, a slash): it must read the view as well."""
    escaped = False
    for ch in _GROUP_SYNTAX.sub("(", pattern):
        if escaped:
            escaped = False
            if ch in _REGEX_SYNTAX and _sets_words_apart(ch):
                return True
        elif ch == "\\":
            escaped = True
        elif ch not in _REGEX_SYNTAX and _sets_words_apart(ch):
            return True
    return False
