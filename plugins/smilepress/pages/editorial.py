"""The editorial pages of the internal site: the board, the review queue, a to-do page per person,
the content calendar and the compliance summary, from the editorial board's items
(report/board.py), each of which carries the gate's decision: nothing here decides what is public.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from ..model.policies import Person, Policies
from ..project import Project
from ..report import drops
from ..report.board import ARCHIVED, IN_REVIEW, OVERDUE, Item, columns, items
from ..report.formats import LEVEL_NAMES, markdown_text

BOARD, QUEUE, CALENDAR, COMPLIANCE, DROPS = (
    "editorial/index.md",
    "editorial/queue.md",
    "editorial/calendar.md",
    "editorial/compliance.md",
    "editorial/drops.md",
)
PEOPLE = "editorial/people"  # a to-do page per person: the site is static, there is no login
QUEUE_STAGES = (IN_REVIEW, OVERDUE)  # a reviewer is waited for now (a draft is its author's)
HEAD = (
    "| 文章 | 类型 | 状态 | 进度 | 分支 | 等待 | 天数 | 为何未公开 |\n"
    "|---|---|---|---|---|---|---|---|\n"
)


def person_page(person_id: str) -> str:
    return f"{PEOPLE}/{person_id}.md"


def link(target: str, here: str) -> str:
    """A relative link from the page at `here` to the page `target` (both site addresses)."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


def _cell(text: str) -> str:
    return markdown_text(text).replace("|", "\\|")


def title_of(i: Item, here: str, on_site: set[str]) -> str:
    """The article's title, linked to its page when the site has it."""
    title = _cell(i.title)
    return f"[{title}]({link(i.uri, here)})" if i.uri and i.uri in on_site else title


def why_not_public(i: Item) -> str:
    if i.public:
        return "已公开"
    return "；".join(_cell(r) for r in i.why) or "未通过发布条件"


def _row(p: Policies, i: Item, here: str, on_site: set[str]) -> str:
    kind = p.types[i.type].name if i.type in p.types else i.type
    where = f"`{i.branch}`" if i.branch else "主分支"
    waiting = "、".join(i.waiting_for) or "—"
    if i.routed:  # the checks added a reviewer: say why, in the cell
        waiting += f"<br>因检查发现需审核：{'；'.join(_cell(r) for r in i.routed)}"
    return (
        f"| {title_of(i, here, on_site)} | {kind} | {p.states.get(i.status, i.status)} | "
        f"{i.stage} | {where} | {waiting} | {i.days} | {why_not_public(i)} |"
    )


def _table(p: Policies, found: Iterable[Item], here: str, on_site: set[str]) -> str:
    rows = [_row(p, i, here, on_site) for i in found]
    return HEAD + "\n".join(rows) if rows else "（无）"


def role_queue(found: list[Item], role: str) -> list[Item]:
    """What waits for `role` now, longest waiting first."""
    return sorted(
        (i for i in found if role in i.waiting_roles and i.stage in QUEUE_STAGES),
        key=lambda i: -i.days,
    )


def person_queue(p: Policies, found: list[Item], person: Person) -> list[tuple[str, Item]]:
    """(role, item) for what waits for `person`: each role they hold, never their own article (the
    four-eyes rule: an author does not approve it)."""
    return [
        (role, i)
        for role in person.roles
        if role in p.roles
        for i in role_queue(found, role)
        if person.id not in i.authors
    ]


def own_articles(found: list[Item], person: Person) -> list[Item]:
    """The person's own articles that are not public yet and not archived: theirs to move on."""
    return [i for i in found if person.id in i.authors and not i.public and i.stage != ARCHIVED]


def board_page(project: Project, found: list[Item], on_site: set[str]) -> str:
    out = [
        "# 编辑看板",
        "",
        f"截至 {project.today.isoformat()}；进行中的文章也从 `content/…` 分支读取。"
        "“进度”和“为何未公开”由发布条件判定，与命令行的编辑看板相同。",
        "",
    ]
    for name, column in columns(project, found):
        out += [f"## {name}（{len(column)}）", "", _table(project.policies, column, BOARD, on_site)]
        out.append("")
    return "\n".join(out)


def queue_page(project: Project, found: list[Item], on_site: set[str]) -> str:
    p = project.policies
    out = [
        "# 审核队列",
        "",
        "谁在等：每个角色（以及担任它的人）要批准或复审的文章，等得最久的在前。"
        "每个人自己的待办见下方链接。",
        "",
    ]
    for role, role_name in p.roles.items():
        holders = "、".join(
            f"[{x.name}]({link(person_page(x.id), QUEUE)})" for x in p.holders(role)
        )
        waiting = role_queue(found, role)
        out += [f"## {role_name}（{len(waiting)}）", "", f"担任者：{holders or '无人担任'}", ""]
        out += [_table(p, waiting, QUEUE, on_site), ""]
    return "\n".join(out)


