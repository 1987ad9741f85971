"""The one normalisation of shown text, with the way back to where each character came from.

Every check and the leak guard compare text after the same steps, so a disguise that a reader does
not see changes nothing:

1. Unicode NFKC, character by character: compatibility forms fold to the plain ones (Kangxi
   radicals ⽆ → 无, circled and full-width digits, ligatures, ㎏ → kg);
2. default-ignorable code points removed (zero-width space, joiners, word joiner, soft hyphen,
   variation selectors, tag characters, U+180E, U+034F, bidi controls …): a browser draws nothing
   for them, so they must not split a word;
3. full width to ASCII, Latin to lower case, traditional to simplified characters, a few look-alikes
   (one character for one);
4. Han characters split by spaces or decoration joined, within a line: whatever a reader reads
   past between two characters (最 好, 最*好, 最·好, 最_好, a backslash, 最★好, an emoji, a
   combining accent, a private-use glyph, U+2028), or after a word before its punctuation
   (最好~。); a sentence's punctuation, dashes, quotes, brackets, % and / still separate (they
   carry meaning), and so does | (the reader's table cells).

`entities=True` also decodes HTML character references first (for text that is HTML or may be:
site files, chrome). A rendered page's text is already decoded by the HTML parser; decoding it
again would read `&amp;#26368;`, which a browser shows as the characters `&#26368;`, as 最.

`View.origin(i)` is the offset in the input of normalised character i; `origin_end(i)` the offset
just after character i-1 (the end of a half-open span). A View can be built on another View's
input offsets (`Offsets.then`), so a finding in normalised text leads back to the writer's file.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The one full-width table: full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII,
# one character for one. detectors.py reads numbers and e-mail addresses with it.
HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Cyrillic and Greek letters drawn as Latin ones (ТОР1 reads TOP1), both cases, to lower-case
# Latin. Not μ (10μg is a dose) nor η.
_LOOK_ALIKES = (
    ("АаΑα", "a"),
    ("ВвΒβ", "b"),
    ("СсϹϲ", "c"),
    ("ЕеΕε", "e"),
    ("Нн", "h"),
    ("ІіΙι", "i"),
    ("Јј", "j"),
    ("КкΚκ", "k"),
    ("Мм", "m"),
    ("Νν", "v"),
    ("ОоΟο", "o"),
    ("РрΡρ", "p"),
    ("Ѕѕ", "s"),
    ("ТтΤτ", "t"),
    ("Уу", "y"),
    ("ХхΧχ", "x"),
    ("Ζζ", "z"),
)
# For matching wording: that, a few look-alikes, and Latin in lower case, one character for one.
_TABLE = (
    {code: chr(half).lower() for code, half in HALF_WIDTH.items()}
    | {
        0x00A0: 0x20,
        0x2800: 0x20,  # braille blank: drawn as a space
        0x31D0: ord("一"),  # CJK strokes drawn exactly as the character (第㇐ reads 第一)
        0x31D1: ord("丨"),
        0x31D2: ord("丿"),
        0x31D4: ord("丶"),
        ord("％"): ord("%"),
        ord("﹪"): ord("%"),
        ord("—"): ord("-"),
        ord("–"): ord("-"),
        ord("－"): ord("-"),
    }
    | {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
    | {ord(c): ord(latin) for letters, latin in _LOOK_ALIKES for c in letters}
)

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), all of it: a browser draws
# none of these, so none may split a word.
IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# What writers put between Han characters to split a word (step 4). Not across line breaks: a line
# is a unit for some rules (a field of an ad).
_DECORATION = frozenset("Zs Zl Zp Mn Mc Me Pc Sm Sk So Co".split())  # not Pd: dashes (——)
# Other punctuation (Po) is decoration too (\ * · • # @ &), but for what carries meaning:
_MEANINGFUL = frozenset(",.;:?!…‥'\"%‰‱/|〃。、")
# Radicals and strokes are look-alikes of characters (folded by NFKC or _TABLE), never decoration.
_RADICALS = ((0x2E80, 0x2FDF), (0x31C0, 0x31EF))
_EMOJI = "\U0001f000-\U0001faff"  # other planes: their own class (see _Folding)
# ... and after a word, before its end (最好~。, 最好😀): a rule reads 最好 and then 。 either way.
_WORD_END = r"""[,.;:?!…‥'"%/。、）」』】》〕〉”’)\]}-]|\n|\Z"""


def _is_decoration(ch: str) -> bool:
    if not (unicodedata.category(ch) in _DECORATION or unicodedata.category(ch) == "Po"):
        return ch in "\t丶"
    return ch not in _MEANINGFUL and not any(a <= ord(ch) <= b for a, b in _RADICALS)


@lru_cache(maxsize=1)
def _splitter() -> re.Pattern:
    """Runs of decoration between two Han characters (the BMP as one class: a bitmap in `re`)."""
    bmp = _char_class([chr(c) for c in range(0x10000) if _is_decoration(chr(c))])
    return re.compile(rf"(?<=[{_HAN}])(?:{bmp}|[{_EMOJI}])+(?=[{_HAN}]|{_WORD_END})")


_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")


def normalise_pattern(pattern: str) -> str:
    """A rule author's pattern in the alphabet of normalised text: its characters folded as text
    is (，→ , ⽆ → 无, ％ → %), a character that folds to regex syntax escaped (（ → \\( )."""
    if pattern.isascii():
        return pattern
    table = _folding().table
    out = []
    for ch in pattern:
        nfkc = table.get(ch, ch) if len(table.get(ch, ch)) == 1 else ch
        folded = ch if ch.isascii() else _FOLD.get(nfkc, nfkc)
        out.append("\\" + folded if folded != ch and folded in _REGEX_SYNTAX else folded)
    return to_simplified("".join(out))  # not lower case: \D is not \d (patterns ignore case)


_REGEX_SYNTAX = frozenset("()[]{}*+?.|^$\\-")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # noqa: PLC0415 (imported on first use: only the checks need it)

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified characters, keeping the length (positions must still line up)."""
    if text.isascii():
        return text
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in text)


_FOLD = {chr(k): chr(v) if isinstance(v, int) else v for k, v in _TABLE.items() if k > 0x7F}
_NEEDS_FOLD = re.compile("[" + "".join(re.escape(c) for c in _FOLD) + "]")


def _fold(text: str) -> str:
    """Lower case and ASCII for full-width forms, one character for one."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters lower to two characters (İ): use the table
        return text.translate(_TABLE)
    return _NEEDS_FOLD.sub(lambda m: _FOLD[m.group()], lowered)


# 〇 among digits is a zero (1〇〇% reads 100%); 二〇二六 is a year written in words. So is a
# letter o (Latin, Cyrillic, Greek) after a digit: 1OO% reads 100% (NO1 stays a word).
_NUMBER_WITH_ZEROS = re.compile(r"〇[0-9〇]*[0-9][0-9〇oоο]*|[0-9]+[〇oоο][0-9〇oоο]*")
_ZERO_AFTER_DIGIT = re.compile(r"[0-9][oоο]")
_ZEROS = str.maketrans("〇oоο", "0000")


# The katakana prolonged sound mark (a letter, drawn as a horizontal line) alone between two Han
# characters is drawn as 一 (第ー reads 第一). Dashes and box-drawing lines there are separators
# (reading.py: 第—一 reads 第一, 治─愈 reads 治愈), so they are not read as 一.
_ONE_LIKE = re.compile(f"(?<=[{_HAN}])ー(?=[{_HAN}])")


def fold(text: str) -> str:
    """Step 3 alone, one character for one (labels, field values, fingerprints)."""
    text = to_simplified(_fold(text))
    if "〇" in text or _ZERO_AFTER_DIGIT.search(text):
        text = _NUMBER_WITH_ZEROS.sub(lambda m: m.group().translate(_ZEROS), text)
    if "ー" in text:
        text = _ONE_LIKE.sub("一", text)
    return text


# -- offsets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offsets:
    """Where each character of an output text came from in its input, as runs.

    A run maps output [out, next run's out) to input [start, end): one for one when the lengths
    agree, otherwise every character of the run to the whole input span (an entity, an expansion).
    """

    outs: Sequence[int]  # array("q"): a run costs 24 bytes, not a hundred as Python ints
    starts: Sequence[int]
    ends: Sequence[int]
    length: int  # of the output
    then: Offsets | None = None  # the input's own offsets, when the input was itself an output

    def _run(self, i: int) -> int:
        return max(0, bisect.bisect_right(self.outs, i) - 1)

    def _linear(self, k: int) -> bool:
        following = self.outs[k + 1] if k + 1 < len(self.outs) else self.length
        return following - self.outs[k] == self.ends[k] - self.starts[k]

    def origin(self, i: int) -> int:
        k = self._run(i)
        if self._linear(k):
            at = self.starts[k] + (i - self.outs[k])
        else:
            at = self.starts[k]
        return self.then.origin(at) if self.then else at

    def origin_end(self, i: int) -> int:
        """Input offset just after output character i-1."""
        if i <= 0:
            at = 0
        else:
            k = self._run(i - 1)
            at = self.starts[k] + (i - self.outs[k]) if self._linear(k) else self.ends[k]
        return self.then.origin_end(at) if self.then else at

    def array(self) -> np.ndarray:
        """origin(i) for every output character i at once (int64), through `then` as well."""
        outs = np.append(np.asarray(self.outs, dtype=np.int64), self.length)
        sizes = np.diff(outs)
        starts = np.asarray(self.starts, dtype=np.int64)
        linear = sizes == (np.asarray(self.ends, dtype=np.int64) - starts)
        base = np.repeat(starts, sizes)
        step = np.arange(self.length, dtype=np.int64) - np.repeat(outs[:-1], sizes)
        found = base + np.where(np.repeat(linear, sizes), step, 0)
        if self.then is None:
            return found
        below = self.then.array()
        return below[np.minimum(found, len(below) - 1)] if len(below) else found


class OffsetsBuilder:
    """Collects an output text piece by piece with the input span each piece came from."""

    def __init__(self):
        self.parts: list[str] = []
        self.outs: list[int] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.length = 0

    def add(self, text: str, start: int, end: int) -> None:
        """`text` came from input [start, end): one for one if the lengths agree, else as a unit."""
        if not text:
            return
        if (
            self.outs
            and self.ends[-1] == start
            and end - start == len(text)
            and self.ends[-1] - self.starts[-1] == self.length - self.outs[-1]
        ):
            self.ends[-1] = end  # extends a one-for-one run
        else:
            self.outs.append(self.length)
            self.starts.append(start)
            self.ends.append(end)
        self.parts.append(text)
        self.length += len(text)

    def build(self, then: Offsets | None = None) -> tuple[str, Offsets]:
        if not self.outs:
            return "", Offsets(_ints([0]), _ints([0]), _ints([0]), 0, then)
        return "".join(self.parts), Offsets(
            _ints(self.outs), _ints(self.starts), _ints(self.ends), self.length, then
        )


def identity(length: int, then: Offsets | None = None) -> Offsets:
    return Offsets(_ints([0]), _ints([0]), _ints([length]), length, then)


def _ints(values: list[int]) -> array:
    return array("q", values)


@dataclass(frozen=True)
class View:
    """Normalised text and the way back to the input (or, through `offsets.then`, further)."""

    text: str
    offsets: Offsets

    def origin(self, i: int) -> int:
        return self.offsets.origin(i)

    def origin_end(self, i: int) -> int:
        return self.offsets.origin_end(i)


# -- the steps ------------------------------------------------------------------------------------


def _compatibility_candidates():
    """Planes 0-2 but the unified ideographs and surrogates (none of which NFKC changes)."""
    skip = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xAC00, 0xD7A4), (0xD800, 0xE000))
    skip += ((0x20000, 0x2F800),)
    code = 0
    for start, end in skip:
        yield from range(code, start)
        code = end
    yield from range(code, 0x30000)


