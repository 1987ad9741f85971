"""The KPI pages of the internal site (regulation §2.2.5, §3.1, §3.4): the dashboard, a page per
indicator, a monthly report per month, the plans against actual numbers and the budget's execution.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem
from ..load.files import read_text
from ..model.kpis import FIELD_NAMES, FIELDS, Kpi, Metrics, load_kpis, load_metrics
from ..model.plans import Plan, load_plans, period_title
from .charts import svg_line, svg_sparkline

PROMOTION = "推广费用"  # the budget category the channels' `spend` is measured against
VARIANCE = 0.10  # budget execution off by more than this share is called out (finance.yml)
_STATUS_CLASS = {"达标": "ok", "接近": "near", "未达标": "miss", "无数据": "none"}


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM), so that a month without a file is a gap."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def series(k: Kpi, metrics: Metrics, months: list[str]) -> list[tuple[str, float | None]]:
    """The indicator month by month; None for a month without numbers or where it is undefined."""
    return [(m, k.value(metrics.total(m)) if m in metrics.months else None) for m in months]


def _status(k: Kpi, value: float | None, target: float | None = None) -> str:
    status = k.status(value, target)
    return f'<span class="kpi-{_STATUS_CLASS[status]}">{status}</span>'


def _span(months: list[str]) -> str:
    """Months as staff say them: 2026-10 至 2026-11，共 2 个月."""
    if not months:
        return "尚无数据"
    if len(months) == 1:
        return months[0]
    return f"{months[0]} 至 {months[-1]}，共 {len(months)} 个月"


def pages(kpis: list[Kpi], metrics: Metrics) -> dict[str, str]:
    """src_uri -> Markdown of the KPI dashboard, a page per KPI and a monthly report per month."""
    if not kpis or not metrics.months:
        return {}
    months = months_between(min(metrics.months), max(metrics.months))
    latest = months[-1]
    before = months[-2] if len(months) > 1 else None
    recent = months[-12:]
    out: dict[str, str] = {}
    rows = []
    for k in kpis:
        now = k.value(metrics.total(latest))
        prev = k.value(metrics.total(before)) if before in metrics.months else None
        trend = (
            ""
            if now is None or prev is None
            else " ↑"
            if now > prev
            else " ↓"
            if now < prev
            else " →"
        )
        spark = svg_sparkline(
            series(k, metrics, recent), name=f"{k.name}近 {len(recent)} 个月走势", fmt=k.format
        )
        rows.append(
            f"| [{k.name}]({k.id}.md) | {k.format(now)}{trend} | {spark} | {k.format(k.target)} | "
            f"{_status(k, now)} | {k.format(prev)} | {k.group} |"
        )
        out[f"kpi/{k.id}.md"] = _kpi_page(k, metrics, months, latest)
    out["kpi/index.md"] = (
        f"# 指标看板（{latest}）\n\n"
        "数据来自每月运营数据（各推广渠道和客服系统导出的月度汇总）；"
        "点指标名称可看它的公式、各月走势和各渠道数值。\n\n"
        f"| 指标 | {latest} | 近 {len(recent)} 个月 | 目标 | 状态 | {before or '上月'} | 负责 |\n"
        "|---|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\n"
        + "\n".join(
            f"- [{m} 月度报告](../reports/{m}.md)" for m in reversed(months) if m in metrics.months
        )
        + "\n"
    )
    for m in metrics.months:
        out[f"reports/{m}.md"] = _report(metrics, m)
    return out


def _kpi_page(k: Kpi, metrics: Metrics, months: list[str], latest: str) -> str:
    points = series(k, metrics, months)
    channels = sorted({c for m in metrics.months for c in metrics.months[m]})
    by_channel = "\n".join(
        f"| {c} | {k.format(k.value(metrics.months[latest].get(c, {})))} |" for c in channels
    )
    by_month = "\n".join(f"| {m} | {k.format(v)} | {_status(k, v)} |" for m, v in reversed(points))
    chart = svg_line(points, name=f"{k.name}各月走势", unit=k.unit, fmt=k.format, target=k.target)
    return (
        f"# {k.name}\n\n- 负责：{k.group}\n- 公式：{k.formula_text()}\n"
        f"- 方向：{'越高越好' if k.direction == 'higher' else '越低越好'}，"
        f"目标 {k.format(k.target)}\n\n## 各月走势\n\n{chart}\n\n"
        f"## 各月数值\n\n| 月份 | 数值 | 状态 |\n|---|---|---|\n{by_month}\n\n"
        f"## {latest} 各渠道\n\n| 渠道 | 数值 |\n|---|---|\n{by_channel}\n"
    )


def _report(metrics: Metrics, m: str) -> str:
    total = metrics.total(m)
    funnel = " → ".join(f"{FIELD_NAMES[f]} {total[f]:,.0f}" for f in FIELDS[:6])
    table = "\n".join(
        f"| {c} | {n.get('impressions', 0):,.0f} | {n.get('clicks', 0):,.0f} | "
        f"{100 * n.get('clicks', 0) / n['impressions'] if n.get('impressions') else 0:.2f}% | "
        f"{n.get('consultations', 0):,.0f} | "
        f"{100 * n.get('deals', 0) / n['consultations'] if n.get('consultations') else 0:.1f}"
        "% | "
        f"{n.get('spend', 0) / n['consultations'] if n.get('consultations') else 0:,.0f} | "
        f"{n.get('revenue', 0) / n['spend'] if n.get('spend') else 0:.2f} |"
        for c, n in sorted(metrics.months[m].items())
    )
    return (
        f"# {m} 推广月度报告\n\n## 漏斗\n\n{funnel}\n\n## 渠道\n\n"
        "| 渠道 | 展现 | 点击 | 点击率 | 咨询 | 咨询→成交 | 每次咨询成本（元） | ROI |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"{table}\n"
    )


def _summed(metrics: Metrics, months: list[str]) -> dict[str, float]:
    """The months' numbers added up (channels and the service counts alike)."""
    out: dict[str, float] = {}
    for m in months:
        for f, n in metrics.total(m).items():
            out[f] = out.get(f, 0.0) + n
    return out


