"""How a reader reads a word that punctuation splits: 最-好, 最/好, 第—一, 最“”好, 治|愈|率 are
read as 最好, 第一, 治愈率; 效果最。好的, 最，好 and 最．好 are not.

The normalised view (normalise.py) already joins Han characters split by what a reader reads past
without a pause (spaces, symbols, emoji, ·, _, \\ …). It keeps the rest, because the checks weigh
it: quote marks say who speaks (a patient, the law), brackets, dashes and slashes set words apart,
and a rule's context reads them. So matching reads one more text, the *reading*: the view with
every run of separators between two Han characters of one line taken out, except at a real
boundary: the end of a sentence or clause (。．！？；，、： and their ASCII forms) and a line or
paragraph break. A rule's words are looked for in the view and in the reading; a hit found only in
the reading is mapped back to the view through `index` (so its finding points at the writer's
file, and its context is weighed on the view, quote marks and all).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .normalise import _EMOJI, _HAN, _char_class

# What ends a clause or a sentence for a reader (in normalised text: full-width forms are ASCII,
# so "." is also the full-width full stop ．, which science texts end sentences with).
BOUNDARIES = frozenset("。，、；：！？,;:!?.\n\r")


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
class Near:
    """Pieces of a reading, one text (apart by line breaks), and the way back to the reading."""

    text: str
    starts: list[int]
    places: list[int]

    def to_reading(self, start: int, end: int) -> tuple[int, int] | None:
        """The reading span of near span [start, end), or None if it runs over two pieces."""
        k = bisect.bisect_right(self.starts, start) - 1
        following = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text) + 1
        if k < 0 or end > following - 1:
            return None
        shift = self.places[k] - self.starts[k]
        return start + shift, end + shift


@dataclass(frozen=True)
class Reading:
    """The view's text with separators inside words taken out; `index[i]` is the view position of
    reading position i (`None`: nothing was taken out, the reading is the view's text)."""

    text: str
    index: np.ndarray | None
    taken: tuple[int, ...] = ()  # view positions where separators were taken out, in order

    def differs(self, start: int, end: int) -> bool:
        """Whether separators were taken out inside view span [start, end)."""
        k = bisect.bisect_right(self.taken, start)
        return k < len(self.taken) and self.taken[k] < end

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

    def near(self, reach: int) -> Near:
        """The reading's text within `reach` characters of each place where separators were taken
        out: only there can a hit hold what the view does not show."""
        if self.index is None:
            return Near("", [], [])
        cuts = (np.flatnonzero(np.diff(self.index) != 1) + 1).tolist()
        pieces: list[str] = []
        starts: list[int] = []  # where each piece starts in the near text
        places: list[int] = []  # ... and in the reading
        at = end = 0
        for cut in cuts:
            lo, hi = max(end, cut - reach), cut + reach
            if lo > end or not pieces:  # a new piece, apart from the last by a line break
                if pieces:
                    pieces.append("\n")
                    at += 1
                starts.append(at)
                places.append(lo)
            piece = self.text[lo:hi]
            pieces.append(piece)
            at += len(piece)
            end = max(end, lo + len(piece))
        return Near("".join(pieces), starts, places)

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
    taken = tuple(start for start, _ in cuts)
    return Reading("".join(pieces), np.concatenate(ranges), taken)


def read_across(text: str) -> str:
    """`reading(text).text` without the index (a window of context, a rule's word)."""
    return _separators().sub("", text)
