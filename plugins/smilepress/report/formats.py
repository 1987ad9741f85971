"""Compliance findings for people and for machines: text like a compiler's, JSON, GitHub
annotations, SARIF."""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections import Counter
from urllib.parse import quote

from ..checks.rule_packs import CATEGORIES, Rule
from ..model.findings import Finding

FORMATS = ("text", "json", "github", "sarif", "codequality")
LEVEL_NAMES = {"error": "错误", "review": "需审核", "warning": "警告", "info": "提示"}
LIVE_LEVELS = ("error", "review", "warning")  # what a reviewer is shown (info is advice)
JSON_FIELDS = (
    "rule",
    "category",
    "level",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "match",
    "message",
    "suggestion",
    "basis",
    "waived",
    "waiver",
    "reviewer",
)


# What would make a writer's text markup inside generated Markdown: a link or picture ([…](…)), an
# attribute list ({…}), and the backslash that could undo the escapes.
_MARKDOWN_MARKUP = re.compile(r"([\\\[\]{}])")


def markdown_text(value: str) -> str:
    """A writer's text (a title, a waiver's reason, a finding's message) as plain text inside
    Markdown SmilePress generates: HTML characters as entities, no link, picture or attribute
    list. Generated pages are not sanitised (view/sanitise.py is for writers' pages)."""
    return _MARKDOWN_MARKUP.sub(r"\\\1", html.escape(value, quote=False))


def _width(text: str) -> int:
    """Terminal columns: Han characters and full-width forms take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _underline(line_text: str, f: Finding) -> str:
    start = f.column - 1
    end = f.end_column - 1 if f.end_line == f.line and f.end_column > f.column else len(line_text)
    return " " * _width(line_text[:start].replace("\t", " ")) + "^" * max(
        1, _width(line_text[start:end])
    )


def text_report(findings: list[Finding], sources: dict[str, str]) -> str:
    out = []
    for f in findings:
        level = "已豁免" if f.waived else LEVEL_NAMES[f.level]
        out.append(f"{f.path}:{f.line}:{f.column}: {level} [{f.rule}] {f.message}")
        lines = sources.get(f.path, "").splitlines()
        if f.match and 0 < f.line <= len(lines):
            source_line = lines[f.line - 1]
            out.append(f"    {source_line}")
            out.append(f"    {_underline(source_line, f)}")
        if f.suggestion:
            out.append(f"    建议：{f.suggestion}")
        out.append(f"    依据：{f.basis}")
        if f.needs_review:
            out.append(f"    审核：不阻止发布，但本文需要 {f.reviewer} 角色批准")
        if f.waiver:
            out.append(f"    豁免：{f.waiver}")
    out.append(summary(findings))
    return "\n".join(out)


def summary(findings: list[Finding]) -> str:
    live = [f for f in findings if not f.waived]
    counts = Counter(f.level for f in live)
    files = len({f.path for f in live if f.level == "error"})
    head = (
        f"合规检查：{counts['error']} 个错误（{files} 个文件），{counts['review']} 处需审核，"
        f"{counts['warning']} 个警告，{counts['info']} 个提示，{len(findings) - len(live)} 处已豁免"
    )
    by_category = Counter(f.category for f in live if f.level != "info")
    if not by_category:
        return head
    order = {c: i for i, c in enumerate((*CATEGORIES, "waiver"))}
    return (
        head
        + "\n按类别："
        + "，".join(
            f"{c} {n}" for c, n in sorted(by_category.items(), key=lambda kv: order.get(kv[0], 99))
        )
    )


def json_report(findings: list[Finding]) -> str:
    return json.dumps(
        [{k: getattr(f, k) for k in JSON_FIELDS} for f in findings], ensure_ascii=False, indent=2
    )


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github_report(findings: list[Finding]) -> str:
    """Workflow commands: each finding shows on its line of the pull request."""
    kinds = {"error": "error", "review": "notice", "warning": "warning", "info": "notice"}
    out = []
    for f in findings:
        if f.waived:
            continue
        props = (
            f"file={_escape(f.path, True)},line={f.line},col={f.column},"
            f"endLine={f.end_line},endColumn={f.end_column}"
        )
        text = f.message + (f"（建议：{f.suggestion}）" if f.suggestion else "") + f"［{f.basis}］"
        out.append(f"::{kinds[f.level]} {props},title={_escape(f.rule, True)}::{_escape(text)}")
    return "\n".join(out)


# Characters left as they are in a SARIF artifact URI: RFC 3986's unreserved set (quote keeps
# letters, digits and "_.-~") and the path separator. Everything else, Chinese characters and spaces
# included, is percent-encoded as UTF-8, or the multitool refuses the URI (SARIF1002).
def sarif_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (RFC 3986)."""
    return quote(path, safe="/")


