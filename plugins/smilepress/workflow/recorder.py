"""CI's recorder: a reviewer's approval given on the forge's web page, recorded as signed fact.

After a pull request is merged, CI runs `smilepress record-reviews`. Each reviewer whose review
stands as approved is mapped to a person by the numeric forge user id in policies/people.yml
(`forge_ids`, never the user name) and given one role (the only approving role they hold, or the
one the review's text names). A review counts only for the commit it was made on:

- (a) each article the pull request changed gets an ordinary approval line with one more field,
  `review: '<forge>:<id>'`, when its digest at the reviewed commit (a temporary worktree of that
  commit, loaded as a Project) equals its digest now, and four eyes allow it;
- (b) what an article approval cannot vouch for (governed paths, a status change to approved or
  published) gets an entry in records/reviews.yml naming the commits the merge brought to main,
  when every file the pull request changed is at the reviewed commit as it is now (blob ids).

What it writes goes into one commit signed with CI's recorder key (SMILEPRESS_RECORDER_KEY: the
private key's file), which people.yml registers under `recorder.keys`: trusted for recorded reviews
only, never as a person. A refusal, or a commit that fails, leaves the working tree as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from ..errors import SmilePressError
from ..load import git
from ..load.files import regular_file, write_atomically
from ..load.forge import open_forge, refusal
from ..load.git import GitError
from ..load.signatures import Signatures, fingerprint, normalise_key
from ..load.source import read_source
from ..model.article import parse_article
from ..model.policies import AUTHOR, Person, Policies
from ..project import Project
from . import front_matter_edit
from .forge_reviews import APPROVED, ForgeReview, PullRequest, find_pull, latest_reviews

RECORDS = "records/reviews.yml"
KEY_ENV = "SMILEPRESS_RECORDER_KEY"
EVENT = "record-reviews"
RECORDER = {"name": "SmilePress 评审记录", "email": "recorder@invalid"}
# Transitions whose new status a review vouches for (the status is not in an approval's digest).
PROMOTING_EVENTS = ("approve", "publish")
RECORDS_HEADER = """\
# Forge reviews recorded by CI's recorder (smilepress record-reviews): who reviewed which commit
# of a pull request, the commits that review brought to main and the paths it vouches for. One line
# per review, appended, never rewritten; it counts only in a commit signed with the recorder key of
# policies/people.yml (recorder.keys). README: "Reviewers approve pull requests".
reviews:
"""


@dataclass(frozen=True)
class Reviewer:
    """A review that stands as approved, with the person and the role it counts for."""

    review: ForgeReview
    person: Person
    role: str


@dataclass(frozen=True)
class Merge:
    """What the merge brought to main."""

    pushed: str  # the merge's commit on main
    previous: str  # main before the merge
    commits: tuple[str, ...]  # oldest first
    paths: tuple[str, ...]  # every path the pull request changed


@dataclass
class Plan:
    approvals: list[tuple[str, dict]] = field(default_factory=list)  # (article, approval item)
    entries: list[dict] = field(default_factory=list)  # lines of records/reviews.yml
    recorded: list[str] = field(default_factory=list)  # what is recorded, in Chinese
    notes: list[str] = field(default_factory=list)  # what is not, and why

    @property
    def empty(self) -> bool:
        return not (self.approvals or self.entries)


@dataclass(frozen=True)
class Outcome:
    recorded: tuple[str, ...]
    notes: tuple[str, ...]
    commit: str | None  # the recorder's signed commit, if one was made


def record_reviews(
    root: Path,
    forge_name: str,
    environ: Mapping[str, str],
    *,
    commit: str = "HEAD",
    pull: int | None = None,
    fixtures: Path | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Record the reviews of the pull request merged as `commit`; `environ`: CI's variables (the
    key's path, the forge's address and token)."""
    project = Project(root)
    _refuse_unless_clean(project.root)
    key = None if dry_run else recorder_key(environ.get(KEY_ENV, ""), project.policies)
    pushed = _pushed_commit(project.root, commit)
    forge = open_forge(forge_name, fixtures, environ)
    pr = find_pull(forge, pushed, pull)
    if pr is None:
        return Outcome((), (f"提交 {pushed[:12]} 不是合并拉取请求产生的：没有要记录的评审",), None)
    plan = plan_records(project, pr, pushed)
    if dry_run or plan.empty:
        return Outcome(tuple(plan.recorded), tuple(plan.notes), None)
    assert key is not None
    sha = _write_and_commit(project, pr, plan, key)
    return Outcome(tuple(plan.recorded), tuple(plan.notes), sha)


