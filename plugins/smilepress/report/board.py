"""The editorial board: every article by status, on main and on the `content/<slug>` branches where
articles in progress live before they are merged, with what each waits for and for how long.
"""
from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import asdict, dataclass

from ..model.article import parse_article
from ..project import Project

BRANCH_PREFIX = "content/"


@dataclass(frozen=True)
class Item:
    path: str
    title: str
    type: str
    status: str
    authors: tuple[str, ...]
    branch: str            # "" = the current branch (main)
    waiting_for: tuple[str, ...]   # role names whose approval is still missing
    since: str             # date of the last change to the file on its branch (YYYY-MM-DD)
    days: int              # days since then, as of the project's today

    def as_dict(self) -> dict:
        return asdict(self)


def _git(project: Project, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=project.root, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else ""


def _since(project: Project, ref: str, path: str) -> tuple[str, int]:
    stamp = _git(project, "log", "-1", "--format=%aI", ref, "--", path).strip()
    if not stamp:
        return "", 0
    day = dt.datetime.fromisoformat(stamp).date()
    return day.isoformat(), (project.today - day).days


def items(project: Project) -> list[Item]:
    """Articles of the current branch, then those a `content/…` branch adds or changes."""
    p = project.policies
    out = []
    for entry in project.entries:
        a = entry.article
        since, days = _since(project, "HEAD", a.path)
        out.append(Item(a.path, a.display_title, a.type, a.status, a.authors, "",
                        tuple(p.role_name(r) for r in entry.approvals.missing), since, days))
    content = project.content_root.relative_to(project.root).as_posix()
    current = _git(project, "rev-parse", "--abbrev-ref", "HEAD").strip()
    for branch in _git(project, "for-each-ref", "--format=%(refname:short)", f"refs/heads/{BRANCH_PREFIX}").split():
        if branch == current:
            continue
        for rel in _git(project, "diff", "--name-only", "--diff-filter=AMR", f"HEAD...{branch}", "--", content).split():
            if not rel.endswith(".md"):
                continue
            text = _git(project, "show", f"{branch}:{rel}")
            a = parse_article(text, rel, rel[len(content) + 1:], p)
            rule = p.types.get(a.type)
            recorded = {x.role for x in a.approvals}   # on a branch: recorded, proven once merged
            waiting = tuple(p.role_name(r) for r in (rule.approvals if rule else ()) if r not in recorded)
            since, days = _since(project, branch, rel)
            out.append(Item(rel, a.display_title, a.type, a.status, a.authors, branch, waiting, since, days))
    return out


def render(project: Project, found: list[Item]) -> str:
    p = project.policies
    lines = []
    for state, name in p.states.items():
        column = [i for i in found if i.status == state]
        lines.append(f"{name}（{len(column)}）")
        for i in sorted(column, key=lambda i: -i.days):
            where = f" ［分支 {i.branch}］" if i.branch else ""
            wait = f"  等待：{'、'.join(i.waiting_for)}（{i.days} 天）" if i.waiting_for and state not in ("published", "archived") else ""
            kind = p.types[i.type].name if i.type in p.types else i.type
            lines.append(f"  {kind} {i.title} — {i.path}{where}{wait}")
    return "\n".join(lines)


# -- the editorial pages of the internal site ---------------------------------------------------------

def _row(p, i: Item) -> str:
    kind = p.types[i.type].name if i.type in p.types else i.type
    where = f"`{i.branch}`" if i.branch else "main"
    return f"| {i.title} | {kind} | {p.states.get(i.status, i.status)} | {where} | {'、'.join(i.waiting_for) or '—'} | {i.days} |"


def pages(project: Project) -> dict[str, str]:
    """src_uri -> Markdown: the board, the review queue, the calendar and the compliance summary."""
    p = project.policies
    found = items(project)
    head = "| 文章 | 类型 | 状态 | 分支 | 等待 | 天数 |\n|---|---|---|---|---|---|\n"
    board = ["# 编辑看板", "", f"截至 {project.today.isoformat()}；进行中的文章也从 `content/…` 分支读取。", ""]
    for state, name in p.states.items():
        column = [i for i in found if i.status == state]
        board += [f"## {name}（{len(column)}）", "", head + "\n".join(_row(p, i) for i in column) if column else "（无）", ""]
    queue = ["# 审核队列", "", "谁在等：每个角色（以及担任它的人）要批准的文章，等得最久的在前。", ""]
    for role, role_name in p.roles.items():
        waiting = sorted((i for i in found if role_name in i.waiting_for and i.status == "review"), key=lambda i: -i.days)
        holders = "、".join(x.name for x in p.holders(role)) or "无人担任"
        queue += [f"## {role_name}（{holders}）", "", head + "\n".join(_row(p, i) for i in waiting) if waiting else "（无）", ""]
    calendar = ["# 内容日历", "", "按发布日期（publish_date）排列；未到日期或未发布的为计划。", ""]
    dated = sorted((e for e in project.entries if e.article.publish_date), key=lambda e: e.article.publish_date)
    for month in sorted({e.article.publish_date.strftime("%Y-%m") for e in dated}):
        calendar += [f"## {month}", ""]
        for e in dated:
            a = e.article
            if a.publish_date.strftime("%Y-%m") == month:
                done = a.status == "published" and a.publish_date <= project.today
                calendar.append(f"- {a.publish_date.isoformat()} {'已发布' if done else '计划'}：{a.display_title}"
                                f"（{p.states.get(a.status, a.status)}）")
        calendar.append("")
    counts: dict[str, int] = {}
    waivers = []
    for e in project.entries:
        for f in e.review.findings:
            if f.level in ("error", "warning") and not f.waived:
                counts[f.category] = counts.get(f.category, 0) + 1
        waivers += [f"- `{e.article.path}`：{w.describe()}" for w in e.review.waivers]
    compliance = ["# 合规检查汇总", "", "| 类别 | 未豁免的问题 |", "|---|---|"]
    compliance += [f"| {c} | {n} |" for c, n in sorted(counts.items(), key=lambda kv: -kv[1])] or ["| （无） | 0 |"]
    compliance += ["", "## 豁免（含理由）", "", *(waivers or ["（无）"]), ""]
    return {"editorial/index.md": "\n".join(board), "editorial/queue.md": "\n".join(queue),
            "editorial/calendar.md": "\n".join(calendar), "editorial/compliance.md": "\n".join(compliance)}
