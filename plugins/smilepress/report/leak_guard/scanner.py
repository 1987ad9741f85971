"""Reading a site's files against a watch: passages of forbidden texts, and staff names and e-mails.

Each file is read whole, its lines in order (a passage may run over several), but each distinct
line of the site is normalised once: the navigation every page repeats costs one page, not N.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import accumulate, compress

import ahocorasick_rs

from ...checks.originality import content_characters
from ...view.normalise import normalised_text
from .cache import SeenTexts
from .passages import Fingerprints, Passage
from .site import decoded_texts, escaped_variants, shown_cells, shown_line
from .watchlist import DIGIT_GROUPS, FIGURE_WINDOW, MIN_FIGURES, Watch, figures

EXCERPT = 40  # characters of a passage shown in a message
WHAT_TO_DO = (
    "查明它是怎样进入网站的（静态文件夹、主题模板、其他插件或构建脚本）并删除，然后重新构建"
)
STAFF_TO_DO = (
    "从这个文件中删除；医生的名字需要公开时，由部门经理在 policies/people.yml 为其标记 "
    "public: true（邮箱始终不公开）"
)


@dataclass(frozen=True)
class Leak:
    """Text that must not be in the site, found in one of its files."""

    site_file: str  # the first file (by path) holding it
    marker: str  # the passage (content characters) or the name or e-mail found
    source: str  # where it comes from: a path under the project, a generated page, a person
    title: str = ""
    why: str = ""
    more: int = 0  # other files of the site holding it too
    staff: bool = False  # a name or an e-mail of staff, not a passage
    figures: bool = False  # figures of a data file (the marker lists them), not a passage
    pieces: int = 1  # a passage's text cut into pieces: how many (the marker: them, apart by …)

    def __str__(self) -> str:
        where = self.site_file + (f"（另有 {self.more} 个文件）" if self.more else "")
        if self.staff:
            return f"{where}：含有{self.source}“{self.marker}”——{STAFF_TO_DO}"
        if self.figures:
            count = self.marker.count("、") + 1
            return (
                f"{where}：含有 {self.source} 中的 {count} 个数字（{self.marker}）"
                f"——{self.why}；{WHAT_TO_DO}"
            )
        title = f"《{self.title}》" if self.title else ""
        shown = self.marker[:EXCERPT] + ("…" if len(self.marker) > EXCERPT else "")
        if self.pieces > 1:
            size = f"的 {self.pieces} 段文字（共 {len(self.marker) - self.pieces + 1} 个字）"
        else:
            size = f"的一段文字（{len(self.marker)} 个字）"
        return f"{where}：含有 {self.source}{title} {size}“{shown}”——{self.why}；{WHAT_TO_DO}"


@dataclass(frozen=True)
class Stats:
    files: int
    texts: int  # forbidden texts watched
    fingerprints: int
    seconds: float  # spent preparing and reading, in the scanner's process


class Scanner:
    def __init__(self, watch: Watch):
        started = time.perf_counter()
        self.watch = watch
        texts = SeenTexts(watch.cache, watch.markdown)
        forbidden, self.owners = [], []
        for i, watched in enumerate(watch.forbidden):
            for seen in texts.seen(watched):
                forbidden.append(content_characters(seen))
                self.owners.append(i)
        allowed = [seen for watched in watch.allowed for seen in texts.seen(watched)]
        texts.save()
        self.fingerprints = Fingerprints(
            forbidden, [content_characters(text) for text in allowed], watch.min_passage
        )
        self.markers = _staff_markers(watch, allowed)
        self.automaton = ahocorasick_rs.AhoCorasick(list(self.markers)) if self.markers else None
        self.figures = _watched_figures(watch, allowed)  # number -> the data files that have it
        spelled = {form for number in self.figures for form in _spellings(number)}
        self.figure_finder = ahocorasick_rs.AhoCorasick(sorted(spelled)) if spelled else None
        self.numbered: dict[str, list[str]] = {}  # lines holding such a figure: their numbers
        self.numbered_lines: set[str] = set()
        self.chars: dict[str, str] = {}  # each distinct line of the site: content characters
        self.decoded: dict[str, str] = {}  # lines with escapes: the decoded lines' characters
        self.escaped: set[str] = set()  # their keys, as a set (intersections iterate the smaller)
        self.marked: dict[str, set[str]] = {}  # the lines holding staff markers: which
        self.marked_lines: set[str] = set()
        self.found: dict[tuple[str, str], tuple[set[str], Leak]] = {}
        self.files = 0
        self.seconds = time.perf_counter() - started

    def feed(self, site_file: str, raw: bytes) -> None:
        """Read one file of the site (its bytes)."""
        started = time.perf_counter()
        streams, markers, numbers = [], set(), []
        for text in decoded_texts(raw):
            lines = text.split("\n")
            distinct = set(lines)
            new = distinct.difference(self.chars)  # lines no file had before
            if new:
                self._read(new)
            streams.append("".join(map(self.chars.__getitem__, lines)))
            escaped = distinct & self.escaped
            if escaped:  # the decoded lines, in order, after the file: a passage may span them
                in_order = compress(lines, map(escaped.__contains__, lines))
                streams.append("".join(map(self.decoded.__getitem__, in_order)))
            for line in distinct & self.marked_lines:
                markers.update(self.marked[line])
            if distinct & self.numbered_lines:  # their numbers, in the file's order
                for line in lines:
                    numbers.extend(self.numbered.get(line, ()))
        for passage in self.fingerprints.find("".join(streams)):
            self._passage(site_file, passage)
        if numbers:
            self._figures(site_file, numbers)
        for marker in sorted(markers):
            leak = Leak(site_file, marker, self.markers[marker], staff=True)
            self._add(("staff", marker), leak)
        self.files += 1
        self.seconds += time.perf_counter() - started

    def _read(self, lines: set[str]) -> None:
        """Distinct lines of the site, each read once: their content characters as a reader sees
        them (normalised), with escapes decoded, and the staff markers in them."""
        ordered = list(lines)
        normalised = _normalised(ordered)
        for line, chars in zip(ordered, _content(normalised), strict=True):
            self.chars[line] = chars
        for k, line in enumerate(ordered):
            variants = [v for v in escaped_variants(line) if v != line]
            if variants:
                decoded = _normalised(variants)
                self.decoded[line] = "".join(_content(decoded))
                self.escaped.add(line)
                normalised[k] += "\x00" + "\x00".join(decoded)
        if self.figure_finder is not None:
            for k in _matching(_FIVE_DIGITS, normalised):  # most lines: no number of that size
                line, text = ordered[k], normalised[k]
                if not self.figure_finder.find_matches_as_strings(DIGIT_GROUPS.sub("", text)):
                    continue  # numbers, but none of the figures (a script's tables)
                if _TAG_BETWEEN_DIGITS.search(line):  # <td>178,532</td><td>5,137</td>: apart
                    text = normalised_text(shown_cells(line), entities=True)
                found = figures(text)
                if not self.figures.keys().isdisjoint(found):
                    self.numbered[line] = found
                    self.numbered_lines.add(line)
        if self.automaton is None:
            return
        for k in _matching(_AT, ordered):  # an address anywhere: mailto:, an attribute, a comment
            normalised[k] += "\x00" + normalised_text(ordered[k], entities=True)
        for line, text in zip(ordered, normalised, strict=True):
            found = set(self.automaton.find_matches_as_strings(text)) if text else ()
            if found:
                self.marked[line] = found
                self.marked_lines.add(line)

    def _figures(self, site_file: str, numbers: list[str]) -> None:
        """MIN_FIGURES figures of one data file among FIGURE_WINDOW numbers in a row: a leak."""
        found: dict[int, set[str]] = {}
        for i in range(len(numbers)):
            window: dict[int, set[str]] = {}
            for number in numbers[i : i + FIGURE_WINDOW]:
                for k in self.figures.get(number, ()):
                    window.setdefault(k, set()).add(number)
            for k, held in window.items():
                if len(held) >= MIN_FIGURES:
                    found.setdefault(k, set()).update(held)
        for k, held in sorted(found.items()):
            watched = self.watch.figures[k]
            shown = "、".join(sorted(held, key=lambda n: (-len(n), n)))
            leak = Leak(site_file, shown, watched.source, why=watched.why, figures=True)
            self._add(("figures", watched.source), leak)

    def _passage(self, site_file: str, passage: Passage) -> None:
        watched = self.watch.forbidden[self.owners[passage.doc]]
        leak = Leak(
            site_file,
            passage.text,
            watched.source,
            watched.title,
            watched.why,
            pieces=passage.pieces,
        )
        self._add(("text", watched.source), leak)

    def _add(self, key: tuple[str, str], leak: Leak) -> None:
        """One leak per source text (per staff name or e-mail): at its first file by path, the
        longest passage there, and every file holding it counted."""
        files, best = self.found.get(key, (set(), leak))
        files.add(leak.site_file)
        if (leak.site_file, -len(leak.marker)) < (best.site_file, -len(best.marker)):
            best = leak
        self.found[key] = (files, best)

    def leaks(self) -> list[Leak]:
        out = [replace(leak, more=len(files) - 1) for files, leak in self.found.values()]
        return sorted(out, key=lambda leak: (leak.site_file, leak.source, leak.marker))

    def stats(self) -> Stats:
        return Stats(self.files, len(self.watch.forbidden), len(self.fingerprints), self.seconds)


def _normalised(lines: list[str]) -> list[str]:
    """Lines of a site file as a reader sees them, normalised (view/normalise.py) in one call:
    normalising never takes a line break away, and adds one only by decoding an entity (&#10;),
    in which case the lines are normalised one by one. A line without a word is read as empty."""
    shown = [shown_line(line) for line in lines]
    out = normalised_text("\n".join(shown), entities=True).split("\n")
    if len(out) != len(shown):
        out = [normalised_text(line, entities=True).replace("\n", " ") for line in shown]
    return [line if line.strip() else "" for line in out]


def _content(normalised: list[str]) -> list[str]:
    """The content characters of each normalised line (in one pass)."""
    return content_characters("\n".join(normalised), keep="\n").split("\n")


# An e-mail address is harvested from a page wherever it stands, shown or not: lines with an @
# (typed, full width, a reference or an escape) are also read whole, tags and all.
_AT = re.compile(r"@|＠|&#0*64;?|&#x0*40;?|&commat;|%40|\\u0040|\\x40", re.I)
_FIVE_DIGITS = re.compile(r"[0-9](?:[,' _’-]?[0-9]){4}")
_TAG_BETWEEN_DIGITS = re.compile(r"[0-9０-９;](?:\s*<[^<>\n]*>)+\s*[0-9０-９&]")


def _matching(pattern: re.Pattern, texts: list[str]) -> list[int]:
    """The indices of the texts (lines: no line break in them) `pattern` finds something in,
    searched as one text (a regex call per line costs more than the search)."""
    joined = "\n".join(texts)
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    found, m = [], pattern.search(joined)
    while m:
        k = bisect_right(starts, m.start()) - 1
        found.append(k)
        m = pattern.search(joined, starts[k + 1]) if k + 1 < len(texts) else None
    return found


def _spellings(number: str) -> tuple[str, ...]:
    """What the figure finder looks for: the figure's digits (lines are looked at with the
    separators between digits taken out: DIGIT_GROUPS)."""
    return (number,)


def _watched_figures(watch: Watch, allowed: list[str]) -> dict[str, tuple[int, ...]]:
    """Each data file's figure -> the files (indices into watch.figures) that have it; numbers
    the allowed texts show (a price in a public ad) are left out."""
    shown = set(figures("\n".join(allowed))) if watch.figures else set()
    out: dict[str, tuple[int, ...]] = {}
    for k, entry in enumerate(watch.figures):
        for number in entry.numbers - shown:
            out[number] = (*out.get(number, ()), k)
    return out


def _staff_markers(watch: Watch, allowed: list[str]) -> dict[str, str]:
    """Normalised name or e-mail -> whose: names the allowed texts (normalised) show are left
    out."""
    if not watch.staff:
        return {}
    shown = "\x00".join(allowed)
    markers = {}
    for person in watch.staff:
        name = normalised_text(person.name)
        if name and name not in shown:
            markers[name] = f"人员 {person.id} 的姓名（未标记 public）"
        if person.email:
            markers[normalised_text(person.email)] = f"人员 {person.id} 的邮箱"
    return markers