# -- before anything: a clean checkout, the registered key -------------------------------------


def _refuse_unless_clean(root: Path) -> None:
    try:
        top = Path(git.rev_parse(root, "--show-toplevel")).resolve()
        status = git.run(root, "status", "--porcelain")
    except GitError as exc:
        raise refusal(f"无法读取 git 仓库：{exc.detail}", "在项目的 git 检出中运行") from None
    if top != root.resolve():
        raise refusal("记录器要求项目位于 git 仓库的根目录", f"仓库根目录是 {top}")
    if status.strip():
        changed = "、".join(line[3:] for line in status.splitlines()[:5])
        raise refusal(
            f"工作区有未提交的改动（{changed}）：记录器只在干净的检出上运行",
            "在 CI 的新检出中运行；本地请先提交或 git stash",
        )


def recorder_key(path_text: str, policies: Policies) -> Path:
    """The recorder's private key file, once its public half is the one people.yml registers."""
    if not path_text.strip():
        raise refusal(
            f"没有记录器私钥：环境变量 {KEY_ENV} 未设置",
            f"把 CI 的密钥（secret {KEY_ENV}）写入权限为 600 的文件，再把文件路径放进 {KEY_ENV}",
        )
    if "PRIVATE KEY" in path_text:
        raise refusal(f"{KEY_ENV} 应是私钥文件的路径，不是私钥内容", "把密钥写入文件，路径放进变量")
    path = Path(path_text.strip())
    if not path.is_file():
        raise refusal(f"找不到记录器私钥文件 {path}", f"检查 {KEY_ENV}")
    public = public_key(path)
    if not policies.recorder_keys:
        raise refusal(
            "policies/people.yml 没有登记记录器公钥",
            f"由部门经理在 people.yml 中写 recorder: {{keys: ['{public}']}} 并签名提交",
        )
    if fingerprint(public) not in policies.recorder_fingerprints:
        raise refusal(
            f"记录器私钥（指纹 {fingerprint(public)}）不是 policies/people.yml 登记的记录器密钥",
            "检查 CI 的 secret 是否是登记的那把私钥；换密钥须由部门经理签名修改 recorder.keys",
        )
    return path