def _sarif_help(message: str, basis: str, suggestion: str) -> dict:
    """What a code-scanning dashboard shows under "Rule help": the rule's message, why (its legal
    basis) and what to write instead."""
    lines = [message]
    if basis:
        lines.append(f"依据：{basis}")
    if suggestion:
        lines.append(f"建议：{suggestion}")
    return {"text": "\n".join(lines)}


def _sarif_rule(rid: str, rule: Rule | None, example: Finding) -> dict:
    """A rule's descriptor; a check without a rule pack entry (file problems, originality) is
    described by its first finding."""
    levels = {"error": "error", "review": "note", "warning": "warning", "info": "note"}
    message = rule.message if rule else example.message
    basis = rule.basis if rule else example.basis
    suggestion = (rule.suggestion if rule else "") or example.suggestion
    category = rule.category if rule else example.category
    level = rule.level if rule else example.level
    entry = {
        "id": rid,
        "name": "".join(w.capitalize() for w in re.split(r"[^0-9A-Za-z]+", rid) if w),
        "shortDescription": {"text": message},
        "fullDescription": {"text": f"{message}。依据：{basis}" if basis else message},
        "help": _sarif_help(message, basis, suggestion),
        "defaultConfiguration": {"level": levels.get(level, "warning")},
        "properties": {"category": category, "tags": [category]},
    }
    if rule and rule.reviewer:
        entry["properties"]["reviewer"] = rule.reviewer
    return entry


def sarif_report(
    findings: list[Finding],
    rules: dict[str, Rule],
    *,
    version: str = "",
    information_uri: str = "",
) -> str:
    """SARIF 2.1.0, for code-scanning dashboards. `version`: SmilePress's; `information_uri`: an
    absolute URI where a reader learns about the tool (the repository's README)."""
    first = {}
    for f in findings:
        first.setdefault(f.rule, f)
    used = sorted(first)
    index = {rid: i for i, rid in enumerate(used)}
    levels = {"error": "error", "review": "note", "warning": "warning", "info": "note"}

    results = []
    for f in findings:
        properties = {"category": f.category, "basis": f.basis}
        if f.reviewer:
            properties["reviewer"] = f.reviewer
        result = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": levels[f.level],
            "message": {"text": f.message + (f"（建议：{f.suggestion}）" if f.suggestion else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": sarif_uri(f.path)},
                        "region": {
                            "startLine": max(1, f.line),
                            "startColumn": max(1, f.column),
                            "endLine": max(1, f.end_line),
                            "endColumn": max(1, f.end_column),
                            **({"snippet": {"text": f.match}} if f.match else {}),
                        },
                    }
                }
            ],
            "properties": properties,
        }
        if f.waiver:
            result["suppressions"] = [
                {
                    "kind": "inSource",
                    "status": "accepted" if f.waived else "underReview",
                    "justification": f.waiver,
                }
            ]
        results.append(result)
    driver = {"name": "SmilePress"}
    if version:
        driver["version"] = version
    if information_uri:
        driver["informationUri"] = information_uri
    driver["rules"] = [_sarif_rule(r, rules.get(r), first[r]) for r in used]
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": driver}, "results": results, "columnKind": "unicodeCodePoints"}
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2)


