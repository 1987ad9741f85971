"""Promotion plans and the budget as data: data/plans/*.yml (goals, channel budgets, themes,
schedule) and data/budget/<year>.yml (category -> month -> amount), validated with lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .kpis import _MONTH, _load

_PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$")


@dataclass(frozen=True)
class Plan:
    period: str  # 2026, 2026-Q4 or 2026-11
    months: tuple[str, ...]
    goals: dict[str, float]  # kpi id -> target for the period
    budget: dict[str, float]  # channel -> amount
    themes: tuple[str, ...]
    schedule: tuple[tuple[str, str], ...]


_QUARTERS = "一二三四"


def period_title(period: str) -> str:
    """A plan's period as staff say it: 2026 年、2026 年第四季度、2026 年 11 月."""
    m = _PERIOD.match(period)
    year, month, quarter = m.group(1), m.group(2), m.group(3)
    if month:
        return f"{year} 年 {int(month)} 月"
    return f"{year} 年第{_QUARTERS[int(quarter) - 1]}季度" if quarter else f"{year} 年"


def _months_of(period: str) -> tuple[str, ...]:
    m = _PERIOD.match(period)
    year, month, quarter = m.group(1), m.group(2), m.group(3)
    if month:
        return (period,)
    first = (int(quarter) - 1) * 3 + 1 if quarter else 1
    count = 3 if quarter else 12
    return tuple(f"{year}-{k:02d}" for k in range(first, first + count))


def load_plans(
    root: Path, kpi_ids: set[str]
) -> tuple[list[Plan], dict[str, dict[str, float]], list[Problem]]:
    """data/plans/*.yml and data/budget/<year>.yml (category -> month -> amount), validated with
    lines."""
    plans, budget, problems = [], {}, []
    for path in (
        sorted((root / "data" / "plans").glob("*.yml"))
        if (root / "data" / "plans").is_dir()
        else []
    ):
        r = _load(root, path, problems)
        if r is None:
            continue
        d = r.loaded.data
        r.unknown_keys(d, {"period", "goals", "budget", "themes", "schedule"}, ())
        period = str(d.get("period", ""))
        if not _PERIOD.match(period):
            r.fail(("period",), f"period '{period}' 无效", "写成 2026、2026-Q4 或 2026-11")
            problems.extend(r.problems)
            continue
        goals = {}
        for kid, target in r.mapping(d.get("goals", {}), ("goals",), "goals").items():
            if kid not in kpi_ids:
                r.fail(
                    ("goals", kid),
                    f"目标引用了不存在的指标 {kid}",
                    f"可用：{', '.join(sorted(kpi_ids))}（policies/kpis.yml）",
                )
            elif not isinstance(target, (int, float)) or isinstance(target, bool):
                r.fail(("goals", kid), f"指标 {kid} 的目标应该是数字")
            else:
                goals[str(kid)] = float(target)
        money = {}
        for channel, amount in r.mapping(d.get("budget", {}), ("budget",), "budget").items():
            if not isinstance(amount, (int, float)) or isinstance(amount, bool) or amount < 0:
                r.fail(("budget", channel), f"渠道 {channel} 的预算应该是非负数")
            else:
                money[str(channel)] = float(amount)
        schedule = []
        for i, item in enumerate(d.get("schedule") or []):
            item = r.mapping(item, ("schedule", i), "日程")
            if item:
                schedule.append((str(item.get("date", "")), str(item.get("item", ""))))
        plans.append(
            Plan(
                period,
                _months_of(period),
                goals,
                money,
                tuple(r.strings(d.get("themes", []), ("themes",), "themes")),
                tuple(schedule),
            )
        )
        problems.extend(r.problems)
    for path in (
        sorted((root / "data" / "budget").glob("*.yml"))
        if (root / "data" / "budget").is_dir()
        else []
    ):
        r = _load(root, path, problems)
        if r is None:
            continue
        for category, months in r.mapping(
            r.loaded.data.get("categories"), ("categories",), "categories"
        ).items():
            for month, amount in r.mapping(
                months, ("categories", category), f"预算类别 {category}"
            ).items():
                if (
                    not _MONTH.match(str(month))
                    or not isinstance(amount, (int, float))
                    or isinstance(amount, bool)
                    or amount < 0
                ):
                    r.fail(
                        ("categories", category, month),
                        f"{category} {month}：月份应写成 YYYY-MM，金额为非负数",
                    )
                else:
                    budget.setdefault(str(category), {})[str(month)] = float(amount)
        problems.extend(r.problems)
    return plans, budget, problems