def _goal_note(plan: Plan, goals: list[Kpi]) -> str:
    """How a period's goal is set against part of the period, in words."""
    counts = [k for k in goals if k.additive]
    n = len(plan.months)
    if not counts or n == 1:
        return "比率类指标（如点击率）每月和全期都用同一个目标。\n"
    example = counts[0]
    goal = plan.goals[example.id]
    return (
        f"数量类指标（{'、'.join(k.name for k in counts)}）的目标是全期 {n} 个月的合计，"
        f"按月平均分摊：例如{example.name}每月 {example.format(goal / n)}"
        f"（{example.format(goal)} ÷ {n}），几个月的目标就是几个月分摊之和；"
        "比率类指标（如点击率）每月和全期都用同一个目标。\n"
    )


def _share(k: Kpi, goal: float, months: int, of: int) -> float:
    """The goal for `months` of a period of `of` months: a count's share, a ratio's same goal."""
    return goal * months / of if k.additive else goal


def plan_pages(
    kpis_: list[Kpi], metrics: Metrics, plans: list[Plan], budget: dict[str, dict[str, float]]
) -> dict[str, str]:
    """Plan pages (goals against actual, budget split, themes, schedule) and the budget page."""
    out = {}
    by_id = {k.id: k for k in kpis_}
    for plan in plans:
        out[f"plans/{plan.period}.md"] = _plan_page(plan, by_id, metrics)
    if budget:
        out["plans/budget.md"] = _budget_page(metrics, budget)
    return out


