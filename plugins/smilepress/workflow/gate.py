"""The publication gate: THE predicate that decides whether an article belongs in a build profile.

It takes facts, never code: status, audience, channels, dates, which approvals are still missing
and the error-level problems and findings already found. Everything that needs the decision (the
MkDocs plugin, the CLI, reports, the leak guard's list) asks `decide`; nothing re-derives it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

PROFILES = ("public", "internal", "preview")
# What keeps an article off a site. The last three are its schedule or its settings, not a problem.
CAUSES = ("errors", "approvals", "expired", "review-overdue", "status", "scheduled", "channel")
DROP_CAUSES = frozenset({"errors", "approvals", "expired", "review-overdue"})


@dataclass(frozen=True)
class Facts:
    status: str
    publishable_states: frozenset[str]
    audience: str  # public | internal
    channels: tuple[str, ...]
    publish_date: dt.date | None
    expiry_date: dt.date | None
    review_by: dt.date | None
    missing_approvals: tuple[str, ...] = ()  # role names still missing
    approval_reasons: tuple[str, ...] = ()  # why present approvals do not count
    errors: tuple[str, ...] = ()  # error-level problems and findings
    review_warning_days: int = 30
    readable: bool = True  # false: the file cannot even be rendered in a preview
    status_proven: bool = True  # false: no allowed person's signed commit made it public
    # state id -> Chinese name (policies/workflow.yml): reasons are read by staff, never ids
    state_names: Mapping[str, str] = field(default_factory=dict)

    def state_name(self, state: str) -> str:
        return self.state_names.get(state, state)


@dataclass(frozen=True)
class Decision:
    profile: str
    included: bool
    public: bool  # would be on the public website
    publishable: bool  # passes the gate (public, or internal for handbook pages)
    reasons: tuple[str, ...]  # why it is not public (Chinese), in order of importance
    warnings: tuple[str, ...] = ()
    causes: frozenset[str] = (
        frozenset()
    )  # the kinds of reason (CAUSES), for reports that route them

    @property
    def dropped(self) -> bool:
        """Its status says it is live, but something a person must act on keeps it off (not its
        schedule)."""
        return "status" not in self.causes and bool(self.causes & DROP_CAUSES)

    @property
    def summary(self) -> str:
        return "；".join(self.reasons)


def blocking_reasons(facts: Facts, today: dt.date) -> list[tuple[str, str]]:
    """Everything that keeps an article off every published site (public and internal):
    (cause, text)."""
    reasons = [("errors", e) for e in facts.errors]
    if facts.status not in facts.publishable_states:
        live = "、".join(f"“{facts.state_name(s)}”" for s in sorted(facts.publishable_states))
        now = facts.state_name(facts.status) if facts.status else "（无）"
        reasons.append(("status", f"状态为“{now}”，只有{live}的文章可以发布"))
    if facts.missing_approvals or not facts.status_proven:
        if facts.missing_approvals:
            reasons.append(("approvals", f"缺少有效批准：{'、'.join(facts.missing_approvals)}"))
        reasons.extend(("approvals", r) for r in facts.approval_reasons)
    if facts.publish_date and facts.publish_date > today:
        reasons.append(("scheduled", f"定时发布：{facts.publish_date.isoformat()} 起才公开"))
    if facts.expiry_date and facts.expiry_date < today:
        reasons.append(("expired", f"已过期：下线日期为 {facts.expiry_date.isoformat()}"))
    if facts.review_by and facts.review_by < today:
        reasons.append(
            (
                "review-overdue",
                f"医学内容复审已逾期：复审期限为 {facts.review_by.isoformat()}，请口腔医师复审",
            )
        )
    if "website" not in facts.channels:
        # the channels by name would be ids (wechat, douyin): the writer knows which they chose
        reasons.append(("channel", "发布渠道里没有网站（只发在其他渠道），不上网站"))
    return reasons


def decide(facts: Facts, profile: str, today: dt.date) -> Decision:
    """Whether an article with these facts goes into `profile` as of `today`."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    blocking = blocking_reasons(facts, today)
    published_somewhere = not blocking
    reasons = [text for _, text in blocking]
    public = published_somewhere and facts.audience == "public"
    if published_somewhere and not public:
        reasons.append("内部页面，只在员工手册中显示")
    warnings = []
    if facts.review_by and today <= facts.review_by <= today + dt.timedelta(
        days=facts.review_warning_days
    ):
        warnings.append(
            f"医学内容将于 {facts.review_by.isoformat()} 到复审期限，请尽快安排医师复审"
        )
    included = {"public": public, "internal": published_somewhere, "preview": facts.readable}[
        profile
    ]
    return Decision(
        profile,
        included,
        public,
        published_somewhere,
        tuple(reasons),
        tuple(warnings),
        frozenset(cause for cause, _ in blocking),
    )
