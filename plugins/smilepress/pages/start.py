"""The staff start page, the internal site's home: the handbook first, then what waits (review
queues per role and per person, overdue medical re-reviews), then the figures (the KPI dashboard and
this month's report) and the editorial pages. The site is static: each person's queue is a page of
its own (pages/editorial.py), linked from here, not a login.
"""

from __future__ import annotations

from ..project import Project
from ..report.board import OVERDUE, Item
from . import editorial
from .handbook.addresses import HOME
from .handbook.home import CONTENTS

START_PAGE = "index.md"
KPI_PAGE = "kpi/index.md"
REPORTS = "reports/"


def page(project: Project, found: list[Item], on_site: set[str]) -> str:
    """The start page; `on_site`: the addresses of the site's pages (only those are linked)."""
    return "\n".join(
        [
            "# 员工工作台",
            "",
            f"口腔网络运营部员工的起点（截至 {project.today.isoformat()}）：先读员工手册，"
            "再看等你处理的事，然后是指标和报告。本站只供部门内部阅读。",
            "",
            *_handbook(on_site),
            *_waiting(project, found, on_site),
            *_figures(project, on_site),
        ]
    )


def _link(title: str, target: str, on_site: set[str]) -> str:
    return f"[{title}]({editorial.link(target, START_PAGE)})" if target in on_site else title


def _handbook(on_site: set[str]) -> list[str]:
    out = ["## 员工手册", "", f"- **{_link('员工手册', HOME, on_site)}**：部门制度的在线版本"]
    out += [f"- {_link(what, target, on_site)}" for target, what in CONTENTS]
    return [*out, ""]


def _waiting(project: Project, found: list[Item], on_site: set[str]) -> list[str]:
    p = project.policies
    overdue = [i for i in found if i.stage == OVERDUE]
    out = ["## 等待处理", "", f"### 逾期复审（{len(overdue)}）", ""]
    out += [
        f"- {editorial.title_of(i, START_PAGE, on_site)}：{'；'.join(i.reasons)}" for i in overdue
    ] or ["（无）"]
    out += ["", "### 各角色的审核队列", "", "| 角色 | 待处理 | 担任者 |", "|---|---|---|"]
    for role, name in p.roles.items():
        people = "、".join(
            _link(x.name, editorial.person_page(x.id), on_site) for x in p.holders(role)
        )
        count = len(editorial.role_queue(found, role))
        out.append(f"| {_link(name, editorial.QUEUE, on_site)} | {count} 篇 | {people or '—'} |")
    out += ["", "### 每个人的待办", ""]
    for person in p.people.values():
        waits = len(editorial.person_queue(p, found, person))
        mine = len(editorial.own_articles(found, person))
        target = editorial.person_page(person.id)
        out.append(
            f"- {_link(person.name, target, on_site)}：等你审核 {waits} 篇，"
            f"你的文章尚未公开 {mine} 篇"
        )
    return [*out, ""]


def _figures(project: Project, on_site: set[str]) -> list[str]:
    out = ["## 指标与报告", "", f"- {_link('指标看板', KPI_PAGE, on_site)}"]
    report = this_months_report(project, on_site)
    if report:
        month = report[len(REPORTS) : -len(".md")]
        latest = "本月报告" if month == project.today.strftime("%Y-%m") else "最新月度报告"
        out.append(f"- {_link(f'{latest}（{month[:4]} 年 {int(month[5:])} 月）', report, on_site)}")
    out += ["", "## 编辑工作", ""]
    out += [
        f"- {_link(title, target, on_site)}"
        for title, target in (
            ("编辑看板", editorial.BOARD),
            ("审核队列", editorial.QUEUE),
            ("内容日历", editorial.CALENDAR),
            ("合规检查汇总", editorial.COMPLIANCE),
            ("下线与到期", editorial.DROPS),
        )
    ]
    return [*out, ""]


def this_months_report(project: Project, on_site: set[str]) -> str | None:
    """This month's report, else the latest before it (a month's report follows its end)."""
    month = project.today.strftime("%Y-%m")
    reports = sorted(
        u
        for u in on_site
        if u.startswith(REPORTS) and u.endswith(".md") and u[len(REPORTS) : -3] <= month
    )
    return reports[-1] if reports else None
