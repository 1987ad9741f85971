"""The editorial pages of the internal site: the board, the review queue, the content calendar and
the compliance summary, from the editorial board's items (report/board.py).
"""

from __future__ import annotations

from ..project import Project
from ..report import drops
from ..report.board import Item, items
from ..report.formats import LIVE_LEVELS, markdown_text


def _row(p, i: Item) -> str:
    kind = p.types[i.type].name if i.type in p.types else i.type
    where = f"`{i.branch}`" if i.branch else "main"
    title = markdown_text(i.title).replace("|", "\\|")
    waiting = "、".join(i.waiting_for) or "—"
    if i.routed:  # the checks added a reviewer: say why, in the cell
        why = "；".join(markdown_text(r).replace("|", "\\|") for r in i.routed)
        waiting += f"<br>因检查发现需审核：{why}"
    return (
        f"| {title} | {kind} | {p.states.get(i.status, i.status)} | {where} | "
        f"{waiting} | {i.days} |"
    )


def pages(project: Project) -> dict[str, str]:
    """src_uri -> Markdown: the board, the review queue, the calendar and the compliance summary."""
    p = project.policies
    found = items(project)
    head = "| 文章 | 类型 | 状态 | 分支 | 等待 | 天数 |\n|---|---|---|---|---|---|\n"
    board = [
        "# 编辑看板",
        "",
        f"截至 {project.today.isoformat()}；进行中的文章也从 `content/…` 分支读取。",
        "",
    ]
    for state, name in p.states.items():
        column = [i for i in found if i.status == state]
        board += [
            f"## {name}（{len(column)}）",
            "",
            head + "\n".join(_row(p, i) for i in column) if column else "（无）",
            "",
        ]
    queue = [
        "# 审核队列",
        "",
        "谁在等：每个角色（以及担任它的人）要批准的文章，等得最久的在前。",
        "",
    ]
    for role, role_name in p.roles.items():
        waiting = sorted(
            (i for i in found if role_name in i.waiting_for and i.status == "review"),
            key=lambda i: -i.days,
        )
        holders = "、".join(x.name for x in p.holders(role)) or "无人担任"
        queue += [
            f"## {role_name}（{holders}）",
            "",
            head + "\n".join(_row(p, i) for i in waiting) if waiting else "（无）",
            "",
        ]
    calendar = ["# 内容日历", "", "按发布日期（publish_date）排列；未到日期或未发布的为计划。", ""]
    dated = sorted(
        (e for e in project.entries if e.article.publish_date), key=lambda e: e.article.publish_date
    )
    for month in sorted({e.article.publish_date.strftime("%Y-%m") for e in dated}):
        calendar += [f"## {month}", ""]
        for e in dated:
            a = e.article
            if a.publish_date.strftime("%Y-%m") == month:
                done = a.status == "published" and a.publish_date <= project.today
                calendar.append(
                    f"- {a.publish_date.isoformat()} {'已发布' if done else '计划'}："
                    f"{markdown_text(a.display_title)}"
                    f"（{p.states.get(a.status, a.status)}）"
                )
        calendar.append("")
    counts: dict[str, int] = {}
    waivers = []
    for e in project.entries:
        for f in e.review.findings:
            if f.level in LIVE_LEVELS and not f.waived:
                counts[f.category] = counts.get(f.category, 0) + 1
        waivers += [
            f"- `{e.article.path}`：{markdown_text(w.describe())}" for w in e.review.waivers
        ]
    compliance = ["# 合规检查汇总", "", "| 类别 | 未豁免的问题 |", "|---|---|"]
    compliance += [f"| {c} | {n} |" for c, n in sorted(counts.items(), key=lambda kv: -kv[1])] or [
        "| （无） | 0 |"
    ]
    compliance += ["", "## 豁免（含理由）", "", *(waivers or ["（无）"]), ""]
    return {
        "editorial/index.md": "\n".join(board),
        "editorial/queue.md": "\n".join(queue),
        "editorial/calendar.md": "\n".join(calendar),
        "editorial/compliance.md": "\n".join(compliance),
        "editorial/drops.md": drops.report(project).markdown(),
    }