def public_key(private: Path) -> str:
    """The public half of an SSH private key file (ssh-keygen -y), normalised."""
    try:
        done = subprocess.run(
            ["ssh-keygen", "-y", "-P", "", "-f", str(private)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise refusal(f"无法运行 ssh-keygen：{exc}", "安装 OpenSSH 客户端") from None
    key = normalise_key(done.stdout) if done.returncode == 0 else None
    if key is None:
        raise refusal(
            f"无法读取记录器私钥 {private}：{done.stderr.strip()[:200]}",
            "文件应为 SSH 私钥（ssh-keygen -t ed25519 -N ''），没有口令，权限 600",
        )
    return key


def _pushed_commit(root: Path, commit: str) -> str:
    try:
        sha = git.rev_parse(root, "--verify", "--quiet", f"{commit}^{{commit}}")
    except GitError:
        raise refusal(f"找不到提交 {commit}", "用 --commit 指定合并到 main 的提交") from None
    if not _is_ancestor(root, sha, "HEAD"):
        raise refusal(f"提交 {sha[:12]} 不在当前检出的历史中", "检出 main 后再运行")
    return sha


def _is_ancestor(root: Path, older: str, newer: str) -> bool:
    try:
        git.run(root, "merge-base", "--is-ancestor", older, newer)
        return True
    except GitError:
        return False


# -- what to record ----------------------------------------------------------------------------


def plan_records(project: Project, pr: PullRequest, pushed: str) -> Plan:
    """What to record for `pr` merged as `pushed`, and why the rest is not recorded. Who reviewers
    are and which roles they hold is read from policies/ as on main before the merge: a pull request
    cannot vouch for itself by registering a forge id or a role."""
    plan, root = Plan(), project.root
    _fetch_missing(root, pr)
    merge = merged(root, pr, pushed)
    articles = _article_paths(project, merge.paths)
    standing = _standing_approvals(pr, plan.notes)
    reviewed = {r.commit for r in standing if articles and r.commit and _has_commit(root, r.commit)}
    with _checkouts(root, {merge.previous, *reviewed} - {""}) as at:
        before = at.get(merge.previous)
        if before is None:
            plan.notes.append(f"合并前 main 上的 policies/ 无法读取（提交 {merge.previous[:12]}）")
            return plan
        reviewers = [
            r
            for r in _reviewers(before.policies, pr, standing, plan.notes)
            if _present(root, r, plan)
        ]
        for reviewer in reviewers:
            for path in articles:
                _plan_approval(project, at.get(reviewer.review.commit), reviewer, path, plan)
    _plan_entries(project, before.policies, pr, reviewers, merge, plan)
    return plan


def _standing_approvals(pr: PullRequest, notes: list[str]) -> list[ForgeReview]:
    """Each reviewer's approval that still stands; says whose approval a later review cancelled."""
    standing = []
    for uid, review in latest_reviews(pr.reviews).items():
        if review.state == APPROVED:
            standing.append(review)
        elif any(r.user_id == uid and r.state == APPROVED for r in pr.reviews):
            notes.append(
                f"{_who_on_forge(pr, review)}：最后的评审是 {review.state}，此前的批准不再算数"
            )
    return standing


def _reviewers(
    policies: Policies, pr: PullRequest, standing: list[ForgeReview], notes: list[str]
) -> list[Reviewer]:
    found = []
    for review in standing:
        person = next(
            (p for p in policies.people.values() if p.forge_ids.get(pr.forge) == review.user_id),
            None,
        )
        if person is None:
            notes.append(
                f"评审 {review.key}（{_who_on_forge(pr, review)}）：这个用户编号没有登记在 "
                f"policies/people.yml 的 forge_ids 中（以合并前的 main 为准）"
            )
            continue
        role, why = review_role(policies, person, review.body)
        if role is None:
            notes.append(f"评审 {review.key}（{person.name}）：{why}")
            continue
        found.append(Reviewer(review, person, role))
    return found


def _who_on_forge(pr: PullRequest, review: ForgeReview) -> str:
    return f"{pr.forge} 用户 {review.login or '?'}（编号 {review.user_id}）"


def approving_roles(policies: Policies) -> set[str]:
    """Roles that approve anything: those content types need, and those transitions name."""
    roles = {r for t in policies.types.values() for r in t.approvals}
    return roles | {r for t in policies.transitions.values() for r in t.by if r != AUTHOR}


_ROLE_LABEL = re.compile(r"(?:角色|role)\s*[:：]\s*([^\s,，。;；、)）]+)", re.IGNORECASE)


def review_role(policies: Policies, person: Person, body: str) -> tuple[str | None, str]:
    """The role a review counts for, or None and why not. A person with one approving role
    approves with it; with several, the review's text names one (`角色: dentist`, `role: manager`,
    or the role's Chinese name)."""
    held = [r for r in person.roles if r in approving_roles(policies)]
    named, unknown = _named_roles(policies, person, body)
    if unknown:
        return None, f"评审附言写的角色“{unknown[0]}”不存在（可写：{'、'.join(policies.roles)}）"
    if len(named) > 1:
        return None, f"评审附言写了多个角色（{_role_names(policies, named)}），只能写一个"
    if named and named[0] not in held:
        return None, f"{person.name} 没有可以批准的“{policies.role_name(named[0])}”角色"
    if named:
        return named[0], ""
    if len(held) == 1:
        return held[0], ""
    if not held:
        return None, f"{person.name} 没有批准内容的角色"
    return None, (
        f"{person.name} 担任多个审批角色（{_role_names(policies, held)}），评审附言须写明以哪个"
        f"角色批准，例如“角色: {held[0]}”或“{policies.role_name(held[0])}”"
    )


def _named_roles(policies: Policies, person: Person, body: str) -> tuple[list[str], list[str]]:
    """Roles the text names (explicit labels: any role; Chinese names alone: the person's own)."""
    by_name = {name: rid for rid, name in policies.roles.items()}
    named, unknown = [], []
    for match in _ROLE_LABEL.finditer(body):
        value = match.group(1)
        role = value.lower() if value.lower() in policies.roles else by_name.get(value)
        (named if role else unknown).append(role or value)
    named += [r for r in person.roles if policies.role_name(r) in body]
    return list(dict.fromkeys(named)), unknown


def _role_names(policies: Policies, roles: list[str]) -> str:
    return "、".join(policies.role_name(r) for r in roles)


def _present(root: Path, reviewer: Reviewer, plan: Plan) -> bool:
    commit = reviewer.review.commit
    if commit and _has_commit(root, commit):
        return True
    plan.notes.append(
        f"评审 {reviewer.review.key}（{reviewer.person.name}）：评审的提交 "
        f"{commit[:12] or '（平台未提供）'} 不在仓库中（被强推覆盖？）"
    )
    return False


def _has_commit(root: Path, sha: str) -> bool:
    try:
        git.run(root, "cat-file", "-e", f"{sha}^{{commit}}")
        return True
    except GitError:
        return False


def _fetch_missing(root: Path, pr: PullRequest) -> None:
    """A squashed or rebased pull request's commits live only under the forge's own ref."""
    wanted = [r.commit for r in pr.reviews if r.commit] + ([pr.base] if pr.base else [])
    if all(_has_commit(root, sha) for sha in wanted):
        return
    try:
        git.run(root, "fetch", "--quiet", "origin", pr.fetch_ref)
    except GitError:
        pass  # no remote (a local run): the reviews of missing commits are reported, not recorded


# -- what the merge brought to main ------------------------------------------------------------


def merged(root: Path, pr: PullRequest, pushed: str) -> Merge:
    """A merge commit brings itself and first-parent..second-parent; a squash or a rebase brings
    the first-parent chain from the pushed commit back to the pull request's base (at most as many
    commits as the pull request has)."""
    parents = _parents(root, pushed)
    if len(parents) == 2:
        brought = git.run(root, "rev-list", "--reverse", f"{parents[0]}..{parents[1]}").split()
        commits, previous = (*brought, pushed), parents[0]
    else:
        commits, previous = _first_parent_chain(root, pushed, pr)
    return Merge(pushed, previous, commits, _changed_paths(root, previous, commits, pushed))


def _parents(root: Path, sha: str) -> list[str]:
    return git.run(root, "rev-list", "--parents", "-n", "1", sha).split()[1:]


def _first_parent_chain(root: Path, pushed: str, pr: PullRequest) -> tuple[tuple[str, ...], str]:
    limit = max(1, len(pr.commits))
    listed = git.run(root, "rev-list", "--first-parent", f"--max-count={limit + 1}", pushed)
    chain: list[str] = []
    for sha in listed.split():
        if len(chain) == limit or (chain and pr.base and _is_ancestor(root, sha, pr.base)):
            return tuple(reversed(chain)), sha
        chain.append(sha)
    return tuple(reversed(chain)), ""  # the chain reached the first commit


def _changed_paths(root: Path, previous: str, commits: tuple[str, ...], pushed: str) -> tuple:
    """What the merge changed on main, and what each of its own (non-merge) commits changed."""
    empty = git.run(root, "hash-object", "-t", "tree", "--stdin").strip()
    paths = set(_diff_names(root, previous or empty, pushed))
    for sha in commits:
        parents = _parents(root, sha)
        if len(parents) <= 1:
            paths |= _diff_names(root, parents[0] if parents else empty, sha)
    return tuple(sorted(paths))


def _diff_names(root: Path, old: str, new: str) -> set[str]:
    out = git.run(root, "diff-tree", "-r", "-z", "--no-renames", "--name-only", old, new)
    return {name for name in out.split("\0") if name}


def _blobs(root: Path, sha: str, paths: tuple[str, ...]) -> dict[str, str]:
    """Mode and blob id of each of `paths` that exists at `sha`."""
    found = {}
    if paths:
        for record in git.run(root, "ls-tree", "-r", "-z", sha, "--", *paths).split("\0"):
            meta, _, path = record.partition("\t")
            if path:
                mode, _, rest = meta.partition(" ")
                found[path] = f"{mode} {rest.split()[-1]}"
    return found


# -- (a) approvals of articles -----------------------------------------------------------------


def _article_paths(project: Project, paths: tuple[str, ...]) -> list[str]:
    content = project.content_root.relative_to(project.root).as_posix() + "/"
    return [
        p
        for p in paths
        if p.startswith(content)
        and p.endswith(".md")
        and not any(part.startswith(".") for part in p.split("/"))
        and os.path.lexists(project.root / p)  # not a regular file: loading it says why
    ]


@contextmanager
def _checkouts(root: Path, commits: set[str]) -> Iterator[dict[str, Project | None]]:
    """Each commit checked out in a temporary worktree and loaded as a Project (None: its policies
    cannot be loaded); the worktrees are removed afterwards."""
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="smilepress-review-") as tmp:
        try:
            trees = {}
            for i, sha in enumerate(sorted(commits)):
                where = Path(tmp) / str(i)
                git.run(root, "worktree", "add", "--detach", "--quiet", str(where), sha)
                made.append(where)
                trees[sha] = _project_at(where)
            yield trees
        finally:
            for where in made:
                try:
                    git.run(root, "worktree", "remove", "--force", str(where))
                except GitError:
                    pass
            if made:
                git.run(root, "worktree", "prune")


def _project_at(where: Path) -> Project | None:
    try:
        return Project(where)
    except SmilePressError:
        return None


def _plan_approval(
    project: Project, then: Project | None, reviewer: Reviewer, path: str, plan: Plan
) -> None:
    item, why = _approval_item(project, then, reviewer, path)
    p, review = project.policies, reviewer.review
    who = f"{reviewer.person.name}（{p.role_name(reviewer.role)}）"
    if item is None:
        plan.notes.append(f"{path}：{who}的评审 {review.key} 不记为批准：{why}")
        return
    plan.approvals.append((path, item))
    plan.recorded.append(f"{path}：{who}批准（评审 {review.key}，提交 {review.commit[:12]}）")


def _approval_item(
    project: Project, then: Project | None, reviewer: Reviewer, path: str
) -> tuple[dict | None, str]:
    """The approval line to append, or None and why not."""
    p, person, role, review = project.policies, reviewer.person, reviewer.role, reviewer.review
    now = project.load(project.root / path)
    if not now.readable or now.type not in p.types:
        return None, "文章现在无法读取或类型未知，先修好文件"
    if person.id in now.authors:
        return None, f"{person.name} 是本文作者，不能批准自己的文章（四眼原则）"
    needed = p.types[now.type].approvals
    if role not in needed and role not in project.entry(now).review.pending_roles:
        return None, f"{p.types[now.type].name}不需要“{p.role_name(role)}”批准"
    if then is None:
        return None, f"评审的提交 {review.commit[:12]} 中的 policies/ 无法读取"
    if regular_file(then.root, path)[0] is None or then.load(then.root / path).digest != now.digest:
        return None, f"评审（提交 {review.commit[:12]}）之后内容又有改动，评审不适用于现在的文本"
    item = {
        "by": person.id,
        "role": role,
        "at": _local_time(review.at, project),
        "digest": now.digest,
        "review": review.key,
    }
    if any(_same_approval(old, item) for old in now.meta.get("approvals") or []):
        return None, "已经记录过"
    return item, ""


def _same_approval(old: object, item: dict) -> bool:
    return isinstance(old, dict) and all(
        old.get(k) == item[k] for k in ("by", "role", "digest", "review")
    )


def _local_time(value: str, project: Project) -> str:
    """The forge's time in the department's time zone (now, when the forge gave none)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return project.clock.now().isoformat(timespec="seconds")
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(project.policies.timezone)).isoformat(timespec="seconds")


# -- (b) records/reviews.yml -------------------------------------------------------------------


def _plan_entries(
    project: Project,
    policies: Policies,
    pr: PullRequest,
    reviewers: list[Reviewer],
    merge: Merge,
    plan: Plan,
) -> None:
    vouched = _vouched(project, policies, merge)
    if not vouched:
        return
    recorded = _recorded_reviews(project.root)
    now = _blobs(project.root, merge.pushed, merge.paths)
    for reviewer in reviewers:
        review = reviewer.review
        who = f"评审 {review.key}（{reviewer.person.name}，{policies.role_name(reviewer.role)}）"
        why = _entry_refusal(project.root, reviewer, merge, vouched, now, recorded)
        if why:
            plan.notes.append(f"{who}不写入 {RECORDS}：{why}")
            continue
        plan.entries.append(_entry(project, pr, reviewer, merge))
        plan.recorded.append(
            f"{RECORDS}：{who}，为 {len(merge.commits)} 个提交、{len(merge.paths)} 个路径作保"
        )


def _entry_refusal(
    root: Path,
    reviewer: Reviewer,
    merge: Merge,
    vouched: dict[str, set[str]],
    now: dict[str, str],
    recorded: set[str],
) -> str:
    """Why this review is not recorded in records/reviews.yml ("": it is)."""
    review = reviewer.review
    if reviewer.role not in set().union(*vouched.values()):
        return f"这个角色不能为这些改动作保（{'、'.join(sorted(vouched))}）"
    then = _blobs(root, review.commit, merge.paths)
    changed = [path for path in merge.paths if then.get(path) != now.get(path)]
    if changed:
        return f"评审（提交 {review.commit[:12]}）之后又有改动：{'、'.join(changed[:5])}"
    if review.key in recorded:
        return f"{RECORDS} 中已经有这条评审"
    return ""


def _entry(project: Project, pr: PullRequest, reviewer: Reviewer, merge: Merge) -> dict:
    return {
        "review": reviewer.review.key,
        "pull": pr.number,
        "by": reviewer.person.id,
        "role": reviewer.role,
        "reviewed": reviewer.review.commit,
        "commits": list(merge.commits),
        "paths": list(merge.paths),
        "at": _local_time(reviewer.review.at, project),
    }


def _vouched(project: Project, p: Policies, merge: Merge) -> dict[str, set[str]]:
    """The changes only a review can vouch for: path -> the roles that may vouch for it (by the
    policies before the merge)."""
    found = {path: set(g.by) for path in merge.paths if (g := p.governing(path))}
    promoting = {p.transitions[e].dest for e in PROMOTING_EVENTS if e in p.transitions}
    for path in _article_paths(project, merge.paths):
        status = _status_at(project, merge.pushed, path)
        if status in promoting and status != _status_at(project, merge.previous, path):
            by = {r for t in p.transitions.values() if t.dest == status for r in t.by}
            found.setdefault(path, set()).update(by - {AUTHOR})
    return found


def _status_at(project: Project, sha: str, path: str) -> str:
    if not sha:
        return ""
    try:
        text = git.run(project.root, "show", f"{sha}:{path}")
    except GitError:
        return ""  # not there yet
    src_uri = path.removeprefix(project.content_root.relative_to(project.root).as_posix() + "/")
    return parse_article(text, path, src_uri, project.policies).status


def _recorded_reviews(root: Path) -> set[str]:
    text = _records_text(root)
    entries = _load_records(text, []) if text is not None else []
    return {str(e.get("review")) for e in entries if isinstance(e, dict)}


def _records_text(root: Path) -> str | None:
    """records/reviews.yml as it is now; None when there is none yet. Read like a policy file (a
    regular file, UTF-8: load/source.py): anything else there is refused."""
    if not os.path.lexists(root / RECORDS):
        return None
    source, problems = read_source(root, RECORDS)
    if source is None:
        raise refusal(str(problems[0]), "恢复成记录器写的格式（git log 查看）")
    return source.text


def _load_records(text: str, appended: list[dict]) -> list:
    """The entries of records/reviews.yml; refuses a file that is not `reviews:` and a list, or
    that does not end with `appended`."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise refusal(
            f"{RECORDS} 无法解析：{exc}", "恢复成记录器写的格式（git log 查看）"
        ) from None
    entries = data.get("reviews") if isinstance(data, dict) else None
    if not isinstance(entries, list) or (appended and entries[-len(appended) :] != appended):
        raise refusal(f"{RECORDS} 应以 reviews: 列表结尾，每行一条", "恢复成记录器写的格式")
    return entries


