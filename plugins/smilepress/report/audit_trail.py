"""The audit trail of an article, read from git: every transition and approval, with who and
when."""

from __future__ import annotations

from dataclasses import dataclass

from ..load import front_matter
from ..load.history import ApprovalKey, Commit, approval_key
from ..model.article import Approval, Article, text_digest
from ..project import Project


@dataclass(frozen=True)
class Event:
    commit: Commit
    what: str
    proven: bool | None = None  # for approvals: was the commit signed by the approver?
    signature: str = ""  # whose signature the commit carries, or why it proves nobody

    def as_dict(self) -> dict:
        c = self.commit
        return {
            "commit": c.sha,
            "date": c.date,
            "author": c.name,
            "email": c.email,
            "event": self.what,
            "proven": self.proven,
            "signature": self.signature,
        }


def _state(text: str | None, rel: str) -> tuple[str, set[ApprovalKey], str] | None:
    """(status, approvals, text digest) of one version of a file from git (its assets are not in
    git's history of the file: only the text part of the digest can be compared)."""
    if text is None:
        return None
    parsed, _ = front_matter.parse(text, rel)
    if parsed is None:
        return ("?", set(), "")
    parts, loaded = parsed
    meta = loaded.data
    approvals = {
        approval_key(
            a.get("by"),
            a.get("role"),
            a.get("digest"),
            a.get("review_by"),
            a.get("review"),
            a.get("at"),
        )
        for a in meta.get("approvals") or []
        if isinstance(a, dict)
    }
    return (str(meta.get("status", "")), approvals, text_digest(meta, parts.body))


def signature_of(project: Project, commit: Commit) -> str:
    """Whose signature a commit carries (as the trust ledger reads it), or why it proves nobody."""
    ledger = project.ledger
    if not ledger.available:
        return f"无法证明：{ledger.reason}"
    signer = ledger.signer(commit.sha)
    return signer.describe() if signer else "信任根之前的提交：不证明任何事"


def trail(project: Project, article: Article) -> list[Event]:
    """Every change of status, approvals and content of `article`, oldest first."""
    p = project.policies
    events: list[Event] = []
    previous = None
    for commit, path in project.history.file_commits(article.path):
        state = _state(project.history.file_at(commit, path), path)
        signed = signature_of(project, commit)
        if state is None:
            events.append(Event(commit, "删除文件", signature=signed))
            previous = None
            continue
        status, approvals, digest = state
        before = previous[1] if previous else set()
        if previous is None:
            events.append(Event(commit, f"创建（状态 {status}）", signature=signed))
        elif digest != previous[2]:
            what = "修改内容（此前的批准随之失效）" if previous[1] else "修改内容"
            events.append(Event(commit, what, signature=signed))
        for by, role, *_ in sorted(before - approvals, key=str):
            what = f"移除批准：{_who(p, by)}（{p.role_name(role)}）"
            events.append(Event(commit, what, signature=signed))
        for by, role, _, review_by, review, _ in sorted(approvals - before, key=str):
            what = (
                f"复审：{_who(p, by)}（{p.role_name(role)}），下次复审期限 {review_by}"
                if review_by
                else f"批准：{_who(p, by)}（{p.role_name(role)}）"
            ) + (f"，记录的评审 {review}" if review else "")
            events.append(Event(commit, what, _signed_by(project, commit, by, review), signed))
        if previous is not None and status != previous[0]:
            events.append(Event(commit, f"状态 {previous[0]} → {status}", signature=signed))
        previous = state
    return events


def _signed_by(project: Project, commit: Commit, person_id: str, review: str) -> bool:
    signer = project.ledger.signer(commit.sha)
    if signer is None:
        return False
    return bool((signer.person and signer.person.id == person_id) or (signer.recorder and review))


# The text is as approved: what changed is among the files the digest also covers.
ASSETS_CHANGED = (
    "文字与批准时相同，是图片、授权说明或链接文件有改动（smilepress show --verbose 列出它们）"
)


def stale_since(
    project: Project, article: Article, approval: Approval, subject: bool = True
) -> str:
    """What made `approval` stale, as far as git tells: the first commit after it that changed the
    text, or (the text being as approved) the article's pictures, licence sidecars or linked files.
    `subject`: quote the commit's message (a developer's words, often English: not on staff pages).
    """
    key = approval.key
    approved = None  # the text digest of the version that added the approval
    changed = None  # the first later commit whose text differs from it
    for commit, path in project.history.file_commits(article.path):
        state = _state(project.history.file_at(commit, path), path)
        if state is None:
            continue
        if approved is None:
            if key in state[1]:
                approved = state[2]
        elif state[2] != approved:
            changed = commit
            break
    if approved is None:
        return "找不到批准时的版本"
    if article.text_digest == approved:
        return ASSETS_CHANGED
    if changed is not None:
        said = f"，“{changed.subject}”" if subject else ""
        return f"自提交 {changed.short}（{changed.name}，{changed.date[:10]}{said}）起内容已改变"
    return "批准之后有尚未提交的改动"


def _who(p, person_id: str) -> str:
    person = p.people.get(person_id)
    return person.name if person else person_id
