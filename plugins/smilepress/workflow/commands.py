"""The editorial workflow: who may move an article from one state to another, and doing it.

`refusals` is pure: it says why an event may not happen (empty: it may). `run_event` applies an
allowed event: edits the front matter surgically, then commits the file as the acting person.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import frontmatter  # python-frontmatter renders new files; edits never go through it

from ..errors import Problem, SmilePressError
from ..load import git, signatures
from ..load.files import write_atomically
from ..load.git import GitError
from ..model.article import SLUG_PATTERN, Article
from ..model.policies import AUTHOR, Person, Policies
from ..project import Entry, Project
from . import front_matter_edit
from .approvals import ApprovalState


@dataclass(frozen=True)
class Actor:
    """Who is acting: the git author identity, mapped to a person in policies/people.yml."""

    email: str
    name: str
    person: Person | None


def current_actor(root: Path, policies: Policies) -> Actor:
    """The identity git will author the next commit with (user.email, or GIT_AUTHOR_* variables)."""
    try:
        ident = git.run(root, "var", "GIT_AUTHOR_IDENT")
        name, _, rest = ident.partition(" <")
        email = rest.split(">", 1)[0]
    except GitError:  # no identity configured (or no git): the environment may still name one
        name, email = "", os.environ.get("GIT_AUTHOR_EMAIL", "")
    if not email:
        raise SmilePressError(
            "无法确定你是谁：请先 git config user.email 你的邮箱（须与 policies/people.yml 一致）"
        )
    return Actor(email.lower(), name, policies.person_by_email(email))


def refusals(
    event: str,
    entry: Entry,
    actor: Actor,
    policies: Policies,
    role: str | None = None,
    *,
    today: dt.date,
) -> list[str]:
    """Why `actor` may not apply `event` to the article as of `today` (empty list: allowed)."""
    article = entry.article
    person = actor.person
    if person is None:
        return [f"你的 git 邮箱 {actor.email} 未登记在 policies/people.yml 中"]
    if not article.ok:
        return [
            "文件有错误，请先修正："
            + "；".join(str(p) for p in article.problems if p.level == "error")
        ]
    if event == RE_REVIEW:
        return _re_review_refusals(entry, person, policies, role, today)
    transition = policies.transitions.get(event)
    if transition is None:
        return [f"流程中没有 {event} 这一步"]
    reasons = []
    if article.status not in transition.sources:
        allowed = "、".join(policies.states.get(s, s) for s in transition.sources)
        reasons.append(
            f"文章当前状态是“{policies.states.get(article.status, article.status)}”，"
            f"只有“{allowed}”状态才能 {event}"
        )
    is_author = person.id in article.authors and AUTHOR in transition.by
    if not is_author and not set(person.roles) & set(transition.by):
        who = "、".join("作者本人" if r == AUTHOR else policies.role_name(r) for r in transition.by)
        reasons.append(f"{person.name} 不能执行 {event}：只有 {who} 可以")
    if event == "approve":
        reasons += _approve_refusals(entry, person, policies, role)
    if event == "publish" and not entry.approvals.complete:
        reasons.append(
            "批准不全，不能发布：缺少 "
            + "、".join(policies.role_name(r) for r in entry.approvals.missing)
        )
    return reasons


def _approve_refusals(
    entry: Entry, person: Person, policies: Policies, role: str | None
) -> list[str]:
    article, state = entry.article, entry.approvals
    if not role:
        return ["请用 --role 指明以哪个角色批准"]
    if role not in policies.roles:
        return [f"未知角色 '{role}'"]
    reasons = []
    if person.id in article.authors:
        reasons.append(f"{person.name} 是本文作者，不能批准自己的文章（四眼原则）")
    if role not in person.roles:
        reasons.append(f"{person.name} 没有“{policies.role_name(role)}”角色")
    if state.required and role not in state.required and role not in entry.review.pending_roles:
        reasons.append(
            f"{policies.types[article.type].name}不需要“{policies.role_name(role)}”批准"
            f"（需要：{'、'.join(policies.role_name(r) for r in state.required) or '无'}）"
        )
    if role in state.counted_roles:
        reasons.append(f"“{policies.role_name(role)}”已有有效批准")
    if any(v.counts and v.approval.by == person.id for v in state.verdicts):
        reasons.append(f"{person.name} 已批准过本文，同一人只能担任一个审批角色")
    return reasons


RE_REVIEW = "re-review"  # not a transition: the status stays, the review date moves


def _re_review_refusals(
    entry: Entry, person: Person, policies: Policies, role: str | None, today: dt.date
) -> list[str]:
    """A re-review confirms approved, unchanged medical content; anything else is reviewed again."""
    article, state, rule = entry.article, entry.approvals, policies.re_review
    name = policies.role_name(rule.role)
    if role != rule.role:
        return [f"复审由“{name}”进行：请用 --role {rule.role}"]
    reasons = []
    if rule.role not in person.roles:
        reasons.append(f"{person.name} 没有“{name}”角色")
    if person.id in article.authors:
        reasons.append(f"{person.name} 是本文作者，不能复审自己的文章（四眼原则）")
    if rule.role not in state.required:
        type_name = (
            policies.types[article.type].name if article.type in policies.types else article.type
        )
        reasons.append(f"{type_name}不需要“{name}”批准，也就无需复审")
    if "status" in entry.decision("internal", today).causes:
        reasons.append(
            "只有已批准或已发布的文章可以复审"
            f"（当前：{policies.states.get(article.status, article.status)}）；"
            "其他状态请走正常审核"
        )
    elif not state.complete:
        reasons.append(
            "批准不全（内容在批准后有改动，或批准无法证明）：请作者重新送审（smilepress submit），"
            "走完整的审核流程；缺少 " + "、".join(policies.role_name(r) for r in state.missing)
        )
    return reasons


def next_review_refusals(next_review: dt.date, today: dt.date, policies: Policies) -> list[str]:
    latest = today + dt.timedelta(days=policies.re_review.max_days)
    if next_review <= today:
        return [f"下次复审日期 {next_review.isoformat()} 应在今天（{today.isoformat()}）之后"]
    if next_review > latest:
        return [
            f"下次复审日期最晚为 {latest.isoformat()}"
            "（policies/workflow.yml 的 re_review.max_days）"
        ]
    return []


def _missing_after(state: ApprovalState, role: str) -> tuple[str, ...]:
    return tuple(r for r in state.missing if r != role)


def file_is_dirty(root: Path, *rels: str) -> bool:
    """Whether any of the files `rels` has uncommitted changes (or is not committed at all)."""
    try:
        specs = [f":(literal){rel}" for rel in rels]  # a name with * or [ is not a pattern
        return bool(git.run(root, "status", "--porcelain", "--", *specs).strip())
    except GitError:  # not a repository: nothing is uncommitted
        return False


def commit_file(root: Path, rel: str, message: str, sign: bool = False) -> str | None:
    """Commit `rel` alone as the current git identity (`sign`: with its signing key); None when
    the project is not a git repo."""
    if not git.is_repository(root):
        return None
    git.run(root, "add", "--", rel)
    git.run(root, "commit", *(["-S"] if sign else []), "-m", message, "--", rel)
    return git.rev_parse(root, "HEAD")


UNSIGNED_EVENTS = frozenset({"submit"})  # an author's submit proves nothing, so needs no key


def signing_refusals(root: Path, person: Person) -> list[str]:
    """Why the acting person cannot sign (empty: git will sign with a key registered to them)."""
    if not git.is_repository(root):
        return []
    key, setup = signatures.configured_signing_key(root)
    if key is None:
        return [setup]
    if key not in person.keys:
        return [
            f"你的签名密钥（{signatures.fingerprint(key)}）没有登记在 policies/people.yml "
            f"{person.name} 名下：请部门经理把你的公钥加到 keys（签名提交），否则你的操作不算数"
        ]
    return []


@dataclass(frozen=True)
class Outcome:
    article: str
    message: str  # what happened, in Chinese
    commit: str | None  # the commit made, if any


def run_event(
    project: Project,
    path: Path,
    event: str,
    actor: Actor,
    *,
    role: str | None = None,
    reason: str | None = None,
    next_review: dt.date | None = None,
) -> Outcome:
    """Apply `event` to the article at `path`, or raise SmilePressError saying why not (nothing
    changed)."""
    article = project.load(path)
    entry = project.entry(article)
    p = project.policies
    problems = refusals(event, entry, actor, p, role, today=project.today)
    if event == RE_REVIEW:
        next_review = next_review or project.today + dt.timedelta(days=p.re_review.interval_days)
        problems += next_review_refusals(next_review, project.today, p)
    if event == "request-changes" and not (reason or "").strip():
        problems.append("请用 --reason 说明需要修改什么")
    if event != "submit" and file_is_dirty(project.root, article.path):
        problems.append("文件有未提交的改动：审核人只能处理已提交的版本，请先让作者提交")
    elif event in ("approve", RE_REVIEW):  # the approval covers the assets too
        content = project.content_root.relative_to(project.root)
        files = [(content / a.path).as_posix() for a in article.assets if a.sha256]
        if files and file_is_dirty(project.root, *files):
            problems.append(
                "文章的图片、授权说明或链接文件有未提交的改动（git status 可见）："
                "审核人只能批准已提交的版本，请先让作者提交"
            )
    sign = event not in UNSIGNED_EVENTS
    if sign and actor.person is not None and not problems:
        problems += signing_refusals(project.root, actor.person)
    if problems:
        raise SmilePressError(
            [Problem(article.path, article.lines.get("status", 1), r) for r in problems]
        )
    original = front_matter_edit.file_text(project.root, article.path)
    at = project.clock.now().isoformat(timespec="seconds")  # when the person acted: the real time
    text, what = _edit_for(event, article, entry, actor, p, original, role, reason, next_review, at)
    message = (
        f"{event}: {article.display_title}\n\n{what}\n\n"
        f"SmilePress-Event: {event}\nSmilePress-File: {article.path}\n"
        + (f"SmilePress-Role: {role}\n" if role else "")
    )
    write_atomically(path, text)
    try:
        sha = commit_file(project.root, article.path, message, sign)
    except GitError as exc:
        write_atomically(path, original)  # nothing half-done: the file goes back as it was
        raise SmilePressError(
            Problem(article.path, 1, f"提交失败，文件已恢复原样：{exc.detail}")
        ) from None
    return Outcome(article.path, f"{article.path}：{what}", sha)


def _edit_for(
    event: str,
    article: Article,
    entry: Entry,
    actor: Actor,
    p: Policies,
    text: str,
    role: str | None,
    reason: str | None,
    next_review: dt.date | None,
    at: str,
) -> tuple[str, str]:
    """The edited text and what happened, in Chinese; `at`: the approval's timestamp."""
    person = actor.person
    assert person is not None
    if event == RE_REVIEW:
        assert role is not None and next_review is not None
        # An approval of the same digest, with the next review date: nothing approved goes stale.
        item = {
            "by": person.id,
            "role": role,
            "at": at,
            "digest": article.digest,
            "review_by": next_review.isoformat(),
        }
        text = front_matter_edit.append_to_list(text, "approvals", item, article.path)
        return (
            text,
            f"{person.name}（{p.role_name(role)}）复审，下次复审期限 {next_review.isoformat()}",
        )
    dest = p.transitions[event].dest
    if event == "approve":
        assert role is not None
        item = {"by": person.id, "role": role, "at": at, "digest": article.digest}
        text = front_matter_edit.append_to_list(text, "approvals", item, article.path)
        missing = _missing_after(entry.approvals, role)
        # The last approval moves an article in review on; one already approved or published (a
        # signature that was missing) keeps its status.
        moves = not missing and article.status == p.transitions["submit"].dest
        if moves:
            text = front_matter_edit.set_field(text, "status", dest, article.path)
        what = f"{person.name}（{p.role_name(role)}）批准" + (
            "，批准已齐全" + (f"，状态 {article.status} → {dest}" if moves else "")
            if not missing
            else f"，仍缺：{'、'.join(p.role_name(r) for r in missing)}"
        )
    else:
        text = front_matter_edit.set_field(text, "status", dest, article.path)
        what = f"{person.name}：状态 {article.status} → {dest}"
        if event == "request-changes":
            what += f"，退回修改：{reason.strip()}"
    return text, what