def _append_records(old: str | None, entries: list[dict]) -> str:
    """The file with `entries` appended as one-line flow mappings; earlier lines stay as is."""
    text = RECORDS_HEADER if old is None else old
    text += "" if text.endswith("\n") else "\n"
    for entry in entries:
        text += "- " + _flow(entry) + "\n"
    _load_records(text, entries)
    return text


def _flow(item: dict) -> str:
    return yaml.safe_dump(
        item, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**6
    ).strip()


# -- writing and the signed commit -------------------------------------------------------------


def _new_texts(project: Project, plan: Plan) -> dict[Path, tuple[str | None, str]]:
    """Each file to write: (its text now or None if new, its new text). Nothing is written yet."""
    texts: dict[Path, tuple[str | None, str]] = {}
    for rel, item in plan.approvals:
        path = project.root / rel
        if path not in texts:
            original = front_matter_edit.file_text(project.root, rel)
            texts[path] = (original, original)
        original, text = texts[path]
        texts[path] = (original, front_matter_edit.append_to_list(text, "approvals", item, rel))
    if plan.entries:
        path = project.root / RECORDS
        old = _records_text(project.root)
        texts[path] = (old, _append_records(old, plan.entries))
    return texts


def _restore(texts: dict[Path, tuple[str | None, str]]) -> None:
    for path, (original, _) in texts.items():
        if original is None:
            path.unlink(missing_ok=True)
            if path.parent.is_dir() and not any(path.parent.iterdir()):
                path.parent.rmdir()  # records/, made for this file
        else:
            write_atomically(path, original)