@dataclass(frozen=True)
class _Folding:
    """NFKC character by character, and every default-ignorable removed: `table` maps each
    character that changes to what it becomes; `bmp` and `astral` find them. Two patterns, because
    `re` tests a character class of the Basic Multilingual Plane against a bitmap at C speed, while
    one class holding other planes' characters is scanned range by range (a hundred times slower);
    most texts have no character outside the BMP, so `astral` rarely runs."""

    table: dict[str, str]
    bmp: re.Pattern
    astral: re.Pattern


# Combining marks that decorate any letter or digit (accents, strokes, enclosing circles and
# keycaps): not a script's own vowel signs.
_DIACRITICS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF))
_DIACRITICS += ((0xFE20, 0xFE2F),)
_OUTSIDE_BMP = re.compile("[\U00010000-\U0010ffff]")


def _char_class(chars: list[str]) -> str:
    """A character class of `chars`, consecutive ones as ranges (it compiles much faster)."""
    codes, parts, i = sorted(map(ord, chars)), [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "[" + "".join(parts) + "]"


@lru_cache(maxsize=1)
def _folding() -> _Folding:
    # marks drawn on the character before (1̶0⃝ reads 10), also where NFKC writes one (´ → " ́")
    marks = {
        chr(code)
        for first, last in _DIACRITICS
        for code in range(first, last + 1)
        if unicodedata.category(chr(code)) in ("Mn", "Me")
    }
    table = dict.fromkeys(marks, "")
    for code in _compatibility_candidates():
        ch = chr(code)
        if ch not in marks and (IGNORABLE.match(ch) or unicodedata.decomposition(ch)):
            folded = IGNORABLE.sub("", unicodedata.normalize("NFKC", ch))
            folded = "".join(c for c in folded if c not in marks)
            if folded != ch:
                table[ch] = folded
    for code in range(0xE0000, 0xE1000):  # tag characters, variation selectors supplement
        table[chr(code)] = ""
    bmp = [c for c in table if ord(c) <= 0xFFFF]
    astral = [c for c in table if ord(c) > 0xFFFF]
    return _Folding(table, re.compile(_char_class(bmp)), re.compile(_char_class(astral)))


def _decode_entities(text: str) -> tuple[str, Offsets | None]:
    if "&" not in text:
        return text, None
    out, pos = OffsetsBuilder(), 0
    for m in _ENTITY.finditer(text):
        decoded = html.unescape(m.group())
        if decoded != m.group():
            out.add(text[pos : m.start()], pos, m.start())
            out.add(decoded, m.start(), m.end())
            pos = m.end()
    if pos == 0:
        return text, None
    out.add(text[pos:], pos, len(text))
    return out.build()


def _unicode_step(text: str, entities: bool) -> tuple[str, Offsets | None]:
    """Steps 1 and 2 (and entities): the text and its offsets, or None when no length changed."""
    offsets = None
    if entities:
        text, offsets = _decode_entities(text)
    folding = _folding()
    found = list(folding.bmp.finditer(text))
    if _OUTSIDE_BMP.search(text):
        found = sorted(found + list(folding.astral.finditer(text)), key=lambda m: m.start())
    if not found:
        return text, offsets
    table = folding.table
    if all(len(table[m.group()]) == 1 for m in found):  # the usual case: full-width punctuation
        pieces, pos = [], 0
        for m in found:
            pieces += (text[pos : m.start()], table[m.group()])
            pos = m.end()
        pieces.append(text[pos:])
        return "".join(pieces), offsets
    out, pos = OffsetsBuilder(), 0
    for m in found:
        out.add(text[pos : m.start()], pos, m.start())
        out.add(table[m.group()], m.start(), m.end())
        pos = m.end()
    out.add(text[pos:], pos, len(text))
    built, own = out.build()
    return built, _chain(own, offsets)


def _join_step(text: str, then: Offsets | None) -> tuple[str, Offsets]:
    """Step 4: Han characters split by spaces or decoration joined."""
    cuts = [m.span() for m in _splitter().finditer(text)]
    if not cuts:
        return text, identity(len(text), then)
    out = OffsetsBuilder()
    pos = 0
    for start, end in cuts:
        out.add(text[pos:start], pos, start)
        pos = end
    out.add(text[pos:], pos, len(text))
    return out.build(then)


def normalise(text: str, entities: bool = False, then: Offsets | None = None) -> View:
    """The normalised view of `text`; offsets lead back to `text` (and through `then` beyond)."""
    if then is None and (found := _RECENT.get((text, entities))) is not None:
        return found
    source = text
    text, unicode_offsets = _unicode_step(text, entities)
    unicode_offsets = then if unicode_offsets is None else _chain(unicode_offsets, then)
    joined, offsets = _join_step(fold(text), unicode_offsets)
    view = View(joined, offsets)
    if then is None:
        _RECENT[(source, entities)] = view
        if len(_RECENT) > _RECENT_SIZE:
            del _RECENT[next(iter(_RECENT))]
    return view


# The last texts normalised on their own: the checks of one file ask for the same one several times
# (a whole file for rules of every scope and for rule conditions; a word of a rule). Views are
# never changed once made, so one can be handed out twice.
_RECENT: dict[tuple[str, bool], View] = {}
_RECENT_SIZE = 64


def unicode_view(text: str, then: Offsets | None = None) -> View:
    """Steps 1 and 2 only (case, width and script kept): what detectors of numbers and keys read."""
    out, offsets = _unicode_step(text, False)
    return View(out, identity(len(out), then) if offsets is None else _chain(offsets, then))


def _chain(offsets: Offsets, then: Offsets | None) -> Offsets:
    """`offsets`, whose innermost input is the output `then` maps further back."""
    if then is None:
        return offsets
    inner = then if offsets.then is None else _chain(offsets.then, then)
    return replace(offsets, then=inner)


def normalised_text(text: str, entities: bool = False) -> str:
    """Just the normalised characters (the leak guard, labels, rule words): `normalise(text,
    entities).text`, the same steps without offsets, so a whole site reads at str.translate's
    speed (the leak guard normalises every distinct line of a built site)."""
    if entities and "&" in text:
        text = _ENTITY.sub(_decoded_entity, text)  # a match never holds another "&"
    if not text.isascii():  # no ASCII character folds or is ignorable
        text = text.translate(_translation())
    return _splitter().sub("", fold(text))


def _decoded_entity(m: re.Match) -> str:
    return html.unescape(m.group())


@lru_cache(maxsize=1)
def _translation() -> dict[int, str]:
    """Steps 1 and 2 as a str.translate table: the folding table by code point."""
    return {ord(ch): folded for ch, folded in _folding().table.items()}
