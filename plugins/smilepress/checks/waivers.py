"""Waivers: a writer turns a rule off for part of a file, in the file, with a reason a reviewer
reads.

    <!-- smilepress-disable RULE[, RULE…] -- 理由 [until 2027-03-31] -->
    …
    <!-- smilepress-enable RULE -->
    <!-- smilepress-disable-line RULE -- 理由 -->   (this line; alone on its line: the next line)

RULE is a rule id or a category. A waiver without a reason is itself an error. A waiver of an
error-level finding counts only once someone holding the rule's `reviewer` role (compliance by
default) has approved the article: the approval's digest covers the body, so it covers the waiver's
text too. After its `until` date a waiver no longer counts. Every waiver is reported, counted or
not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..load.markdown import Lines
from ..model.findings import Finding, with_waiver
from .rule_packs import CATEGORIES, Rule

_WAIVER = re.compile(r"<!--\s*smilepress-(disable-line|disable|enable)\b(.*?)-->", re.S)
_UNTIL = re.compile(r"(?:until|到期|有效期至|截至|至)\s*[:：]?\s*(\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class Waiver:
    targets: tuple[str, ...]  # rule ids or categories
    reason: str
    until: dt.date | None
    line: int  # where the comment is
    first: int  # first line it covers
    last: int  # last line it covers (inclusive)

    def covers(self, finding: Finding) -> bool:
        return (
            finding.rule in self.targets or finding.category in self.targets
        ) and self.first <= finding.line <= self.last

    def describe(self) -> str:
        span = (
            f"第 {self.first} 行" if self.first == self.last else f"第 {self.first}–{self.last} 行"
        )
        until = f"，有效期至 {self.until.isoformat()}" if self.until else ""
        return f"豁免 {', '.join(self.targets)}（{span}{until}）：{self.reason or '（未写理由）'}"


def _finding(path: str, line: int, level: str, rule: str, message: str, suggestion: str) -> Finding:
    return Finding.on_line(
        path,
        line,
        rule=rule,
        category="waiver",
        level=level,
        message=message,
        suggestion=suggestion,
        basis="SmilePress 豁免规则",
    )


def parse_waivers(text: str, path: str, known: set[str]) -> tuple[list[Waiver], list[Finding]]:
    """The waivers in a file, and findings about malformed ones."""
    lines = Lines(text)
    waivers: list[Waiver] = []
    problems: list[Finding] = []
    open_regions: dict[
        str, tuple[int, str, dt.date | None, int]
    ] = {}  # target -> (first line, reason, until, comment line)
    for m in _WAIVER.finditer(text):
        kind, rest = m.group(1), m.group(2).strip()
        line, _ = lines.position(m.start())
        end_line, _ = lines.position(m.end())
        targets_text, _, reason = rest.partition("--")
        targets = tuple(t for t in re.split(r"[\s,，]+", targets_text.strip()) if t)
        reason = reason.strip()
        until = None
        if u := _UNTIL.search(reason):
            try:
                until = dt.date.fromisoformat(u.group(1))
            except ValueError:
                problems.append(
                    _finding(
                        path,
                        line,
                        "error",
                        "waiver/bad-date",
                        f"豁免的到期日期 {u.group(1)} 无效",
                        "写成 until YYYY-MM-DD",
                    )
                )
            reason = reason[: u.start()].strip(" ，,;；")
        if not targets:
            problems.append(
                _finding(
                    path,
                    line,
                    "error",
                    "waiver/no-rule",
                    "豁免没有写要关闭的规则",
                    "写成 <!-- smilepress-disable 规则id -- 理由 -->",
                )
            )
            continue
        unknown = [t for t in targets if t not in known and t not in CATEGORIES]
        if unknown:  # one message per comment, however many names it got wrong
            more = f" 等 {len(unknown)} 个" if len(unknown) > 5 else ""
            problems.append(
                _finding(
                    path,
                    line,
                    "warning",
                    "waiver/unknown-rule",
                    f"豁免中的规则 {'、'.join(unknown[:5])}{more}不存在",
                    "检查拼写；`smilepress check --format json` 的 rule 字段就是规则 id",
                )
            )
        if kind == "enable":
            for t in targets:
                if t in open_regions:
                    first, why, date, at = open_regions.pop(t)
                    waivers.append(Waiver((t,), why, date, at, first, line))
            continue
        if not reason:
            problems.append(
                _finding(
                    path,
                    line,
                    "error",
                    "waiver/no-reason",
                    "豁免没有写理由，不生效",
                    "在规则后写“-- 理由”，例如 "
                    "<!-- smilepress-disable ad-law/superlative -- 引用指南原文 -->",
                )
            )
            continue
        if kind == "disable-line":
            alone = (
                not text[lines.starts[line - 1] : m.start()].strip()
                and not lines.line_text(end_line)[m.end() - lines.starts[end_line - 1] :].strip()
            )
            target_line = _next_content_line(lines, end_line) if alone else line
            waivers.append(Waiver(targets, reason, until, line, target_line, target_line))
        else:
            for t in targets:
                open_regions[t] = (end_line, reason, until, line)
    for t, (first, why, date, at) in open_regions.items():
        waivers.append(Waiver((t,), why, date, at, first, len(lines.starts)))
    return waivers, problems


def _next_content_line(lines: Lines, after: int) -> int:
    for number in range(after + 1, len(lines.starts) + 1):
        if lines.line_text(number).strip():
            return number
    return after


def apply_waivers(
    findings: list[Finding],
    waivers: list[Waiver],
    rules: dict[str, Rule],
    approved_roles: set[str],
    today: dt.date,
    role_names: dict[str, str],
) -> list[Finding]:
    """Findings with their waivers: `waived` only when the waiver counts."""
    out = []
    for f in findings:
        waiver = next((w for w in waivers if w.covers(f)), None)
        if waiver is None:
            out.append(f)
            continue
        rule = rules.get(f.rule)
        if f.level == "review":  # the reviewer's approval is the answer, not a waiver
            role = role_names.get(f.reviewer, f.reviewer)
            note = f"{waiver.describe()}——需审核的内容不能豁免，由“{role}”批准本文即可"
            out.append(with_waiver(f, note, False))
        elif waiver.until and waiver.until < today:
            out.append(
                with_waiver(
                    f, f"{waiver.describe()}——已于 {waiver.until.isoformat()} 过期，不再生效", False
                )
            )
        elif f.level == "error" and (rule.reviewer if rule else "compliance") not in approved_roles:
            role_id = rule.reviewer if rule else "compliance"  # checks without a rule pack
            role = role_names.get(role_id, role_id)
            out.append(with_waiver(f, f"{waiver.describe()}——需要“{role}”批准本文后才生效", False))
        else:
            out.append(with_waiver(f, waiver.describe(), True))
    return out
