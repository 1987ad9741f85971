"""The compliance checker: every rule type implemented once, one compiled matcher pass per document.

Wording rules (`terms`, `substitution`, `pattern`) run on the normalised prose view of a file
(textview), so code, comments and link targets never trigger them and traditional characters,
full-width digits and split words match like plain ones. Detectors (`detector`) look at the whole
file, comments and code included. `required` and `label` look at the front matter; `sanitiser`
at the rendered page (what the site's allow-list of writers' HTML removes). Context conditions
(exceptions, negation, windows, escalation, quotations of the law) are data on each rule.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ahocorasick_rs

from ..load.files import write_atomically
from ..load.markdown import Lines, body_start, lf
from ..model.findings import Finding
from ..view.normalise import View, fold, identity, normalise
from ..view.reader import read_page, shown_field
from ..view.reading import Reading, reading
from ..view.render import MarkdownConfig
from .detectors import DETECTORS
from .rule_packs import Context, Rule, RuleSet, alternatives, closing_paren, required_literals
from .textview import MASK, markup_mask, prose_mask
from .unsafe_html import removed_html

# Part of the cache key: bump when a change (here, or in what the views read) changes findings.
ENGINE_VERSION = "5"  # 2: the views read load/markdown.py; 3: unsafe HTML is the sanitiser's;
# 4: review findings name their reviewer; 5: words read across separators (view/reading.py)
LEVEL_ORDER = {"error": 0, "review": 1, "warning": 2, "info": 3}
MAX_PER_RULE = 100  # findings listed per rule and file; the rest are counted in one more
# Lexicons the engine itself uses (policies/compliance/*.yml, `lexicons:`): a sentence naming the
# law (`law_reference`) and talking about wording (`quote_meta`) quotes the law instead of making a
# claim.
LAW_LEXICON, META_LEXICON = "law_reference", "quote_meta"

_CLAUSE_END = re.compile(r"[，,。；;！!？?\n：:]")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
_WINDOW_REACH = {
    "clause": 120,
    "sentence": 300,
    "paragraph": 1500,
}  # characters either side of a hit
# How far from a place where the reading took separators out a pattern's hit across it reaches.
_MATCH_REACH = 20
_QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"', "‘": "’", "《": "》"}
_QUOTE_MARKS = set(_QUOTES) | set(_QUOTES.values())
_NO_CONTEXT = Context()


@dataclass(frozen=True)
class Document:
    path: str
    text: str  # the whole file, front matter included
    content_type: str
    meta: dict[str, Any]


def _norm_word(word: str) -> str:
    return normalise(word).text


class _Windows:
    """Clause, sentence and paragraph bounds of a normalised text, computed once per document."""

    def __init__(self, text: str, read: Reading | None = None):
        self.text = text
        self._ends: dict[str, list[int]] = {}
        # the reading (separators inside words taken out), when it differs from the text
        self.read = read if read is not None and read.index is not None else None
        self.joined = _Windows(read.text) if self.read else None

    def _bounds(self, kind: str) -> list[int]:
        if kind not in self._ends:
            pattern = {
                "clause": _CLAUSE_END,
                "sentence": _SENTENCE_END,
                "paragraph": _PARAGRAPH_END,
            }[kind]
            self._ends[kind] = [m.end() for m in pattern.finditer(self.text)]
        return self._ends[kind]

    def around(self, kind: str, start: int, end: int) -> tuple[int, int]:
        bounds = self._bounds(kind)
        k = bisect.bisect_right(bounds, start)
        left = bounds[k - 1] if k else 0
        j = bisect.bisect_left(bounds, end)
        right = bounds[j] if j < len(bounds) else len(self.text)
        reach = _WINDOW_REACH[
            kind
        ]  # a "sentence" without punctuation can be a whole file: look nearby only
        return max(left, start - reach), min(right, end + reach)

    def text_around(self, kind: str, start: int, end: int) -> str:
        left, right = self.around(kind, start, end)
        return self.text[left:right]

    def supports(self, holds, kind: str, start: int, end: int) -> bool:
        """Whether a condition that makes a hit (a claim's part, `requires`, `escalate`) holds
        around view span [start, end): in the view or in the reading (本-院 is 本院 to a reader).
        Conditions that cancel a hit are weighed on the view alone (quote marks, brackets)."""
        left, right = self.around(kind, start, end)
        if holds(self.text[left:right]):
            return True
        if self.joined is None or not self.read.differs(left, right):
            return False
        return holds(self.joined.text_around(kind, *self.read.to_reading(start, end)))

    def beside(self, start: int, end: int, reach: int = 12) -> list[tuple[str, str]]:
        """The `reach` characters before and after the span, in the view (and the reading)."""
        out = [(self.text[max(0, start - reach) : start], self.text[end : end + reach])]
        if self.joined is not None and self.read.differs(start - 2 * reach, end + 2 * reach):
            s, e = self.read.to_reading(start, end)
            out.append((self.joined.text[max(0, s - reach) : s], self.joined.text[e : e + reach]))
        return out

    def matches(self, find) -> list[tuple[Any, int, int]]:
        """`find(text)`'s (key, start, end) in the view, and those only the reading shows, mapped
        to the view."""
        found = list(find(self.text))
        if self.joined is not None:
            read = self.read
            found += [
                (key, *read.to_view(s, e)) for key, s, e in find(read.text) if read.split(s, e)
            ]
        return found


class Checker:
    """Compiled rules. Build once per rule set; `check` is then one pass per view of a document."""

    def __init__(self, ruleset: RuleSet, markdown: MarkdownConfig | None = None):
        self.ruleset = ruleset
        # How the site renders a page (mkdocs.yml's Markdown extensions): the reader's view is that.
        self.markdown = markdown or MarkdownConfig()
        self.rules = ruleset.rules
        lexicons = ruleset.lexicons
        self.law_words = tuple(_norm_word(w) for w in lexicons.get(LAW_LEXICON, ()))
        self.meta_words = tuple(_norm_word(w) for w in lexicons.get(META_LEXICON, ()))
        self._compile_terms()
        self._compile_patterns()
        self._detectors = [r for r in self.rules if r.type == "detector"]
        self._documents = [r for r in self.rules if r.type in ("required", "label")]
        self._sanitisers = [r for r in self.rules if r.type == "sanitiser"]

    def _compile_terms(self) -> None:
        """Every term and exception of every rule in one automaton (normalised, each word once)."""
        words: dict[str, int] = {}
        # pattern index -> (rule, term|exception, original)
        self._hits_of: list[list[tuple[Rule, str, str]]] = []

        def add(word: str, rule: Rule, role: str) -> None:
            norm = _norm_word(word)
            if not norm:
                return
            if norm not in words:
                words[norm] = len(self._hits_of)
                self._hits_of.append([])
            self._hits_of[words[norm]].append((rule, role, word))

        for rule in self.rules:
            if rule.type == "terms":
                for term in rule.terms:
                    add(term, rule, "term")
            elif rule.type == "substitution":
                for term in rule.swap:
                    add(term, rule, "term")
            for exception in rule.exceptions:
                add(exception, rule, "exception")
        self._automaton = (
            ahocorasick_rs.AhoCorasick(list(words), matchkind=ahocorasick_rs.MatchKind.Standard)
            if words
            else None
        )

    def _compile_patterns(self) -> None:
        # A claim is a pattern (its first part) whose other parts must be near: one matcher.
        self._patterns = [r for r in self.rules if r.type in ("pattern", "claim")]
        # Each rule's pattern as its top-level alternatives, each with the strings it cannot match
        # without (one automaton pass per document tells which of those strings occur).
        self._parts = {r.id: [_Part.of(p) for p in alternatives(r.pattern)] for r in self._patterns}
        anchors = sorted(
            {
                a
                for parts in self._parts.values()
                for part in parts
                for a in part.anchors
                if len(a) > 1
            }
        )
        self._anchor_automaton = ahocorasick_rs.AhoCorasick(anchors) if anchors else None

    # -- the pass over one document ----------------------------------------------------------
    def check(self, doc: Document, today: dt.date) -> list[Finding]:
        """The findings in `doc` as of `today` (an ID number's holder must have been born)."""
        lines = Lines(doc.text)
        raw: list[Hit] = []
        reader = read_page(doc.text, self.markdown)
        raw += self._wording(doc, reader.view, "prose")
        for scope, mask in (("markup", markup_mask), ("all", None)):
            if any(r.scope == scope for r in self._patterns):
                raw += self._wording(doc, normalise(mask(doc.text) if mask else doc.text), scope)
        raw += self._detect(doc, today)
        hits = _dedupe(raw)
        hits = _dedupe(hits + self._implied(hits, doc.content_type))
        findings = self._capped(doc, lines, hits) + self._document_rules(doc, lines)
        findings += self._removed_html(doc, lines)
        return sorted(findings, key=lambda f: (f.line, f.column, LEVEL_ORDER[f.level], f.rule))

    def _capped(self, doc: Document, lines: Lines, hits: list[Hit]) -> list[Finding]:
        """A finding per hit, at most MAX_PER_RULE per rule and one more that counts the rest: a
        writer needs the first ones, not ten thousand alike."""
        findings = []
        per_rule: dict[str, int] = {}
        for h in sorted(hits, key=lambda h: h.start):
            per_rule[h.rule.id] = per_rule.get(h.rule.id, 0) + 1
            if per_rule[h.rule.id] <= MAX_PER_RULE:
                findings.append(
                    self._finding(doc, lines, h.rule, h.level, h.start, h.end, h.suggestion)
                )
        for rid, n in per_rule.items():
            if n > MAX_PER_RULE:
                last = next(f for f in reversed(findings) if f.rule == rid)
                findings.append(
                    replace(
                        last,
                        message=f"{last.message}（同一规则还有 {n - MAX_PER_RULE} 处，未逐一列出）",
                        match="",
                    )
                )
        return findings

    def check_data(
        self, doc: Document, today: dt.date, allowed: frozenset[str] = frozenset()
    ) -> list[Finding]:
        """A data or policy file (YAML, CSV, text): only personal-data and secret detectors apply.

        `allowed`: values that are this file's business (the staff registry's own e-mail addresses).
        """
        lines = Lines(doc.text)
        hits = [
            h for h in self._detect(doc, today) if doc.text[h.start : h.end].lower() not in allowed
        ]
        return [
            self._finding(doc, lines, h.rule, h.level, h.start, h.end, h.suggestion)
            for h in _dedupe(hits)
        ]

    def _wording(self, doc: Document, view: View, scope: str) -> list[Hit]:
        """The wording rules' hits in one view: terms (prose only) and the scope's patterns. The
        prose is also read across separators inside words (view/reading.py): a hit only the reading
        shows counts at its place in the view, weighed there."""
        read = reading(view.text) if scope == "prose" else Reading(view.text, None)
        windows = _Windows(view.text, read)
        hits = self._term_hits(doc, view, windows) if scope == "prose" else []
        return hits + self._pattern_hits(doc, view, scope, windows)

    def _term_hits(self, doc: Document, view: View, windows: _Windows) -> list[Hit]:
        if self._automaton is None:
            return []
        exceptions: dict[str, list[tuple[int, int]]] = {}
        terms = []
        applies: dict[str, bool] = {}
        automaton = self._automaton
        for index, start, end in windows.matches(
            lambda text: automaton.find_matches_as_indexes(text, overlapping=True)
        ):
            for rule, role, original in self._hits_of[index]:
                if rule.id not in applies:
                    applies[rule.id] = rule.level_for(doc.content_type) is not None
                if not applies[rule.id]:
                    continue
                if role == "exception":
                    exceptions.setdefault(rule.id, []).append((start, end))
                else:
                    terms.append((rule, start, end, original))
        hits = []
        for rule, start, end, original in terms:
            if any(s <= start and end <= e for s, e in exceptions.get(rule.id, ())):
                continue
            weighed = self._level(rule, doc.content_type, windows, start, end)
            if weighed:
                hits.append(
                    Hit(
                        rule,
                        weighed[0],
                        view.origin(start),
                        view.origin_end(end),
                        rule.swap.get(original, ""),
                        weighed[1],
                    )
                )
        return hits

    def _pattern_hits(self, doc: Document, view: View, scope: str, windows: _Windows) -> list[Hit]:
        present = self._present(view.text)
        read = windows.read
        # the reading: only a part with its anchors near a cut can find what the view does not show
        near = read.near(_MATCH_REACH) if read is not None else None
        near_present = self._present(near.text) if near is not None else ("", set())
        hits = []
        for rule in self._patterns:
            if rule.scope != scope or rule.level_for(doc.content_type) is None:
                continue
            spans = list(self._pattern_spans(rule, view.text, present))
            if near is not None:
                for s, e in self._pattern_spans(rule, near.text, near_present):
                    span = near.to_reading(s, e)
                    if span is not None and read.split(*span):
                        spans.append(read.to_view(*span))
            for start, end in spans:
                if end == start:
                    continue
                if rule.exceptions and self._excepted(rule, windows, start, end):
                    continue
                weighed = self._level(rule, doc.content_type, windows, start, end)
                if weighed:
                    hits.append(
                        Hit(
                            rule,
                            weighed[0],
                            view.origin(start),
                            view.origin_end(end),
                            "",
                            weighed[1],
                        )
                    )
        return hits

    def _present(self, text: str) -> tuple[str, set[str]]:
        """`text` and the patterns' anchors it holds."""
        if not self._anchor_automaton or not text:
            return text, set()
        return text, set(self._anchor_automaton.find_matches_as_strings(text, overlapping=True))

    def _pattern_spans(self, rule: Rule, text: str, present: tuple[str, set[str]]):
        """The rule's spans in `text`, for each part whose anchors are present (`_present`)."""
        searched, anchors = present
        for part in self._parts[rule.id]:
            if (
                part.anchors
                and anchors.isdisjoint(part.long_anchors)
                and not any(c in searched for c in part.short_anchors)
            ):
                continue
            yield from part.spans(text)

    def _implied(self, hits: list[Hit], content_type: str) -> list[Hit]:
        """Findings that other findings imply (in an ad, any claim is also beyond the whitelist)."""
        out = []
        for imp in self.ruleset.implications:
            target = self.ruleset.by_id.get(imp.rule)
            level = target.level_for(content_type) if target else None
            if level is None or content_type not in imp.types:
                continue
            out += [
                Hit(target, imp.level or level, h.start, h.end)
                for h in hits
                if h.rule.category in imp.categories and (h.escalated or not imp.when_self)
            ]
        return out

    def _excepted(self, rule: Rule, windows: _Windows, start: int, end: int) -> bool:
        """A pattern hit inside one of the rule's exception phrases (第一磨牙 covers 第一), in the
        view or in the reading (第-一磨牙)."""
        if self._excepted_in(rule, windows.text, start, end):
            return True
        if windows.joined is None:
            return False
        return self._excepted_in(rule, windows.joined.text, *windows.read.to_reading(start, end))

    def _excepted_in(self, rule: Rule, text: str, start: int, end: int) -> bool:
        for exception in rule.exceptions:
            word = _norm_word(exception)
            lo = max(0, end - len(word))
            i = text.find(word, lo, start + len(word))
            while i != -1 and i <= start:
                if i + len(word) >= end:
                    return True
                i = text.find(word, i + 1, start + len(word))
        return False

    def _level(
        self, rule: Rule, content_type: str, windows: _Windows, start: int, end: int
    ) -> tuple[str, bool] | None:
        """The level of a hit after its context is weighed (and whether `escalate` raised it), or
        None."""
        ctx, text = rule.context, windows.text
        for part in rule.parts:  # a claim's other parts, in the same clause or sentence
            if not windows.supports(part.holds, part.within, start, end):
                return None
        if ctx == _NO_CONTEXT and not self.meta_words:
            return rule.level_for(content_type), False
        if ctx.negated_by:
            left = text[windows.around("clause", start, end)[0] : start]
            if any(w in left for w in ctx.negated_by):
                return None
        beside = windows.beside(start, end)
        left12, right12 = beside[0]
        if ctx.before and not any(ctx.before.search(left) for left, _ in beside):
            return None
        if ctx.not_before and ctx.not_before.search(left12):
            return None
        if ctx.after and not any(ctx.after.search(right) for _, right in beside):
            return None
        if ctx.not_after and ctx.not_after.search(right12):
            return None
        for window in ctx.requires:
            if not windows.supports(window.holds, window.within, start, end):
                return None
        for window in ctx.unless:
            if window.holds(windows.text_around(window.within, start, end)):
                return None
        if ctx.quotable and self._quotes_the_law(windows, start, end):
            return None
        for window in ctx.escalate:
            if windows.supports(window.holds, window.within, start, end):
                return window.level, True
        return rule.level_for(content_type), False

    def _quotes_the_law(self, windows: _Windows, start: int, end: int) -> bool:
        """广告法禁止使用"最佳"等用语: a sentence about the law's wording is not a claim."""
        if not self.meta_words:
            return False
        sentence = windows.text_around("sentence", start, end)
        if not any(w in sentence for w in self.meta_words):
            return False
        if any(w in sentence for w in self.law_words):
            return True
        text = windows.text
        left, right = windows.around("sentence", start, end)
        marks_before = [c for c in text[left:start] if c in _QUOTE_MARKS]
        marks_after = [c for c in text[end:right] if c in _QUOTE_MARKS]
        return (
            bool(marks_before and marks_after)
            and marks_before[-1] in _QUOTES
            and marks_after[0] in _QUOTES.values()
        )

    def _detector_views(self, doc: Document, scope: str) -> list[View]:
        """What a detector of `scope` reads: the reader's view (shown text, entities decoded,
        Unicode folded; case and width kept), and for `all` the file as written too (comments and
        code a reader never sees can still leak a phone number to anyone who opens the source);
        `markup` is the file's markup as written."""
        if scope == "markup":
            return [View(markup_mask(doc.text), identity(len(doc.text)))]
        reader = read_page(doc.text, self.markdown)
        if scope == "all":
            return [View(doc.text, identity(len(doc.text))), reader.detectable()]
        return [reader.detectable(body_only=True)]

    def _detect(self, doc: Document, today: dt.date) -> list[Hit]:
        hits = []
        cache: dict[tuple[str, str], list[tuple[View, list]]] = {}
        for rule in self._detectors:
            level = rule.level_for(doc.content_type)
            if level is None:
                continue
            key = (rule.detector, rule.scope)
            if key not in cache:
                cache[key] = [
                    (view, DETECTORS[rule.detector](view.text, today))
                    for view in self._detector_views(doc, rule.scope)
                ]
            allowed = {re.sub(r"\D", "", a) or a.lower() for a in rule.allow}
            for view, detections in cache[key]:
                for d in detections:
                    value = re.sub(r"\D", "", d.value) or d.value.lower()
                    if value in allowed or d.value.lower() in allowed:
                        continue
                    hits.append(Hit(rule, level, view.origin(d.start), view.origin_end(d.end)))
        return hits

    def unchanged_days(self, doc: Document, today: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day on which check(doc, day) finds what it finds on `today`."""
        first, last = dt.date.min, dt.date.max
        scopes = {(r.detector, r.scope) for r in self._detectors if r.level_for(doc.content_type)}
        for detector, scope in sorted(scopes):
            turning_days = DETECTORS[detector].turning_days
            texts = [v.text for v in self._detector_views(doc, scope)] if turning_days else []
            for day in (d for text in texts for d in turning_days(text)):
                if day <= today:
                    first = max(first, day)
                else:
                    last = min(last, day - dt.timedelta(days=1))
        return first, last

    def _removed_html(self, doc: Document, lines: Lines) -> list[Finding]:
        """`sanitiser` rules: each thing the site's allow-list removes from the rendered page (the
        sanitiser decides), where the writer wrote it, saying what it is."""
        rules = [(r, level) for r in self._sanitisers if (level := r.level_for(doc.content_type))]
        found = removed_html(doc.text, self.markdown, doc.meta) if rules else []
        findings = []
        for rule, level in rules:
            for at in found[:MAX_PER_RULE]:
                finding = self._finding(doc, lines, rule, level, at.start, at.end, "")
                findings.append(replace(finding, message=f"{rule.message}：{at.removal.what}"))
            if len(found) > MAX_PER_RULE:
                more = f"{rule.message}（还有 {len(found) - MAX_PER_RULE} 处，未逐一列出）"
                findings.append(replace(findings[-1], message=more, match=""))
        return findings

    def _document_rules(self, doc: Document, lines: Lines) -> list[Finding]:
        out = []
        for rule in self._documents:
            level = rule.level_for(doc.content_type)
            if level is None:
                continue
            if rule.type == "required":
                if rule.when is not None and not rule.when.search(normalise(doc.text).text):
                    continue
                value = doc.meta.get(rule.field_name)
                value = "" if value is None else shown_field(str(value)).strip()
                if value and (rule.pattern is None or rule.pattern.search(fold(value))):
                    continue
                offset = _key_offset(doc.text, rule.field_name)
                out.append(
                    self._finding(
                        doc, lines, rule, level, offset, offset + (len(value) if offset else 0), ""
                    )
                )
            elif not self._has_label(doc, rule):
                offset = _key_offset(doc.text, "title")
                out.append(self._finding(doc, lines, rule, level, offset, offset, ""))
        return out

    def _has_label(self, doc: Document, rule: Rule) -> bool:
        places = []
        if "title" in rule.where:
            places.append(shown_field(str(doc.meta.get("title") or "")))
        if "description" in rule.where:
            places.append(shown_field(str(doc.meta.get("description") or "")))
        if "first_line" in rule.where:
            body = prose_mask(doc.text)[body_start(doc.text) :]
            places.append(
                next(
                    (ln.strip(" \t" + MASK) for ln in body.splitlines() if ln.strip(" \t" + MASK)),
                    "",
                )
            )
        label = re.escape(rule.label)
        standalone = re.compile(rf"(?<![\u4e00-\u9fff]){label}(?![\u4e00-\u9fff])")
        return any(standalone.search(fold(p)) for p in places)

    def _finding(
        self,
        doc: Document,
        lines: Lines,
        rule: Rule,
        level: str,
        start: int,
        end: int,
        suggestion: str,
    ) -> Finding:
        finding = Finding.at(
            doc.path,
            doc.text,
            start,
            end,
            lines=lines,
            rule=rule.id,
            category=rule.category,
            level=level,
            message=rule.message,
            suggestion=suggestion or rule.suggestion,
            basis=rule.basis,
        )
        return replace(finding, reviewer=rule.reviewer) if level == "review" else finding


def _key_offset(text: str, key: str) -> int:
    """Offset of a front-matter key's value (or of the file's start when the key is absent)."""
    fm_end = body_start(text)
    m = re.compile(rf"^{re.escape(key)}[ \t]*:[ \t]*", re.M).search(lf(text), 0, fm_end)
    return m.end() if m else 0


@dataclass(frozen=True)
class _Part:
    """One top-level alternative of a rule's pattern, compiled for speed.

    `re` scans fast only for a pattern that starts with a character or a class; one that starts with
    a lookbehind is tried at every position. So a leading lookbehind is split off and checked at
    each candidate match instead (the same matches, found several times faster).
    """

    scan: re.Pattern
    lookbehind: re.Pattern | None
    anchors: tuple[str, ...]
    long_anchors: frozenset[str]  # looked up in the set the automaton found
    short_anchors: tuple[str, ...]  # single characters: `in` is as fast

    @classmethod
    def of(cls, pattern: re.Pattern) -> _Part:
        anchors = required_literals(pattern)
        split = (
            frozenset(a for a in anchors if len(a) > 1),
            tuple(a for a in anchors if len(a) == 1),
        )
        source = pattern.pattern
        if source.startswith(("(?<!", "(?<=")):
            end = closing_paren(source, 0)
            if 0 < end < len(source) - 1:
                try:
                    return cls(
                        re.compile(source[end + 1 :], pattern.flags),
                        re.compile(source[: end + 1], pattern.flags),
                        anchors,
                        *split,
                    )
                except re.error:
                    pass
        return cls(pattern, None, anchors, *split)

    def spans(self, text: str):
        if self.lookbehind is None:
            for m in self.scan.finditer(text):
                yield m.span()
            return
        pos = 0
        while (m := self.scan.search(text, pos)) is not None:
            if self.lookbehind.match(text, m.start()):
                yield m.span()
                pos = max(m.end(), m.start() + 1)
            else:
                pos = m.start() + 1


@dataclass(frozen=True)
class Hit:
    rule: Rule
    level: str
    start: int  # file offsets, half-open
    end: int
    suggestion: str = ""
    escalated: bool = False  # the clinic said it of itself (a rule's `escalate` window held)


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One finding per category and stretch of text: overlapping hits merge, keeping the strictest
    level."""
    hits = sorted(hits, key=lambda h: (h.rule.category, h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        last = kept[-1] if kept else None
        if last is None or last.rule.category != hit.rule.category or hit.start >= last.end:
            kept.append(hit)
            continue
        strict = min((last, hit), key=lambda h: LEVEL_ORDER[h.level])
        kept[-1] = Hit(
            strict.rule,
            strict.level,
            last.start,
            max(last.end, hit.end),
            last.suggestion or hit.suggestion,
            last.escalated or hit.escalated,
        )
    return kept


# -- the findings cache ---------------------------------------------------------------------------


class FindingsCache:
    """Findings keyed by rule-pack digest and file content: an unchanged file is never checked
    twice.

    Each entry also holds the days it is good for (Checker.unchanged_days): a check as of another
    day reuses it only where the findings would be the same (an ID number whose holder is born).

    Entries live in 256 shard files by key prefix under `root/<salt>/`, read on first use: checking
    one file reads one small shard, a cold run writes 256 files (not one per document). A new
    rule-pack digest starts a new folder; save() removes the old ones.
    """

    def __init__(self, root: Path | None, ruleset_digest: str):
        self.root, self.salt = (
            root,
            hashlib.sha256(f"{ENGINE_VERSION}:{ruleset_digest}".encode()).hexdigest()[:16],
        )
        self.used: set[str] = set()
        self.shards: dict[str, dict[str, list[dict]]] = {}
        self.dirty: set[str] = set()

    @property
    def folder(self) -> Path | None:
        return self.root / self.salt if self.root else None

    def key(self, doc: Document) -> str:
        h = hashlib.sha256(f"{doc.path}\0{doc.content_type}\0".encode())
        h.update(doc.text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()[:32]

    def _shard(self, key: str) -> dict[str, list[dict]]:
        name = key[:2]
        if name not in self.shards:
            self.shards[name] = {}
            if self.folder is not None:
                try:
                    self.shards[name] = json.loads(
                        (self.folder / f"{name}.json").read_text("utf-8")
                    )
                except (OSError, ValueError):
                    pass
        return self.shards[name]

    def preload(self) -> None:
        """Read every shard now (before forking workers that look findings up: checks/pool.py)."""
        if self.folder is not None and self.folder.is_dir():
            for shard in self.folder.glob("*.json"):
                self._shard(shard.stem)

    def get(self, doc: Document, today: dt.date) -> list[Finding] | None:
        key = self.key(doc)
        self.used.add(key)
        found = self._shard(key).get(key)
        try:
            if found is None or not found["first"] <= today.isoformat() <= found["last"]:
                return None
            return [Finding(**f) for f in found["findings"]]
        except (TypeError, KeyError):  # written by another version
            return None

    def put(self, doc: Document, findings: list[Finding], days: tuple[dt.date, dt.date]) -> None:
        self.put_entry(*self.entry(doc, findings, days))

    def entry(
        self, doc: Document, findings: list[Finding], days: tuple[dt.date, dt.date]
    ) -> tuple[str, dict]:
        """The key and the entry `put` stores (a worker process makes them: checks/pool.py)."""
        return self.key(doc), {
            "first": days[0].isoformat(),
            "last": days[1].isoformat(),
            "findings": [f.to_dict() for f in findings],
        }

    def put_entry(self, key: str, entry: dict) -> None:
        self._shard(key)[key] = entry
        self.dirty.add(key[:2])

    def save(self, prune: bool = False) -> None:
        """Write what changed; drop other rule packs' folders and, with `prune`, entries this run
        did not use."""
        if self.folder is None:
            return
        if prune:
            for name in (
                [f.stem for f in self.folder.glob("*.json")] if self.folder.is_dir() else []
            ):
                shard = self._shard(name + "0" * 30)
                stale = [k for k in shard if k not in self.used]
                for k in stale:
                    del shard[k]
                if stale:
                    self.dirty.add(name)
        if not self.dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for other in self.root.iterdir():
                if other.is_dir() and other.name != self.salt:
                    shutil.rmtree(other, ignore_errors=True)
            for name in self.dirty:
                write_atomically(
                    self.folder / f"{name}.json", json.dumps(self.shards[name], ensure_ascii=False)
                )
            self.dirty.clear()
        except OSError:
            pass  # a cache that cannot be written only costs time


def check_cached(
    checker: Checker, doc: Document, today: dt.date, cache: FindingsCache | None
) -> list[Finding]:
    found = cache.get(doc, today) if cache else None
    if found is None:
        found = checker.check(doc, today)
        if cache:
            cache.put(doc, found, checker.unchanged_days(doc, today))
    return found