def people_pages(project: Project, found: list[Item], on_site: set[str]) -> dict[str, str]:
    p = project.policies
    out = {}
    for person in p.people.values():
        here = person_page(person.id)
        roles = "、".join(p.role_name(r) for r in person.roles) or "无"
        queue = person_queue(p, found, person)
        mine = own_articles(found, person)
        text = [
            f"# {person.name}的待办",
            "",
            f"截至 {project.today.isoformat()}。担任：{roles}。",
            "",
            f"## 等你审核（{len(queue)}）",
            "",
        ]
        rows = [
            f"| {p.role_name(role)} | {title_of(i, here, on_site)} | {i.stage} | {i.days} | "
            f"{why_not_public(i)} |"
            for role, i in queue
        ]
        head = ["| 以何角色 | 文章 | 进度 | 已等天数 | 为何未公开 |", "|---|---|---|---|---|"]
        text += [*head, *rows] if rows else ["（无）"]
        text += [
            "",
            f"## 你的文章，尚未公开（{len(mine)}）",
            "",
            _table(p, mine, here, on_site),
            "",
        ]
        out[here] = "\n".join(text)
    return out


def calendar_page(project: Project, found: list[Item], on_site: set[str]) -> str:
    """Articles by publish date, each in the state the gate gives it today; then review dates."""
    p = project.policies
    by_path = {i.path: i for i in found if not i.branch}
    out = [
        "# 内容日历",
        "",
        "按发布日期排列；每篇的进度由发布条件判定"
        "（已发布、定时发布、待审、计划、待修改、逾期复审、已过期、已归档等）。",
        "",
    ]
    dated = sorted(
        (e for e in project.entries if e.article.publish_date and e.article.path in by_path),
        key=lambda e: (e.article.publish_date, e.article.path),
    )
    for month in sorted({e.article.publish_date.strftime("%Y-%m") for e in dated}):
        out += [f"## {month[:4]} 年 {int(month[5:])} 月", ""]
        for e in dated:
            if e.article.publish_date.strftime("%Y-%m") == month:
                i = by_path[e.article.path]
                out.append(
                    f"- {e.article.publish_date.isoformat()} **{i.stage}**："
                    f"{title_of(i, CALENDAR, on_site)}（{p.states.get(i.status, i.status)}）"
                )
        out.append("")
    reviews = sorted(
        (
            (e.facts.review_by, by_path[e.article.path])
            for e in project.entries
            if e.facts.review_by and e.article.path in by_path
        ),
        key=lambda pair: (pair[0], pair[1].path),
    )
    out += ["## 医学内容复审期限", ""]
    out += [
        f"- {day.isoformat()}{'（已逾期）' if day < project.today else ''}："
        f"{title_of(i, CALENDAR, on_site)}（{i.stage}）"
        for day, i in reviews
        if i.stage != ARCHIVED
    ] or ["（无）"]
    out.append("")
    return "\n".join(out)


def compliance_page(project: Project, found: list[Item], on_site: set[str]) -> str:
    """Findings not waived, by level (the project's levels), then by rule: what the rule says, its
    basis and the articles, linked."""
    by_path = {i.path: i for i in found if not i.branch}
    rules = project.ruleset.by_id
    grouped: dict[str, dict[str, list]] = {level: {} for level in LEVEL_NAMES}
    waivers = []
    for e in project.entries:
        item = by_path.get(e.article.path)
        for f in e.review.findings:
            if not f.waived:
                grouped.setdefault(f.level, {}).setdefault(f.rule, []).append((f, item))
        waivers += [
            f"- {title_of(item, COMPLIANCE, on_site) if item else _cell(e.article.display_title)}："
            f"{markdown_text(w.describe())}"
            for w in e.review.waivers
        ]
    out = ["# 合规检查汇总", "", f"截至 {project.today.isoformat()}，未豁免的问题按级别列出。", ""]
    for level, by_rule in grouped.items():
        total = sum(len(v) for v in by_rule.values())
        out += [f"## {LEVEL_NAMES.get(level, level)}（{total} 处）", ""]
        if not by_rule:
            out += ["（无）", ""]
            continue
        out += ["| 规则 | 依据 | 处数 | 文章 |", "|---|---|---|---|"]
        for rule_id, hits in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
            rule = rules.get(rule_id)
            said = rule.message if rule else hits[0][0].message
            basis = (rule.basis if rule else hits[0][0].basis) or "—"
            articles: dict[str, str] = {}
            for f, item in hits:
                key = item.path if item else f.path
                articles.setdefault(key, title_of(item, COMPLIANCE, on_site) if item else "")
            out.append(
                f"| {_cell(said)} | {_cell(basis)} | {len(hits)} | "
                f"{'、'.join(t for t in articles.values() if t) or '—'} |"
            )
        out.append("")
    out += ["## 豁免（含理由）", "", *(waivers or ["（无）"]), ""]
    return "\n".join(out)


def pages(
    project: Project, on_site: set[str] = frozenset(), found: list[Item] | None = None
) -> dict[str, str]:
    """src_uri -> Markdown: the board, the review queue, each person's to-do page, the calendar,
    the compliance summary and the drops. `on_site`: the addresses of the site's pages (titles
    link to those); `found`: the board's items, if the caller has them."""
    found = items(project) if found is None else found
    return {
        BOARD: board_page(project, found, on_site),
        QUEUE: queue_page(project, found, on_site),
        CALENDAR: calendar_page(project, found, on_site),
        COMPLIANCE: compliance_page(project, found, on_site),
        DROPS: drops.report(project).markdown(),
        **people_pages(project, found, on_site),
    }