def _write_and_commit(project: Project, pr: PullRequest, plan: Plan, key: Path) -> str:
    root = project.root
    texts = _new_texts(project, plan)
    rels = [path.relative_to(root).as_posix() for path in texts]
    before = git.rev_parse(root, "HEAD")
    try:
        for path, (_, text) in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
        git.run(root, "add", "--", *rels)
        _signed_commit(root, key, commit_message(pr, plan), rels)
        sha = git.rev_parse(root, "HEAD")
        _check_signature(root, sha, project.policies)
    except (GitError, OSError, SmilePressError) as exc:
        _undo(root, before, rels, texts)
        detail = exc.detail if isinstance(exc, GitError) else _text(exc)
        raise refusal(f"提交失败，文件已恢复原样：{detail}") from None
    return sha


def _text(exc: Exception) -> str:
    if isinstance(exc, SmilePressError):
        return "；".join(p.message for p in exc.problems)
    return str(exc)


def _signed_commit(root: Path, key: Path, message: str, rels: list[str]) -> None:
    identity = {
        "GIT_AUTHOR_NAME": RECORDER["name"],
        "GIT_AUTHOR_EMAIL": RECORDER["email"],
        "GIT_COMMITTER_NAME": RECORDER["name"],
        "GIT_COMMITTER_EMAIL": RECORDER["email"],
    }
    git.run(
        root,
        "-c",
        "gpg.format=ssh",
        "-c",
        f"user.signingkey={key}",
        "commit",
        "--quiet",
        "-S",
        "--no-verify",
        "-m",
        message,
        "--",
        *rels,
        env=identity,
    )


