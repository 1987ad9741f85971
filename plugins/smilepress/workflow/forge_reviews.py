"""A merged pull request and its reviews as the forge tells them, the same for GitHub and GitLab.

GitHub: the pull request that merged a commit (GET /repos/{o}/{r}/commits/{sha}/pulls), its reviews
(.../pulls/{n}/reviews: id, user.id, state, commit_id, body, submitted_at) and its commits. GitLab:
the merge request (GET /projects/{id}/repository/commits/{sha}/merge_requests, then the merge
request itself for diff_refs), who approved it (.../approvals: approved_by[].user.id and, on recent
GitLab, approved_at), its diff versions and its commits. A GitLab approval has no id and no commit:
it is bound to the newest diff version pushed before it was given (the forge's own timestamps), or,
without approved_at, to the head the merge request was merged with (GitLab must then reset approvals
on push: README). Reviewers are numbers here; who they are is decided by the recorder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..load.forge import Forge, refusal

APPROVED, CHANGES_REQUESTED, DISMISSED = "APPROVED", "CHANGES_REQUESTED", "DISMISSED"
# States that change where a reviewer stands; COMMENTED and PENDING do not (as on the forge).
DECIDING = (APPROVED, CHANGES_REQUESTED, DISMISSED)


@dataclass(frozen=True)
class ForgeReview:
    key: str  # the review's id in the records: 'github:123', 'gitlab:7:1001:abcdef123456'
    user_id: int | None  # the forge's numeric user id (None: a deleted account)
    login: str  # the user name at the time: for messages only, never to identify anyone
    state: str  # APPROVED | CHANGES_REQUESTED | DISMISSED | COMMENTED | PENDING
    commit: str  # the commit the review was made on ("" when the forge does not say)
    body: str  # the review's text (a GitLab approval has none)
    at: str  # when it was given, ISO 8601 as the forge wrote it


@dataclass(frozen=True)
class PullRequest:
    forge: str
    number: int  # GitHub's pull request number, GitLab's merge request iid
    title: str
    merge_commit: str  # the commit the merge put on main (the pushed commit)
    base: str  # the base branch's commit the pull request was compared with
    commits: tuple[str, ...]  # the pull request's own commits
    fetch_ref: str  # where the forge keeps the pull request's head (fetched when missing)
    reviews: tuple[ForgeReview, ...]  # in the order they were given

    @property
    def label(self) -> str:
        return f"{'#' if self.forge == 'github' else '!'}{self.number}"


def latest_reviews(reviews: tuple[ForgeReview, ...]) -> dict[int, ForgeReview]:
    """Each reviewer's review that stands: the last one that approved, asked for changes or was
    dismissed (a later CHANGES_REQUESTED or DISMISSED cancels an earlier APPROVED)."""
    latest: dict[int, ForgeReview] = {}
    for review in reviews:
        if review.user_id is not None and review.state in DECIDING:
            latest[review.user_id] = review
    return latest


def find_pull(forge: Forge, sha: str, number: int | None) -> PullRequest | None:
    """The merged pull request that put `sha` on main (None: `sha` was pushed directly)."""
    try:
        if forge.name == "github":
            return _github_pull(forge, sha, number)
        return _gitlab_pull(forge, sha, number)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise refusal(
            f"平台 API 的回答不符合预期：缺少或错误的字段 {exc}", "检查平台版本"
        ) from None


# -- GitHub ----------------------------------------------------------------------------------------


def _github_merged(pull: dict[str, Any], sha: str) -> bool:
    return bool(pull.get("merged_at")) and pull.get("merge_commit_sha") == sha


def _github_pull(forge: Forge, sha: str, number: int | None) -> PullRequest | None:
    api, pre = forge.api, forge.prefix
    if number is None:
        found = [p for p in api.get(f"{pre}/commits/{sha}/pulls") if _github_merged(p, sha)]
        if len(found) > 1:
            numbers = "、".join(f"#{p['number']}" for p in found)
            raise refusal(f"提交 {sha[:12]} 属于多个拉取请求（{numbers}）", "用 --pull N 指定")
        if not found:
            return None
        pull = found[0]
    else:
        pull = api.get(f"{pre}/pulls/{number}")
        if not _github_merged(pull, sha):
            raise refusal(
                f"拉取请求 #{number} 不是以提交 {sha[:12]} 合并的",
                "用 --commit 指定它合并到 main 的提交",
            )
    n = int(pull["number"])
    reviews = tuple(_github_review(r) for r in api.pages(f"{pre}/pulls/{n}/reviews"))
    commits = tuple(str(c["sha"]) for c in api.pages(f"{pre}/pulls/{n}/commits"))
    return PullRequest(
        "github",
        n,
        str(pull.get("title") or ""),
        sha,
        str(pull["base"]["sha"]),
        commits,
        f"refs/pull/{n}/head",
        reviews,
    )


def _github_review(review: dict[str, Any]) -> ForgeReview:
    user = review.get("user") or {}
    return ForgeReview(
        f"github:{int(review['id'])}",
        _user_id(user),
        str(user.get("login") or ""),
        str(review.get("state") or "").upper(),
        str(review.get("commit_id") or ""),
        str(review.get("body") or ""),
        str(review.get("submitted_at") or ""),
    )


def _user_id(user: dict[str, Any]) -> int | None:
    uid = user.get("id")
    return uid if isinstance(uid, int) and not isinstance(uid, bool) else None


# -- GitLab ----------------------------------------------------------------------------------------


def _gitlab_merged(mr: dict[str, Any], sha: str) -> bool:
    made = {mr.get("merge_commit_sha"), mr.get("squash_commit_sha"), mr.get("sha")}  # sha: ff
    return mr.get("state") == "merged" and sha in made


def _gitlab_pull(forge: Forge, sha: str, number: int | None) -> PullRequest | None:
    api, pre = forge.api, forge.prefix
    if number is None:
        listed = api.get(f"{pre}/repository/commits/{sha}/merge_requests")
        found = [m for m in listed if _gitlab_merged(m, sha)]
        if len(found) > 1:
            numbers = "、".join(f"!{m['iid']}" for m in found)
            raise refusal(f"提交 {sha[:12]} 属于多个合并请求（{numbers}）", "用 --pull N 指定")
        if not found:
            return None
        number = int(found[0]["iid"])
    mr = api.get(f"{pre}/merge_requests/{number}")
    if not _gitlab_merged(mr, sha):
        raise refusal(
            f"合并请求 !{number} 不是以提交 {sha[:12]} 合并的", "用 --commit 指定它合并到的提交"
        )
    refs = mr.get("diff_refs") or {}
    head = str(refs.get("head_sha") or mr["sha"])
    approvals = api.get(f"{pre}/merge_requests/{number}/approvals")
    versions = api.pages(f"{pre}/merge_requests/{number}/versions")
    reviews = tuple(
        _gitlab_review(number, given, head, versions, str(mr.get("merged_at") or ""))
        for given in approvals.get("approved_by") or []
    )
    commits = tuple(str(c["id"]) for c in api.pages(f"{pre}/merge_requests/{number}/commits"))
    return PullRequest(
        "gitlab",
        number,
        str(mr.get("title") or ""),
        sha,
        str(refs.get("base_sha") or ""),
        commits,
        f"refs/merge-requests/{number}/head",
        reviews,
    )


def _gitlab_review(
    iid: int, given: dict[str, Any], head: str, versions: list[Any], merged_at: str
) -> ForgeReview:
    user = given.get("user") or {}
    uid = _user_id(user)
    approved_at = str(given.get("approved_at") or "")
    reviewed = _reviewed_version(versions, approved_at, head)
    return ForgeReview(
        f"gitlab:{iid}:{uid}:{reviewed[:12]}",
        uid,
        str(user.get("username") or ""),
        APPROVED,
        reviewed,
        "",
        approved_at or merged_at,
    )


def _reviewed_version(versions: list[Any], approved_at: str, head: str) -> str:
    """The head of the newest diff version pushed before the approval; `head` when GitLab does not
    say when the approval was given; "" when no version is that old."""
    when = _moment(approved_at)
    if when is None or not versions:
        return head
    before = [
        (moment, str(v["head_commit_sha"]))
        for v in versions
        if (moment := _moment(str(v.get("created_at") or ""))) is not None and moment <= when
    ]
    return max(before)[1] if before else ""


def _moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
