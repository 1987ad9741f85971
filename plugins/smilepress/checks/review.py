"""The compliance review of one article: its findings, its waivers, what keeps it off the sites."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model.findings import Finding, clipped
from .engine import Checker, Document, FindingsCache, check_cached
from .waivers import Waiver, apply_waivers, parse_waivers


@dataclass(frozen=True)
class Review:
    findings: tuple[Finding, ...]  # waived ones included, marked
    waivers: tuple[Waiver, ...]
    pending_roles: frozenset[str] = (
        frozenset()
    )  # roles whose approval would make a waiver of an error count

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def routes(self) -> dict[str, tuple[Finding, ...]]:
        """The roles whose approval the review findings add, each with the findings that need it."""
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            if f.needs_review:
                out.setdefault(f.reviewer, []).append(f)
        return {role: tuple(found) for role, found in out.items()}

    def routing(self) -> tuple[tuple[str, str], ...]:
        """(role, why) for each role the review findings add: why names the first finding."""
        out = []
        for role, found in self.routes.items():
            f = found[0]
            more = f"等 {len(found)} 处" if len(found) > 1 else ""
            where = f"第 {f.line} 行「{clipped(f.match, 40)}」{more}"
            out.append((role, f"{where}：{f.message}（{f.rule}）"))
        return tuple(out)

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "review": 0, "warning": 0, "info": 0, "waived": 0}
        for f in self.findings:
            out["waived" if f.waived else f.level] += 1
        return out


def review(
    checker: Checker,
    doc: Document,
    approved_roles: set[str],
    today: dt.date,
    role_names: dict[str, str],
    cache: FindingsCache | None = None,
    more: list[Finding] | tuple[Finding, ...] = (),
    more_rules: tuple[str, ...] = (),
) -> Review:
    """`more`: findings of other checks (originality, images, captions), treated alike by waivers
    and gate. A waiver in the article covers the article's lines only: a finding in another file
    (a picture's sidecar) has none."""
    found = check_cached(checker, doc, today, cache) + list(more)
    rules = checker.ruleset.by_id
    waivers, problems = parse_waivers(doc.text, doc.path, set(rules) | set(more_rules))
    own = [f for f in found if f.path == doc.path]
    elsewhere = [f for f in found if f.path != doc.path]
    found = apply_waivers(own, waivers, rules, approved_roles, today, role_names) + elsewhere
    pending = frozenset(
        rules[f.rule].reviewer if f.rule in rules else "compliance"
        for f in found
        if f.waiver and not f.waived and f.level == "error"
    )
    return Review(
        tuple(sorted(problems + found, key=lambda f: (f.line, f.column))), tuple(waivers), pending
    )
