"""The review summary a bot posts on a pull request: what changed, who must still approve, what the
checks found, and a character-level diff of each article since it was last approved (Chinese has no
spaces between words, so a line diff shows a reviewer nothing useful).
"""

from __future__ import annotations

import difflib
import html
import os
import re
from collections import Counter

from ..load import git
from ..load.front_matter import split
from ..load.git import GitError
from ..project import Project
from .audit_trail import stale_since
from .formats import LEVEL_NAMES, LIVE_LEVELS, markdown_text

_STATUS = re.compile(r"^status:\s*['\"]?([\w-]+)", re.M)
CONTEXT = 12  # unchanged characters shown around each change


def _body(text: str | None, path: str) -> str:
    if text is None:
        return ""
    parts, _ = split(text, path)
    return text if parts is None else parts.body


def char_diff(old: str, new: str, context: int = CONTEXT) -> str:
    """Changes as <del>/<ins>, with a little unchanged text around each, one change per line."""
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = old[max(0, i1 - context) : i1].replace("\n", "⏎")
        after = old[i2 : i2 + context].replace("\n", "⏎")
        removed = f"<del>{html.escape(old[i1:i2])}</del>" if i2 > i1 else ""
        added = f"<ins>{html.escape(new[j1:j2])}</ins>" if j2 > j1 else ""
        out.append(
            f"…{html.escape(before)}{removed}{added}{html.escape(after)}…".replace("\n", "⏎")
        )
    return "\n".join(f"- {line}" for line in out) or "- （正文没有改动）"


def _last_approved_text(project: Project, entry) -> tuple[str | None, str]:
    """The article's text when it was last approved (by any approval git proves), and which
    commit."""
    best = None
    for verdict in entry.approvals.verdicts:
        commit = verdict.commit
        if commit and (best is None or commit.date > best.date):
            best = commit
    if best is None:
        return None, ""
    return project.history.file_at(best, entry.article.path), best.short


STALE = "批准后正文或附件（图片、授权说明、链接文件）有改动"


def _lapsed(project: Project, entry) -> list[str]:
    """A line for each approval that no longer counts because what it approved changed (and, where
    git tells, whether the text or an asset changed), or because it predates the digest version."""
    p, out = project.policies, []
    for v in entry.approvals.verdicts:
        if v.code == "old-digest":
            out.append(f"- 需重新批准：{v.reason}")
        elif v.code == "stale":
            person = p.people.get(v.approval.by)
            who = f"{person.name if person else v.approval.by}（{p.role_name(v.approval.role)}）"
            why = (
                f"：{stale_since(project, entry.article, v.approval)}"
                if project.history.available
                else ""
            )
            out.append(f"- 已失效的批准：{who}{STALE}{why}")
    return out


def review_summary(project: Project, base: str) -> str:
    content = project.content_root.relative_to(project.root).as_posix()
    try:
        names = git.run(
            project.root,
            "diff",
            "--name-only",
            "-z",  # names as they are (a picture may well have a Chinese name), NUL-separated
            "--no-renames",  # a renamed picture: the old name is gone, the new one is added
            "--diff-filter=AMD",
            f"{base}...HEAD",
            "--",
            content,
        )
    except GitError:
        return f"无法与 {base} 比较：请确认分支存在，且 CI 取了完整历史（fetch-depth: 0）"
    changed = [n for n in names.split("\0") if n]
    paths = [p for p in changed if p.endswith(".md")]
    # An article whose pictures, licence sidecars or linked files changed is reviewed too.
    files = {n[len(content) + 1 :] for n in changed if not n.endswith(".md")}
    touched = (
        {a.path: [x.path for x in a.assets if x.path in files] for a in project.articles}
        if files
        else {}
    )
    paths += [rel for rel, hit in touched.items() if hit and rel not in paths]
    p = project.policies
    lines = [f"## SmilePress 审核摘要（相对 {base}）", ""]
    if not paths:
        return "\n".join(lines + ["本次改动没有涉及文章。"])
    for rel in paths:
        path = project.root / rel
        if not os.path.lexists(path):  # deleted; anything else there is loaded and says what it is
            continue
        entry = project.entry(project.load(path))
        a = entry.article
        try:
            base_text = git.run(project.root, "show", f"{base}:{rel}")
        except GitError:  # not in the base: a new article
            base_text = None
        before = (
            _STATUS.search(base_text).group(1) if base_text and _STATUS.search(base_text) else None
        )
        lines.append(f"### `{rel}` {a.display_title}")
        lines.append(
            f"- 状态：{p.states.get(before, before) if before else '（新文章）'} → "
            f"{p.states.get(a.status, a.status)}"
        )
        counted = [
            f"{p.people[v.approval.by].name}（{p.role_name(v.approval.role)}）"
            for v in entry.approvals.verdicts
            if v.counts and v.approval.by in p.people
        ]
        lines.append("- 有效批准：" + ("、".join(counted) or "无"))
        lines += _lapsed(project, entry)
        if touched.get(rel):
            lines.append("- 本次改动的附件：" + "、".join(f"`{x}`" for x in touched[rel]))
        if entry.approvals.missing:
            wanted = []
            for r in entry.approvals.missing:
                holders = "、".join(x.name for x in p.holders(r) if x.id not in a.authors)
                why = entry.approvals.why_needed(r)
                why = f"，因为检查发现需审核的内容：{markdown_text(why)}" if why else ""
                wanted.append(f"{p.role_name(r)}（{holders or '无人担任'}{why}）")
            lines.append("- 还需批准：" + "；".join(wanted))
        review = entry.review
        live = [f for f in review.findings if not f.waived and f.level in LIVE_LEVELS]
        if live:
            counts = Counter((LIVE_LEVELS.index(f.level), f.category) for f in live)
            lines.append(
                "- 检查发现："
                + "，".join(
                    f"{LEVEL_NAMES[LIVE_LEVELS[lv]]} {c} ×{n}"
                    for (lv, c), n in sorted(counts.items())
                )
            )
        else:
            lines.append("- 检查发现：无")
        for w in review.waivers:
            lines.append(f"- 豁免：{w.describe()}")
        approved_text, commit = _last_approved_text(project, entry)
        old = _body(approved_text if approved_text is not None else base_text, rel)
        since = f"上次批准（{commit}）" if commit else (f"{base}" if base_text else "空白")
        lines.append(f"- 自{since}以来正文的改动（逐字）：")
        lines.append(char_diff(old, a.body))
        lines.append("")
    return "\n".join(lines)
