"""The leak guard: after a public build, look in the written site for anything that must not be there.

Defence in depth, independent of how pages were kept out: it reads the output files themselves
(HTML, search index, sitemap) and looks for the titles and distinctive sentences of every article
that must not be public, and for the names and e-mails of staff who are not marked public. Its list
of what must not be public is the gate's decision *plus* a second opinion of its own: any article
whose raw `status` is not a publishable state, read without the model's code.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
import yaml

from .project import Project

_MARKUP = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)|<[^>\n]+>|[*_`~#>|]")
_FRAGMENT_SPLIT = re.compile(r"[。！？；：，、,.!?;:\"'“”‘’（）()\[\]【】]+")
_SPACE = re.compile(r"[\s\u200b\u00a0]+")
_TAG = re.compile(r"<[^>]+>")
SCANNED_SUFFIXES = (".html", ".json", ".xml", ".txt")
MIN_FRAGMENT = 10      # characters: shorter fragments are too likely to occur by chance
FRAGMENTS_PER_ARTICLE = 6


@dataclass(frozen=True)
class Leak:
    site_file: str
    marker: str
    source: str   # what the marker belongs to (an article's path, or a person)

    def __str__(self) -> str:
        return f"{self.site_file}: 含有 “{self.marker}”（来自 {self.source}）"


def normalise(text: str) -> str:
    return _SPACE.sub("", html.unescape(text))


def without_markup(body: str) -> str:
    """Markdown as a reader sees it, roughly: link texts kept, markup characters and tags dropped."""
    return _MARKUP.sub(lambda m: m.group(1) or "", body)


def fragments(body: str) -> list[str]:
    """The longest sentence fragments of a Markdown body, without markup: what would show on a page."""
    text = without_markup(body)
    pieces = {normalise(p) for line in text.splitlines() for p in _FRAGMENT_SPLIT.split(line)}
    return sorted((p for p in pieces if len(p) >= MIN_FRAGMENT), key=len, reverse=True)[:FRAGMENTS_PER_ARTICLE]


def _raw_status(path: Path) -> str | None:
    """A second opinion on an article's status, read with plain PyYAML rather than the model."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        head = text.split("\n---", 1)[0].removeprefix("---")
        meta = yaml.safe_load(head)
        return str(meta.get("status")) if isinstance(meta, dict) else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
        return None


def _automaton(markers: dict[str, str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for marker, source in markers.items():
        automaton.add_word(marker, (marker, source))
    automaton.make_automaton()
    return automaton


def forbidden_markers(project: Project) -> dict[str, str]:
    """marker text -> where it comes from, for everything that must not appear on the public site.

    A sentence that a public article also contains (a shared disclaimer, a clinic's opening hours) is
    not a trace of the hidden one, so markers found in the public articles' sources are dropped.
    """
    public_text: list[str] = []
    candidates: dict[str, str] = {}
    for entry, decision in project.decisions("public"):
        a = entry.article
        if decision.included and _raw_status(project.root / a.path) in project.policies.publishable_states:
            public_text.append(normalise(a.title + "\n" + a.body) + "\x00" + normalise(without_markup(a.body)))
            continue
        for marker in [normalise(a.title), *fragments(a.body)]:
            if len(marker) >= 4:
                candidates.setdefault(marker, a.path)
    for person in project.policies.people.values():
        if not person.public:
            candidates.setdefault(person.name, f"人员 {person.id} 的姓名（未标记 public）")
    if candidates and public_text:
        shared = {marker for _, (marker, _) in _automaton(candidates).iter("\x00".join(public_text))}
        candidates = {m: s for m, s in candidates.items() if m not in shared}
    for person in project.policies.people.values():
        if not person.public:  # an e-mail address is never shared text: always a leak
            candidates[person.email] = f"人员 {person.id} 的邮箱"
    return candidates


def _site_lines(path: Path) -> list[str]:
    """The text of one output file, line by line (JSON files: one line per string value)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        try:
            strings: list[str] = []
            _collect_strings(json.loads(raw), strings)
            return strings
        except json.JSONDecodeError:
            pass
    return raw.splitlines()


def _collect_strings(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _collect_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _collect_strings(v, out)


def scan(site_dir: Path, markers: dict[str, str]) -> list[Leak]:
    """Every place in `site_dir` where one of `markers` occurs (one Leak per file and marker).

    Markers come from single source lines, so they never span an output line; each distinct line is
    scanned once for the whole site (the navigation repeated in every page is read once, not N times).
    """
    if not markers:
        return []
    automaton = _automaton(markers)
    hits_by_line: dict[str, tuple[tuple[str, str], ...]] = {}
    leaks = []
    for path in sorted(site_dir.rglob("*")):
        if path.suffix not in SCANNED_SUFFIXES or not path.is_file():
            continue
        found: dict[str, str] = {}
        for line in _site_lines(path):
            hits = hits_by_line.get(line)
            if hits is None:
                text = normalise(line) + "\x00" + normalise(_TAG.sub("", line))
                hits = hits_by_line[line] = tuple({m: s for _, (m, s) in automaton.iter(text)}.items())
            found.update(hits)
        leaks += [Leak(path.relative_to(site_dir).as_posix(), m, s) for m, s in found.items()]
    return leaks


def check_site(project: Project, site_dir: Path) -> list[Leak]:
    return scan(site_dir, forbidden_markers(project))