def _plan_page(plan: Plan, by_id: dict[str, Kpi], metrics: Metrics) -> str:
    n = len(plan.months)
    known = [m for m in plan.months if m in metrics.months]
    total = _summed(metrics, known)
    goals = [by_id[k] for k in plan.goals if k in by_id]
    rows = []
    for k in goals:
        goal = plan.goals[k.id]
        actual = k.value(total) if known else None
        so_far = _share(k, goal, len(known), n)
        rows.append(
            f"| {k.name} | {k.format(goal)} | {k.format(so_far) if known else '—'} | "
            f"{k.format(actual)} | {_status(k, actual, so_far)} |"
        )
    spend = {
        c: sum(metrics.months[m].get(c, {}).get("spend", 0) for m in known) for c in plan.budget
    }
    money = "\n".join(
        f"| {c} | {a:,.0f} | {a * len(known) / n:,.0f} | {spend[c]:,.0f} | "
        f"{_rate(spend[c], a * len(known) / n)} |"
        for c, a in plan.budget.items()
    )
    steps = "\n".join(f"- {d}：{what}" for d, what in plan.schedule) or "（无）"
    return (
        f"# 推广计划：{period_title(plan.period)}\n\n"
        f"覆盖月份：{plan.months[0]} 至 {plan.months[-1]}，共 {n} 个月；"
        f"已有数据的月份：{_span(known)}。实际与同一段时间的目标相比。\n\n"
        "## 目标与实际\n\n"
        f"| 指标 | 全期目标 | 已有数据月份的目标 | 已有数据月份的实际 | 状态 |\n"
        "|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\n"
        + _goal_note(plan, goals)
        + "\n## 渠道预算与消费\n\n"
        "| 渠道 | 全期预算（元） | 已有数据月份的预算（元） | 同期消费（元） | 执行率 |\n"
        f"|---|---|---|---|---|\n{money}\n\n"
        f"渠道预算按月平均分摊：已有数据 {len(known)} 个月的预算 = "
        f"全期预算 × {len(known)} ÷ {n}。\n"
        "\n## 内容主题\n\n" + ("、".join(plan.themes) or "（无）") + f"\n\n## 日程\n\n{steps}\n"
    )


def _rate(spent: float, planned: float) -> str:
    return f"{100 * spent / planned:.0f}%" if planned else "—"


def _spend(metrics: Metrics, month: str) -> float:
    return sum(n.get("spend", 0) for n in metrics.months.get(month, {}).values())


def _budget_page(metrics: Metrics, budget: dict[str, dict[str, float]]) -> str:
    """The year's budget by category and month, and execution compared over the same months: the
    budget of the months that have spending data against what was spent in them."""
    months = sorted({m for by_month in budget.values() for m in by_month})
    measured = [m for m in months if m in metrics.months]
    spent = sum(_spend(metrics, m) for m in measured)
    rows = []
    for category, by_month in sorted(budget.items()):
        same = sum(by_month.get(m, 0) for m in measured)
        actual = spent if category == PROMOTION and measured else None
        rows.append(
            f"| {category} | {same:,.0f} | "
            + ("—" if actual is None else f"{actual:,.0f}")
            + f" | {'—' if actual is None else _rate(actual, same)} | "
            f"{sum(by_month.values()):,.0f} |"
        )
    plan_rows = [
        f"| {category} | "
        + " | ".join(f"{by_month.get(m, 0):,.0f}" for m in months)
        + f" | {sum(by_month.values()):,.0f} |"
        for category, by_month in sorted(budget.items())
    ]
    plan_rows.append(
        f"| {PROMOTION}实际消费 | "
        + " | ".join(f"{_spend(metrics, m):,.0f}" if m in metrics.months else "—" for m in months)
        + " | — |"
    )
    return (
        "# 年度预算与执行\n\n"
        f"## 执行情况（{_span(measured)}）\n\n"
        "执行率 = 同期实际消费 ÷ 同期预算：只比较已有消费数据的月份，全年预算单列。"
        f"目前只有{PROMOTION}有实际消费数据（每月运营数据中各渠道的消费）。\n\n"
        "| 类别 | 同期预算（元） | 同期实际（元） | 执行率 | 全年预算（元） |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "## 各月预算（元）\n\n| 类别 | "
        + " | ".join(months)
        + " | 全年 |\n|---|"
        + "---|" * (len(months) + 1)
        + "\n"
        + "\n".join(plan_rows)
        + "\n"
    )


