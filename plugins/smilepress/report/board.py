"""The editorial board: every article by status, on main and on the `content/<slug>` branches where
articles in progress live before they are merged, with what each waits for and for how long.

`items` collects it; `render` prints it for `smilepress board`; pages/editorial.py makes it pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ..load import git
from ..load.git import GitError
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
    branch: str  # "" = the current branch (main)
    waiting_for: tuple[str, ...]  # role names whose approval is still missing
    since: str  # date of the last change to the file on its branch (YYYY-MM-DD)
    days: int  # days since then, as of the project's today
    routed: tuple[str, ...] = ()  # why the checks added a missing role: "角色：第 N 行…"

    def as_dict(self) -> dict:
        return asdict(self)


def _since(project: Project, ref: str, path: str) -> tuple[str, int]:
    try:
        stamp = git.run(project.root, "log", "-1", "--format=%aI", ref, "--", path).strip()
    except GitError:  # no git history: no date
        stamp = ""
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
        out.append(
            Item(
                a.path,
                a.display_title,
                a.type,
                a.status,
                a.authors,
                "",
                tuple(p.role_name(r) for r in entry.approvals.missing),
                since,
                days,
                tuple(
                    f"{p.role_name(role)}：{why}"
                    for role, why in entry.approvals.routed
                    if role in entry.approvals.missing
                ),
            )
        )
    content = project.content_root.relative_to(project.root).as_posix()
    root = project.root
    try:
        current = git.rev_parse(root, "--abbrev-ref", "HEAD")
        branches = git.run(
            root, "for-each-ref", "--format=%(refname:short)", f"refs/heads/{BRANCH_PREFIX}"
        ).split()
    except GitError:  # not a repository, or no commit yet: only the files on disk
        current, branches = "", []
    for branch in branches:
        if branch == current:
            continue
        try:
            changed = git.run(
                root, "diff", "--name-only", "--diff-filter=AMR", f"HEAD...{branch}", "--", content
            ).split()
        except GitError:  # no common history with the current branch: nothing to compare
            changed = []
        for rel in changed:
            if not rel.endswith(".md"):
                continue
            try:
                text = git.run(root, "show", f"{branch}:{rel}")
            except GitError:  # listed by the diff, so only a name split at a space: an empty file
                text = ""
            a = parse_article(text, rel, rel[len(content) + 1 :], p)
            rule = p.types.get(a.type)
            recorded = {x.role for x in a.approvals}  # on a branch: recorded, proven once merged
            waiting = tuple(
                p.role_name(r) for r in (rule.approvals if rule else ()) if r not in recorded
            )
            since, days = _since(project, branch, rel)
            out.append(
                Item(
                    rel, a.display_title, a.type, a.status, a.authors, branch, waiting, since, days
                )
            )
    return out


def render(project: Project, found: list[Item]) -> str:
    p = project.policies
    lines = []
    for state, name in p.states.items():
        column = [i for i in found if i.status == state]
        lines.append(f"{name}（{len(column)}）")
        for i in sorted(column, key=lambda i: -i.days):
            where = f" ［分支 {i.branch}］" if i.branch else ""
            wait = (
                f"  等待：{'、'.join(i.waiting_for)}（{i.days} 天）"
                if i.waiting_for and state not in ("published", "archived")
                else ""
            )
            kind = p.types[i.type].name if i.type in p.types else i.type
            lines.append(f"  {kind} {i.title} — {i.path}{where}{wait}")
            if state not in ("published", "archived"):
                lines += [f"    因检查发现需审核：{why}" for why in i.routed]
    return "\n".join(lines)