def codequality_report(findings: list[Finding]) -> str:
    """GitLab's Code Quality report (a subset of Code Climate's format): the merge request shows
    each finding on its line. A waived finding is left out (GitLab has no suppressions). The
    fingerprint follows the finding, not its line, so an edit above it does not make it new."""
    severities = {"error": "critical", "review": "major", "warning": "minor", "info": "info"}
    seen: Counter = Counter()
    issues = []
    for f in findings:
        if f.waived:
            continue
        key = (f.rule, f.path, f.match or f.message)
        seen[key] += 1
        fingerprint = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8")).hexdigest()
        issues.append(
            {
                "type": "issue",
                "check_name": f.rule,
                "description": f"{f.message}"
                + (f"（建议：{f.suggestion}）" if f.suggestion else "")
                + (f"［{f.basis}］" if f.basis else ""),
                "categories": ["Style"],
                "severity": severities[f.level],
                "fingerprint": fingerprint,
                "location": {"path": f.path, "lines": {"begin": max(1, f.line)}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2)


def render(
    findings: list[Finding],
    fmt: str,
    sources: dict[str, str],
    rules: dict[str, Rule],
    *,
    tool: dict[str, str] | None = None,
) -> str:
    """`tool`: SARIF's `version` and `information_uri` of SmilePress."""
    if fmt == "json":
        return json_report(findings)
    if fmt == "github":
        return github_report(findings)
    if fmt == "sarif":
        return sarif_report(findings, rules, **(tool or {}))
    if fmt == "codequality":
        return codequality_report(findings)
    return text_report(findings, sources)


# -- the preview: a summary box on top of the page, each finding marked where it occurs ------------

_TAG_OR_TEXT = re.compile(r"(<[^>]+>)")


def findings_box(review) -> str:
    """HTML summary of a page's findings and waivers, shown above the page in the preview."""
    findings = [f for f in review.findings if f.level != "info" or f.waiver]
    if not findings:
        return (
            '<div class="smilepress-findings smilepress-clean" role="note">'
            "<p><strong>合规检查：未发现问题</strong></p></div>"
        )
    live = [f for f in findings if not f.waived]
    errors = sum(1 for f in live if f.level == "error")
    items = []
    for f in findings:
        label = "已豁免" if f.waived else LEVEL_NAMES[f.level]
        text = f"第 {f.line} 行 · {label} · {f.message}" + (f"：“{f.match}”" if f.match else "")
        if f.suggestion:
            text += f"（建议：{f.suggestion}）"
        if f.waiver:
            text += f" —— {f.waiver}"
        css = ' class="smilepress-waived"' if f.waived else ""
        items.append(f"<li{css}>{html.escape(text)}</li>")
    head = (
        f"合规检查：{errors} 个错误，{len(live) - errors} 个警告，"
        f"{len(findings) - len(live)} 处已豁免"
    )
    if errors:
        head += "（有错误的文章不会发布）"
    return (
        f'<div class="smilepress-findings" role="note"><p><strong>{html.escape(head)}</strong></p>'
        f"<ul>{''.join(items)}</ul></div>"
    )


def highlight(page_html: str, findings) -> str:
    """Wrap the first not yet marked occurrence of each finding's text in a <mark> with its message.

    Rendering changes the text (emphasis, entities), so a match that no longer appears verbatim in
    one text node is left unmarked; the summary box above the page still lists it.
    """
    parts = _TAG_OR_TEXT.split(page_html)
    done: dict[int, int] = {}  # part index -> offset after the last mark in it
    for f in findings:
        if not f.match or f.level == "info":
            continue
        needle = html.escape(f.match, quote=False)
        for i in range(0, len(parts), 2):
            part = parts[i]
            at = part.find(needle, done.get(i, 0))
            if at == -1:
                continue
            css = f"smilepress-finding smilepress-{'waived' if f.waived else f.level}"
            title = html.escape(
                f"[{f.rule}] {f.message}" + (f"（建议：{f.suggestion}）" if f.suggestion else ""),
                quote=True,
            )
            mark = f'<mark class="{css}" title="{title}">{needle}</mark>'
            parts[i] = part[:at] + mark + part[at + len(needle) :]
            done[i] = at + len(mark)
            break
    return "".join(parts)