def _check_signature(root: Path, sha: str, policies: Policies) -> None:
    signature = Signatures(root).of([sha])[sha]
    if not signature.good or signature.fingerprint not in policies.recorder_fingerprints:
        raise refusal(f"提交 {sha[:12]} 没有记录器的有效签名（{signature.status}）")


def _undo(root: Path, before: str, rels: list[str], texts: dict) -> None:
    try:
        if git.rev_parse(root, "HEAD") != before:
            git.run(root, "reset", "--quiet", "--soft", before)
        git.run(root, "reset", "--quiet", "--", *rels)
    finally:
        _restore(texts)


def commit_message(pr: PullRequest, plan: Plan) -> str:
    keys = [item["review"] for _, item in plan.approvals] + [e["review"] for e in plan.entries]
    title = f" {pr.title}" if pr.title else ""
    lines = "\n".join(f"- {line}" for line in plan.recorded)
    trailers = "\n".join(f"SmilePress-Review: {k}" for k in dict.fromkeys(keys))
    return (
        f"{EVENT}: {pr.forge} {pr.label}{title}\n\n"
        f"记录拉取请求 {pr.label} 在平台上的评审（提交 {pr.merge_commit[:12]}）：\n{lines}\n\n"
        f"SmilePress-Event: {EVENT}\nSmilePress-Pull: {pr.forge}:{pr.number}\n{trailers}\n"
    )
