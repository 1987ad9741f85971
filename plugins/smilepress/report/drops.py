"""What is off the sites although its status says it is live, what drops off soon, and who must act.

Time never fails a build: an article that expires, passes its review date, loses an approval to a
later edit or has an error simply leaves the sites, and the publish goes on. This report is how
people learn of it: in the build log, in the CI run's summary and on the internal page 下线提醒.
It asks the gate (through Decision.dropped and the facts the gate used); it decides nothing itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ..model.policies import Policies
from ..project import Entry, Project
from .formats import markdown_text


@dataclass(frozen=True)
class Notice:
    path: str
    title: str
    date: str  # the day it dropped or will drop (YYYY-MM-DD); "" when not a date's doing
    why: tuple[str, ...]  # the gate's reasons (Chinese)
    who: tuple[str, ...]  # the people who must act, with their role
    action: str  # what they must do (Chinese, with the command)


@dataclass(frozen=True)
class Report:
    today: dt.date
    days: int
    dropped: tuple[Notice, ...]
    upcoming: tuple[Notice, ...]

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "days": self.days,
            "dropped": [asdict(n) for n in self.dropped],
            "upcoming": [asdict(n) for n in self.upcoming],
        }

    @property
    def headline(self) -> str:
        return (
            f"下线报告（截至 {self.today.isoformat()}）：{len(self.dropped)} 篇"
            "标为已批准或已发布的文章不在网站上；"
            f"{self.days} 天内还将有 {len(self.upcoming)} 篇下线"
        )

    def text(self) -> str:
        lines = [self.headline]
        for label, notices in (("已下线", self.dropped), ("将下线", self.upcoming)):
            for n in notices:
                when = f"（{n.date}）" if n.date else ""
                lines.append(f"  {label}{when} {n.path}《{n.title}》：{'；'.join(n.why)}")
                lines.append(
                    f"      需要：{'、'.join(n.who) or '（无人担任，请部门经理指定）'}——{n.action}"
                )
        return "\n".join(lines)

    def markdown(self) -> str:
        out = ["# 下线提醒", "", self.headline + "。", ""]
        for title, notices, date_head in (
            ("今天不在网站上", self.dropped, "下线日期"),
            (f"{self.days} 天内将下线", self.upcoming, "下线日期"),
        ):
            out += [f"## {title}（{len(notices)}）", ""]
            if not notices:
                out += ["（无）", ""]
                continue
            out += [f"| 文章 | {date_head} | 原因 | 需要谁 | 怎么做 |", "|---|---|---|---|---|"]
            out += [
                f"| {_cell(n.title)}<br>`{n.path}` | {n.date or '—'} | {_cell('；'.join(n.why))} | "
                f"{_cell('、'.join(n.who) or '（无人担任）')} | {_cell(n.action)} |"
                for n in notices
            ]
            out.append("")
        return "\n".join(out)


def _cell(text: str) -> str:
    return markdown_text(text).replace("|", "\\|").replace("\n", " ")


def report(project: Project, days: int | None = None) -> Report:
    """Every article dropped today and every live one that drops within `days` (default: the warning
    days)."""
    p, today = project.policies, project.today
    days = p.review_warning_days if days is None else days
    dropped, upcoming = [], []
    for entry in project.entries:
        decision = entry.decision(
            "internal", today
        )  # internal: live anywhere (public articles and handbook pages)
        if decision.dropped or _unreadable(entry):
            dropped.append(_dropped(entry, decision.causes, decision.reasons, p))
        elif decision.publishable:
            upcoming += _upcoming(entry, p, today, days)
    return Report(
        today, days, tuple(dropped), tuple(sorted(upcoming, key=lambda n: (n.date, n.path)))
    )


def _unreadable(entry: Entry) -> bool:
    """A file that could not be read at all (not UTF-8, empty): whether it meant to be live is
    unknown, so it is named."""
    return not entry.article.readable and not entry.article.claimed_status


def _dropped(entry: Entry, causes: frozenset[str], reasons: tuple[str, ...], p: Policies) -> Notice:
    facts, article = entry.facts, entry.article
    who: list[str] = []
    actions: list[str] = []
    if "errors" in causes:
        who += _authors(entry, p)
        actions.append(f"作者修正错误（smilepress check {article.path}）后重新送审")
    if "approvals" in causes:
        who += _authors(entry, p) + _holders(entry, p, entry.approvals.missing)
        roles = "、".join(entry.approvals.missing_named(p.role_name))
        actions.append(f"作者重新送审（smilepress submit {article.path}），{roles}重新批准")
    if "review-overdue" in causes:
        who += _holders(entry, p, (p.re_review.role,))
        actions.append(
            f"{p.role_name(p.re_review.role)}复审（smilepress approve --role {p.re_review.role} "
            f"--re-review {article.path}）"
        )
    if "expired" in causes:
        who += _authors(entry, p) + _holders(entry, p, p.transitions["archive"].by)
        actions.append(
            "已到期：要继续发布就由作者改 expiry_date 后重新送审，否则由部门经理归档"
            f"（smilepress archive {article.path}）"
        )
    date = _date_of(causes, facts.review_by, facts.expiry_date)
    return Notice(
        article.path,
        article.display_title,
        date,
        reasons,
        tuple(dict.fromkeys(who)),
        "；".join(actions),
    )


def _date_of(causes: frozenset[str], review_by: dt.date | None, expiry: dt.date | None) -> str:
    """The day a date-driven drop happened: the day after review_by or expiry_date."""
    dates = [
        d + dt.timedelta(days=1)
        for cause, d in (("review-overdue", review_by), ("expired", expiry))
        if cause in causes and d
    ]
    return min(dates).isoformat() if dates else ""


def _upcoming(entry: Entry, p: Policies, today: dt.date, days: int) -> list[Notice]:
    facts, article = entry.facts, entry.article
    horizon = today + dt.timedelta(days=days)
    notices = []
    if facts.review_by and today <= facts.review_by <= horizon:
        notices.append(
            Notice(
                article.path,
                article.display_title,
                (facts.review_by + dt.timedelta(days=1)).isoformat(),
                (f"复审期限 {facts.review_by.isoformat()}",),
                tuple(_holders(entry, p, (p.re_review.role,))),
                f"{p.role_name(p.re_review.role)}在此前复审"
                f"（smilepress approve --role {p.re_review.role} --re-review {article.path}）",
            )
        )
    if facts.expiry_date and today <= facts.expiry_date <= horizon:
        notices.append(
            Notice(
                article.path,
                article.display_title,
                (facts.expiry_date + dt.timedelta(days=1)).isoformat(),
                (f"到期日 {facts.expiry_date.isoformat()}",),
                tuple(
                    dict.fromkeys(
                        _authors(entry, p) + _holders(entry, p, p.transitions["archive"].by)
                    )
                ),
                "到期自动下线；要延长请作者改 expiry_date 后重新送审",
            )
        )
    return notices


def _authors(entry: Entry, p: Policies) -> list[str]:
    """The authors; for a file too broken to name them, whoever may archive it (the manager)."""
    if not entry.article.authors:
        return [
            f"{h.name}（{p.role_name(r)}）"
            for r in p.transitions["archive"].by
            for h in p.holders(r)
        ]
    return [f"{p.people[a].name}（作者）" if a in p.people else a for a in entry.article.authors]


def _holders(entry: Entry, p: Policies, roles) -> list[str]:
    """Who can act in each role (never an author of the article: four eyes)."""
    return [
        f"{person.name}（{p.role_name(role)}）"
        for role in roles
        for person in p.holders(role)
        if person.id not in entry.article.authors
    ]
