"""The KPI pages of the internal site (regulation §2.2.5, §3.1, §3.4): the dashboard, a page per
indicator, a monthly report per month, the plans against actual numbers and the budget's execution.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem
from ..load.files import read_text
from ..model.kpis import FIELD_NAMES, FIELDS, Kpi, Metrics, load_kpis, load_metrics
from ..model.plans import Plan, load_plans
from .charts import svg_line


def _fmt(value: float | None, kpi: Kpi) -> str:
    if value is None:
        return "—"
    return (
        f"{value:.1f}{kpi.unit}"
        if kpi.scale != 1.0 or abs(value) < 100
        else f"{value:,.0f}{kpi.unit}"
    )


_STATUS_CLASS = {"达标": "ok", "接近": "near", "未达标": "miss", "无数据": "none"}


def pages(kpis: list[Kpi], metrics: Metrics) -> dict[str, str]:
    """src_uri -> Markdown of the KPI dashboard, a page per KPI and a monthly report per month."""
    months = sorted(metrics.months)
    if not kpis or not months:
        return {}
    latest, before = months[-1], (months[-2] if len(months) > 1 else None)
    out: dict[str, str] = {}
    rows = []
    for k in kpis:
        now = k.value(metrics.total(latest))
        prev = k.value(metrics.total(before)) if before else None
        trend = (
            "—"
            if now is None or prev is None
            else "↑"
            if now > prev
            else "↓"
            if now < prev
            else "→"
        )
        rows.append(
            f"| [{k.name}]({k.id}.md) | {k.group} | {_fmt(now, k)} {trend} | {_fmt(prev, k)} | "
            f'{k.target:g}{k.unit} | <span class="kpi-{_STATUS_CLASS[k.status(now)]}">'
            f"{k.status(now)}</span> |"
        )
        series = [(m, k.value(metrics.total(m))) for m in months]
        channels = sorted({c for m in months for c in metrics.months[m]})
        by_channel = "\n".join(
            f"| {c} | {_fmt(k.value(metrics.months[latest].get(c, {})), k)} |" for c in channels
        )
        out[f"kpi/{k.id}.md"] = (
            f"# {k.name}\n\n- 负责：{k.group}\n- 公式：`{k.formula}`"
            f"{'（百分比）' if k.scale == 100 else ''}\n"
            f"- 方向：{'越高越好' if k.direction == 'higher' else '越低越好'}，"
            f"目标 {k.target:g}{k.unit}\n\n## 各月走势\n\n"
            f"{svg_line(series, k.target, f'{k.name}各月走势')}\n\n"
            f"## {latest} 各渠道\n\n| 渠道 | 数值 |\n|---|---|\n{by_channel}\n"
        )
    out["kpi/index.md"] = (
        f"# 指标看板（{latest}）\n\n数据来自 data/metrics/，公式见 policies/kpis.yml。\n\n"
        f"| 指标 | 负责 | {latest} | {before or '上月'} | 目标 | 状态 |\n"
        "|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\n"
        + "\n".join(f"- [{m} 月度报告](../reports/{m}.md)" for m in reversed(months))
        + "\n"
    )
    for m in months:
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
        out[f"reports/{m}.md"] = (
            f"# {m} 推广月度报告\n\n## 漏斗\n\n{funnel}\n\n## 渠道\n\n"
            "| 渠道 | 展现 | 点击 | 点击率 | 咨询 | 咨询→成交 | 每次咨询成本（元） | ROI |\n"
            "|---|---|---|---|---|---|---|---|\n"
            f"{table}\n"
        )
    return out


VARIANCE = 0.10  # budget execution off by more than this share is called out


def plan_pages(
    kpis_: list[Kpi], metrics: Metrics, plans: list[Plan], budget: dict[str, dict[str, float]]
) -> dict[str, str]:
    """Plan pages (goals against actual, budget split, themes, schedule) and the budget page."""
    out = {}
    by_id = {k.id: k for k in kpis_}
    for plan in plans:
        known = [m for m in plan.months if m in metrics.months]
        total = {f: sum(metrics.total(m)[f] for m in known) for f in FIELDS}
        goals = "\n".join(
            f"| {by_id[k].name} | {t:g}{by_id[k].unit} | "
            f"{_fmt(by_id[k].value(total) if known else None, by_id[k])} |"
            for k, t in plan.goals.items()
        )
        spend = {
            c: sum(metrics.months[m].get(c, {}).get("spend", 0) for m in known) for c in plan.budget
        }
        money = "\n".join(
            f"| {c} | {a:,.0f} | {spend[c]:,.0f} | {100 * spend[c] / a if a else 0:.0f}% |"
            for c, a in plan.budget.items()
        )
        steps = "\n".join(f"- {d}：{what}" for d, what in plan.schedule) or "（无）"
        out[f"plans/{plan.period}.md"] = (
            f"# 推广计划 {plan.period}\n\n覆盖月份：{plan.months[0]} 至 {plan.months[-1]}"
            f"（已有数据 {len(known)} 个月）\n\n## 目标与实际\n\n"
            "| 指标 | 目标 | 实际 |\n|---|---|---|\n"
            f"{goals}\n\n## 渠道预算与消费\n\n"
            "| 渠道 | 预算（元） | 已消费（元） | 执行率 |\n|---|---|---|---|\n"
            f"{money}\n\n## 内容主题\n\n"
            + ("、".join(plan.themes) or "（无）")
            + f"\n\n## 日程\n\n{steps}\n"
        )
    if budget:
        months = sorted({m for by_month in budget.values() for m in by_month})
        rows = []
        for category, by_month in sorted(budget.items()):
            rows.append(
                f"| {category} | "
                + " | ".join(f"{by_month.get(m, 0):,.0f}" for m in months)
                + f" | {sum(by_month.values()):,.0f} |"
            )
        actual = [
            sum(
                metrics.months.get(m, {}).get(c, {}).get("spend", 0)
                for c in metrics.months.get(m, {})
            )
            for m in months
        ]
        rows.append(
            "| 推广实际消费 | "
            + " | ".join(f"{a:,.0f}" for a in actual)
            + f" | {sum(actual):,.0f} |"
        )
        out["plans/budget.md"] = (
            "# 年度预算与执行\n\n| 类别 | "
            + " | ".join(months)
            + " | 合计 |\n|---|"
            + "---|" * (len(months) + 1)
            + "\n"
            + "\n".join(rows)
            + "\n"
        )
    return out


def budget_execution(
    metrics: Metrics, budget: dict[str, dict[str, float]], month: str, category: str = "推广费用"
) -> str:
    """The month's promotion budget against what the channels spent, with a variance call-out."""
    planned = budget.get(category, {}).get(month)
    if planned is None:
        return ""
    spent = sum(n.get("spend", 0) for n in metrics.months.get(month, {}).values())
    variance = (spent - planned) / planned if planned else 0.0
    flag = (
        f"**偏差 {variance:+.0%}，超过 ±{VARIANCE:.0%}，请说明原因**"
        if abs(variance) > VARIANCE
        else f"偏差 {variance:+.0%}"
    )
    return (
        f"\n## 预算执行\n\n{category}：预算 {planned:,.0f} 元，实际消费 {spent:,.0f} 元，{flag}。\n"
    )


def plan_against_actual(kpis_: list[Kpi], metrics: Metrics, plans: list[Plan], month: str) -> str:
    """For each plan covering `month`: its goals beside the month's values."""
    by_id = {k.id: k for k in kpis_}
    out = []
    for plan in plans:
        if month not in plan.months:
            continue
        rows = "\n".join(
            f"| {by_id[k].name} | {t:g}{by_id[k].unit} | "
            f"{_fmt(by_id[k].value(metrics.total(month)), by_id[k])} |"
            for k, t in plan.goals.items()
            if k in by_id
        )
        out.append(
            f"\n## 计划与实际（{plan.period} 计划）\n\n"
            f"| 指标 | 计划目标 | 本月实际 |\n|---|---|---|\n{rows}\n"
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