def make_slug(title: str) -> str:
    """An ASCII slug from a (Chinese) title: pinyin words joined by hyphens."""
    from pypinyin import lazy_pinyin

    words = [
        w.lower()
        for w in lazy_pinyin(title)
        for w in [("".join(c for c in w if c.isascii() and c.isalnum()))]
        if w
    ]
    slug = "-".join(words)[:60].strip("-")
    return slug or "article"


def create_article(
    project: Project,
    type_: str,
    title: str,
    actor: Actor,
    slug: str | None = None,
    branch: bool = True,
) -> Outcome:
    """Start an article from the type's template; in a git repository also on a branch
    content/<slug>."""
    p = project.policies
    if actor.person is None:
        raise SmilePressError(f"你的 git 邮箱 {actor.email} 未登记在 policies/people.yml 中")
    if type_ not in p.types:
        raise SmilePressError(f"未知的内容类型 '{type_}'，可用的有：{', '.join(p.types)}")
    if not title.strip():
        raise SmilePressError("标题不能为空")
    slug = slug or make_slug(title)
    if not SLUG_PATTERN.match(slug):
        raise SmilePressError(f"slug '{slug}' 只能用小写字母、数字和连字符")
    content_dir = project.content_root.relative_to(project.root).as_posix()
    rel = f"{content_dir}/{p.types[type_].dir}/{slug}.md"
    path = project.root / rel
    if path.exists():
        raise SmilePressError(Problem(rel, 1, "文件已存在", "换一个 --slug，或直接编辑这个文件"))
    meta = {
        "title": title.strip(),
        "type": type_,
        "status": "draft",
        "author": actor.person.id,
        "description": "",
        "slug": slug,
        "tags": [],
        "channels": ["website"],
    }
    for field_name in p.types[type_].required_fields:
        meta[field_name] = ""
    body = files("smilepress").joinpath("templates", f"{type_}.md")
    post = frontmatter.Post(body.read_text(encoding="utf-8") if body.is_file() else "", **meta)
    text = (
        frontmatter.dumps(post, sort_keys=False, allow_unicode=True, default_flow_style=None) + "\n"
    )
    branch_name = f"content/{slug}"
    history = project.history
    if branch and history.available:
        try:
            heads = git.run(project.root, "for-each-ref", "--format=%(refname)", "refs/heads")
            if f"refs/heads/{branch_name}" in heads.splitlines():
                raise SmilePressError(f"分支 {branch_name} 已存在，换一个 --slug")
            git.run(project.root, "checkout", "-b", branch_name)
        except GitError as exc:
            raise SmilePressError(f"无法创建分支 {branch_name}：{exc.stderr.strip()}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text)
    sha = (
        commit_file(
            project.root,
            rel,
            f"new: {title.strip()}\n\n{actor.person.name} 新建{p.types[type_].name}\n\n"
            f"SmilePress-Event: new\nSmilePress-File: {rel}\n",
        )
        if history.available
        else None
    )
    where = f"，分支 {branch_name}" if sha and branch else ""
    return Outcome(rel, f"已新建 {rel}（{p.types[type_].name}，草稿{where}）", sha)