def _variance(spent: float, planned: float) -> str:
    variance = (spent - planned) / planned if planned else 0.0
    if abs(variance) > VARIANCE:
        return f"**偏差 {variance:+.0%}，超过 ±{VARIANCE:.0%}，请说明原因**"
    return f"偏差 {variance:+.0%}"


def budget_execution(
    metrics: Metrics, budget: dict[str, dict[str, float]], month: str, category: str = PROMOTION
) -> str:
    """The month's budget against the month's spending, and the year so far against the budget of
    the same months (finance.yml: a cumulative variance over 10% is explained that month)."""
    by_month = budget.get(category, {})
    planned = by_month.get(month)
    if planned is None:
        return ""
    spent = _spend(metrics, month)
    so_far = [m for m in sorted(by_month) if m <= month and m in metrics.months]
    planned_so_far = sum(by_month[m] for m in so_far)
    spent_so_far = sum(_spend(metrics, m) for m in so_far)
    return (
        f"\n## 预算执行\n\n"
        f"- 本月：{category}预算 {planned:,.0f} 元，实际消费 {spent:,.0f} 元，"
        f"{_variance(spent, planned)}。\n"
        f"- 本年累计（{_span(so_far)}）：同期预算 {planned_so_far:,.0f} 元，"
        f"实际消费 {spent_so_far:,.0f} 元，{_variance(spent_so_far, planned_so_far)}。"
        f"全年预算 {sum(by_month.values()):,.0f} 元。\n"
    )


def plan_against_actual(kpis_: list[Kpi], metrics: Metrics, plans: list[Plan], month: str) -> str:
    """For each plan covering `month`: the month against the month's share of each goal, and the
    plan's months so far against the goal for those months."""
    by_id = {k.id: k for k in kpis_}
    out = []
    for plan in plans:
        if month not in plan.months:
            continue
        n = len(plan.months)
        so_far = [m for m in plan.months if m <= month and m in metrics.months]
        month_total, total = metrics.total(month), _summed(metrics, so_far)
        goals = [by_id[k] for k in plan.goals if k in by_id]
        rows = []
        for k in goals:
            goal = plan.goals[k.id]
            now, month_goal = k.value(month_total), _share(k, goal, 1, n)
            cumulative, cumulative_goal = k.value(total), _share(k, goal, len(so_far), n)
            rows.append(
                f"| {k.name} | {k.format(month_goal)} | {k.format(now)} "
                f"{_status(k, now, month_goal)} | {k.format(cumulative_goal)} | "
                f"{k.format(cumulative)} {_status(k, cumulative, cumulative_goal)} | "
                f"{k.format(goal)} |"
            )
        title = period_title(plan.period)
        out.append(
            f"\n## 计划与实际（{title}计划）\n\n"
            f"本月与本月的目标相比；累计（{_span(so_far)}）与同一段时间的目标相比。\n\n"
            "| 指标 | 本月目标 | 本月实际 | 累计目标 | 累计实际 | 全期目标 |\n"
            f"|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n" + _goal_note(plan, goals)
        )
    return "".join(out)


def internal_pages(root: Path) -> tuple[dict[str, str], list[Problem]]:
    """Every KPI, report, plan and budget page of the internal site, and the problems in their
    data."""
    indicators, problems = load_kpis(root)
    metrics = load_metrics(root)
    plans, budget, plan_problems = load_plans(root, {k.id for k in indicators})
    out = {**pages(indicators, metrics), **plan_pages(indicators, metrics, plans, budget)}
    for uri in [u for u in out if u.startswith("reports/")]:
        month = uri[len("reports/") : -3]
        out[uri] += plan_against_actual(indicators, metrics, plans, month) + budget_execution(
            metrics, budget, month
        )
        narrative = f"data/reports/{month}.md"
        if os.path.lexists(root / narrative):
            text, read_problems = read_text(root, narrative)  # a regular file only
            problems += read_problems
            if text is not None:
                out[uri] += "\n## 分析与建议\n\n" + text
    return out, problems + metrics.problems + plan_problems
