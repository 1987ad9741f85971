"""Whether each approval of an article counts, and why not.

An approval counts when the person exists, holds the role, is not an author, approved exactly the
current text (digest), and the signed history proves it (workflow/trust.py: the commit that added
it was signed by the approver, or by CI's recorder citing their forge review, and nothing revoked
it since).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..load.history import Commit
from ..model.article import DIGEST_VERSION, Approval, Article, digest_version
from ..model.policies import Policies
from .trust import Ledger


@dataclass(frozen=True)
class Verdict:
    approval: Approval
    counts: bool
    reason: str = ""  # why it does not count (Chinese), empty when it counts
    code: str = ""  # stable id of the reason: unknown-person, self-approval, ...
    commit: Commit | None = None  # the commit that proves it, when one does


@dataclass(frozen=True)
class ApprovalState:
    required: tuple[str, ...]
    verdicts: tuple[Verdict, ...]
    # Roles the checks' review findings added to the type's, each with why (Chinese).
    routed: tuple[tuple[str, str], ...] = ()

    def why_needed(self, role: str) -> str:
        """Why a role beyond the content type's must approve, or ''."""
        return next((why for r, why in self.routed if r == role), "")

    @property
    def counted_roles(self) -> set[str]:
        return {v.approval.role for v in self.verdicts if v.counts}

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(r for r in self.required if r not in self.counted_roles)

    def missing_named(self, role_name) -> tuple[str, ...]:
        """The missing roles by name, each the checks added saying why (for queues and lists)."""
        return tuple(
            f"{role_name(r)}（{why}）" if (why := self.why_needed(r)) else role_name(r)
            for r in self.missing
        )

    @property
    def complete(self) -> bool:
        return not self.missing

    def review_by(self, written: dt.date | None, role: str) -> dt.date | None:
        """The medical content's review date: the one approved with the text, or a later counted
        re-review's."""
        last = self.last_re_review(role)
        return max([d for d in (written, last and last.approval.review_by) if d], default=None)

    def last_re_review(self, role: str) -> Verdict | None:
        """The counted re-review by `role` that sets the latest review date, if any."""
        counted = [
            v
            for v in self.verdicts
            if v.counts and v.approval.re_review and v.approval.role == role
        ]
        return max(counted, key=lambda v: v.approval.review_by, default=None)


def judge(approval: Approval, article: Article, policies: Policies, ledger: Ledger) -> Verdict:
    """Decide whether one approval counts."""
    person = policies.people.get(approval.by)
    role_name = policies.role_name(approval.role)
    if person is None:
        return Verdict(
            approval, False, f"批准人 '{approval.by}' 不在 policies/people.yml 中", "unknown-person"
        )
    if approval.by in article.authors:
        return Verdict(
            approval, False, f"{person.name} 是本文作者，不能批准自己的文章", "self-approval"
        )
    wrote = ledger.text_writers(article.path).get(approval.by)
    if wrote is not None:
        return Verdict(
            approval,
            False,
            f"{person.name} 签名的提交 {wrote.short} 改过本文的文字，"
            "不能批准自己写的内容（四眼原则）",
            "self-approval",
        )
    if approval.role not in person.roles:
        return Verdict(
            approval,
            False,
            f"{person.name} 没有“{role_name}”角色，不能以此角色批准",
            "role-not-held",
        )
    version = digest_version(approval.digest)
    if version is not None and version < DIGEST_VERSION:  # before the digest covered assets
        return Verdict(
            approval,
            False,
            f"{person.name}（{role_name}）的批准按旧版摘要（v{version}）记录，"
            "摘要现在也覆盖图片和附件：请重新批准",
            "old-digest",
        )
    if approval.digest != article.digest:
        return Verdict(
            approval, False, f"{person.name}（{role_name}）批准后内容又有改动，批准已失效", "stale"
        )
    proof = ledger.approval(article.path, approval)
    if not proof.ok:
        return Verdict(
            approval,
            False,
            f"{person.name}（{role_name}）的批准无法证明：{proof.reason}",
            "unproven",
            proof.commit,
        )
    return Verdict(approval, True, commit=proof.commit)


def evaluate(
    article: Article,
    policies: Policies,
    ledger: Ledger,
    routed: tuple[tuple[str, str], ...] = (),
) -> ApprovalState:
    """`routed`: (role, why) that the checks' review findings add to the type's approvals."""
    rule = policies.types.get(article.type)
    required = rule.approvals if rule else ()
    required = tuple(dict.fromkeys((*required, *(role for role, _ in routed))))
    verdicts, counted_by = [], {}
    for approval in article.approvals:
        verdict = judge(approval, article, policies, ledger)
        if verdict.counts and required and approval.role not in required:
            verdict = Verdict(
                approval,
                False,
                f"{policies.role_name(approval.role)}的批准不是此类型所需的",
                "not-required",
            )
        elif verdict.counts and counted_by.get(approval.by, approval.role) != approval.role:
            name = policies.people[approval.by].name
            verdict = Verdict(
                approval,
                False,
                f"{name} 已以“{policies.role_name(counted_by[approval.by])}”批准，"
                "同一人不能再担任另一个审批角色（四眼原则）",
                "same-person",
            )
        if verdict.counts:
            counted_by[approval.by] = approval.role
        verdicts.append(verdict)
    return ApprovalState(required, tuple(verdicts), routed)
