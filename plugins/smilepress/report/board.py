"""The editorial board: every article by status, on main and on the `content/<slug>` branches where
articles in progress live before they are merged, with where it stands by the gate, why it is not
public, what it waits for and for how long.

`items` collects it; `render` prints it for `smilepress board`; pages/editorial.py makes it pages.
Nothing here decides whether an article is published: each item carries the gate's decision
(workflow/gate.py) and its reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ..load import git
from ..load.git import GitError
from ..model.article import parse_article
from ..model.policies import Policies
from ..project import Entry, Project
from ..workflow.gate import Decision

BRANCH_PREFIX = "content/"

# Where an article stands, by the gate's decision (the calendar's and the board's words).
LIVE, ARCHIVED, OVERDUE, EXPIRED = "已发布", "已归档", "逾期复审", "已过期"
PLANNED, IN_REVIEW, TO_FIX, SCHEDULED, OFF_WEB = "计划", "待审", "待修改", "定时发布", "不上网站"
STAGES = (LIVE, SCHEDULED, IN_REVIEW, PLANNED, TO_FIX, OVERDUE, EXPIRED, OFF_WEB, ARCHIVED)


@dataclass(frozen=True)
class Item:
    path: str
    title: str
    type: str
    status: str
    authors: tuple[str, ...]
    branch: str  # "" = the current branch (main)
    waiting_for: tuple[str, ...]  # role names whose approval is awaited now (nobody: archived…)
    since: str  # date of the last change to the file on its branch (YYYY-MM-DD)
    days: int  # days since then, as of the project's today
    routed: tuple[str, ...] = ()  # why the checks added a missing role: "角色：第 N 行…"
    stage: str = ""  # where it stands by the gate (STAGES)
    public: bool = False  # the gate puts it on the public website
    reasons: tuple[str, ...] = ()  # why it is not public (Chinese), the gate's words
    uri: str = ""  # its address under content/ ("" on a branch: on no site)
    waiting_roles: tuple[str, ...] = ()  # the role ids of waiting_for (whose queue it is in)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def why(self) -> tuple[str, ...]:
        """The reasons to show: all of them, but for an archived article only the first (its
        state): what else it lacks asks nobody to act."""
        return self.reasons[:1] if self.stage == ARCHIVED else self.reasons


def state_after(p: Policies, event: str, default: str) -> str:
    """The state a workflow event leads to (submit: in review, archive: archived)."""
    t = p.transitions.get(event)
    return t.dest if t else default


def stage(p: Policies, status: str, decision: Decision | None) -> str:
    """Where an article stands: the gate's decision in one word (no decision: on a branch)."""
    if status == state_after(p, "archive", "archived"):
        return ARCHIVED
    if decision is not None and decision.publishable:
        return LIVE
    causes = decision.causes if decision is not None else frozenset({"status"})
    in_review = status == state_after(p, "submit", "review")
    for cause, name in (("review-overdue", OVERDUE), ("expired", EXPIRED)):
        if cause in causes:
            return name
    if "status" in causes:
        return IN_REVIEW if in_review else PLANNED
    for cause, name in (
        ("errors", TO_FIX),
        ("approvals", IN_REVIEW),
        ("scheduled", SCHEDULED),
        ("channel", OFF_WEB),
    ):
        if cause in causes:
            return name
    return PLANNED


def waiting(p: Policies, missing: tuple[str, ...], where: str) -> tuple[str, ...]:
    """The roles an article waits for now: an archived article for nobody; a planned one (a draft,
    not submitted) for nobody but its writer; a live one for nobody, unless its medical content is
    past its review date (the re-reviewer); else the missing approvals."""
    if where in (ARCHIVED, PLANNED):
        return ()
    if where == OVERDUE:
        return (p.re_review.role,)
    if where == LIVE:
        return ()
    return missing


def _main_item(project: Project, entry: Entry) -> Item:
    p, a = project.policies, entry.article
    decision = entry.decision("public", project.today)
    where = stage(p, a.status, decision)
    roles = waiting(p, tuple(entry.approvals.missing), where)
    since, days = _since(project, "HEAD", a.path)
    return Item(
        a.path,
        a.display_title,
        a.type,
        a.status,
        a.authors,
        "",
        tuple(p.role_name(r) for r in roles),
        since,
        days,
        tuple(
            f"{p.role_name(role)}：{why}" for role, why in entry.approvals.routed if role in roles
        ),
        where,
        decision.public,
        decision.reasons,
        a.src_uri,
        roles,
    )


def _since(project: Project, ref: str, path: str) -> tuple[str, int]:
    try:
        stamp = git.run(project.root, "log", "-1", "--format=%aI", ref, "--", path).strip()
    except GitError:  # no git history: no date
        stamp = ""
    if not stamp:
        return "", 0
    day = dt.datetime.fromisoformat(stamp).date()
    return day.isoformat(), max(0, (project.today - day).days)  # a build as of an earlier day


def items(project: Project) -> list[Item]:
    """Articles of the current branch, then those a `content/…` branch adds or changes."""
    p = project.policies
    out = [_main_item(project, entry) for entry in project.entries]
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
            where = stage(p, a.status, None)
            roles = waiting(  # a content branch is a proposal put to its reviewers, draft or not
                p,
                tuple(r for r in (rule.approvals if rule else ()) if r not in recorded),
                IN_REVIEW if where == PLANNED else where,
            )
            since, days = _since(project, branch, rel)
            out.append(
                Item(
                    rel,
                    a.display_title,
                    a.type,
                    a.status,
                    a.authors,
                    branch,
                    tuple(p.role_name(r) for r in roles),
                    since,
                    days,
                    stage=where,
                    reasons=(f"在分支 {branch} 上，合并到主分支之前不会发布",),
                    waiting_roles=roles,
                )
            )
    return out


def columns(project: Project, found: list[Item]) -> list[tuple[str, list[Item]]]:
    """The board's columns: (state name, its items, longest waiting first), in the workflow's
    order. `smilepress board` and the board page both show these."""
    p = project.policies
    return [
        (name, sorted((i for i in found if i.status == state), key=lambda i: -i.days))
        for state, name in p.states.items()
    ]


def render(project: Project, found: list[Item]) -> str:
    p = project.policies
    lines = []
    for name, column in columns(project, found):
        lines.append(f"{name}（{len(column)}）")
        for i in column:
            where = f" ［分支 {i.branch}］" if i.branch else ""
            wait = f"  等待：{'、'.join(i.waiting_for)}（{i.days} 天）" if i.waiting_for else ""
            kind = p.types[i.type].name if i.type in p.types else i.type
            lines.append(f"  {kind} {i.title} — {i.path}{where}  ［{i.stage}］{wait}")
            lines += [f"    因检查发现需审核：{why}" for why in i.routed]
            if not i.public and i.why:
                lines.append(f"    未公开：{'；'.join(i.why)}")
    return "\n".join(lines)
