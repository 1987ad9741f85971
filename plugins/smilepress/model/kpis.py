"""KPIs as data (regulation §2.2.5, §3.1, §3.4): indicator definitions in policies/kpis.yml, monthly
numbers per channel in data/metrics/<YYYY-MM>.yml, computed safely (formulas are parsed, never
eval'd) and rendered into internal pages with SVG charts drawn at build time.
"""
from __future__ import annotations

import ast
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from .policies import PolicyReader, load_policy_file, load_yaml_file

FIELDS = ("impressions", "clicks", "consultations", "appointments", "arrivals", "deals", "spend", "revenue")
FIELD_NAMES = {"impressions": "展现", "clicks": "点击", "consultations": "咨询", "appointments": "预约",
               "arrivals": "到院", "deals": "成交", "spend": "消费（元）", "revenue": "收入（元）"}
# Customer service, department-wide (`service:` in a month's file).
SERVICE_FIELDS = ("handled", "first_response_minutes", "complaints", "complaints_resolved_in_sla")
FORMULA_FIELDS = FIELDS + SERVICE_FIELDS
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
        ast.Div: lambda a, b: a / b}


@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    group: str
    formula: str
    tree: ast.Expression
    unit: str
    direction: str        # higher | lower
    target: float
    scale: float = 1.0    # 100 for a percentage

    def value(self, numbers: dict[str, float]) -> float | None:
        """The indicator for these numbers; None when it is undefined (a division by zero, a missing field)."""
        try:
            return _evaluate(self.tree.body, numbers) * self.scale
        except (ZeroDivisionError, KeyError):
            return None

    def status(self, value: float | None) -> str:
        if value is None:
            return "无数据"
        good = value >= self.target if self.direction == "higher" else value <= self.target
        near = value >= self.target * 0.9 if self.direction == "higher" else value <= self.target * 1.1
        return "达标" if good else "接近" if near else "未达标"


def _evaluate(node: ast.AST, numbers: dict[str, float]) -> float:
    if isinstance(node, ast.BinOp):
        return _OPS[type(node.op)](_evaluate(node.left, numbers), _evaluate(node.right, numbers))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, numbers)
    if isinstance(node, ast.Name):
        return float(numbers[node.id])
    return float(node.value)   # a number: parse_formula let nothing else through


def parse_formula(formula: str) -> ast.Expression | str:
    """The formula's syntax tree, or what is wrong with it (only + - * / ( ), numbers and metric fields)."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        return "公式写法有误"
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.BinOp, ast.Load)) or type(node) in _OPS:
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) or isinstance(node, ast.USub):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            continue
        if isinstance(node, ast.Name):
            if node.id not in FORMULA_FIELDS:
                return f"未知字段 {node.id}（可用：{', '.join(FORMULA_FIELDS)}）"
            continue
        return f"公式里不能有 {type(node).__name__}：只能用 + - * / 、括号、数字和指标字段"
    return tree


@dataclass
class Metrics:
    months: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)   # month -> channel -> field -> n
    service: dict[str, dict[str, float]] = field(default_factory=dict)             # month -> field -> n
    problems: list[Problem] = field(default_factory=list)

    def total(self, month: str) -> dict[str, float]:
        """Channel fields summed over channels, with the month's customer-service numbers."""
        out = dict.fromkeys(FIELDS, 0.0)
        for numbers in self.months.get(month, {}).values():
            for f in FIELDS:
                out[f] += numbers.get(f, 0.0)
        return {**out, **self.service.get(month, {})}


def load_kpis(root: Path) -> tuple[list[Kpi], list[Problem]]:
    problems: list[Problem] = []
    if not (root / "policies" / "kpis.yml").is_file():
        return [], []
    r = load_policy_file(root, "kpis.yml", problems)
    if r is None:
        return [], problems
    r.unknown_keys(r.loaded.data, {"version", "kpis"}, ())
    out, seen = [], set()
    specs = r.loaded.data.get("kpis") or []
    if not isinstance(specs, list):
        r.fail(("kpis",), "kpis 应该是指标的列表", "每个指标一行，例如 - {id: ctr, name: 点击率, formula: clicks / impressions, target: 2.5}")
        specs = []
    for i, spec in enumerate(specs):
        where = ("kpis", i)
        spec = r.mapping(spec, where, "指标")
        r.unknown_keys(spec, {"id", "name", "group", "formula", "unit", "direction", "target", "percent"}, where)
        kid = str(spec.get("id", ""))
        if not re.fullmatch(r"[a-z][a-z0-9-]*", kid) or kid in seen:
            r.fail((*where, "id"), f"指标 id '{kid}' 无效或重复", "用小写字母、数字和 -，每个指标一个")
            continue
        seen.add(kid)
        tree = parse_formula(str(spec.get("formula", "")))
        if isinstance(tree, str):
            r.fail((*where, "formula"), f"指标 {kid} 的公式：{tree}", "例如 formula: clicks / impressions")
            continue
        direction = spec.get("direction", "higher")
        target = spec.get("target")
        if direction not in ("higher", "lower"):
            r.fail((*where, "direction"), "direction 只能是 higher（越高越好）或 lower（越低越好）")
            continue
        if not isinstance(target, (int, float)) or isinstance(target, bool):
            r.fail((*where, "target"), f"指标 {kid} 缺少数值目标 target")
            continue
        out.append(Kpi(kid, str(spec.get("name", kid)), str(spec.get("group", "")), str(spec["formula"]), tree,
                       str(spec.get("unit", "")), direction, float(target), 100.0 if spec.get("percent") else 1.0))
    problems.extend(r.problems)
    return out, problems


def load_metrics(root: Path) -> Metrics:
    """data/metrics/<YYYY-MM>.yml: `month` and `channels: {渠道: {field: number}}`, checked for sense."""
    metrics = Metrics()
    folder = root / "data" / "metrics"
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        problems: list[Problem] = []
        r = _load(root, path, problems)
        if r is None:
            metrics.problems.extend(problems)
            continue
        month = str(r.loaded.data.get("month", ""))
        if not _MONTH.match(month) or path.stem != month:
            r.fail(("month",), f"month '{month}' 无效或与文件名 {path.name} 不符", "写成 month: YYYY-MM，文件名相同")
            metrics.problems.extend(r.problems)
            continue
        channels = {}
        for channel, numbers in r.mapping(r.loaded.data.get("channels"), ("channels",), "channels").items():
            where = ("channels", channel)
            numbers = r.mapping(numbers, where, f"渠道 {channel}")
            r.unknown_keys(numbers, set(FIELDS), where)
            clean = {}
            for f, n in numbers.items():
                if not isinstance(n, (int, float)) or isinstance(n, bool) or n < 0:
                    r.fail((*where, f), f"{channel} 的 {f} 应该是非负数")
                else:
                    clean[f] = float(n)
            order = [f for f in ("impressions", "clicks", "consultations", "appointments", "arrivals", "deals") if f in clean]
            for upper, lower in zip(order, order[1:]):
                if clean[lower] > clean[upper]:
                    r.fail((*where, lower), f"{channel}：{FIELD_NAMES[lower]} {clean[lower]:.0f} 大于 "
                                            f"{FIELD_NAMES[upper]} {clean[upper]:.0f}", "漏斗的下一步不会多于上一步：请核对导出数据")
            channels[str(channel)] = clean
        metrics.months[month] = channels
        service = r.mapping(r.loaded.data.get("service", {}), ("service",), "service")
        r.unknown_keys(service, set(SERVICE_FIELDS), ("service",))
        clean = {f: float(n) for f, n in service.items()
                 if f in SERVICE_FIELDS and isinstance(n, (int, float)) and not isinstance(n, bool) and n >= 0}
        for f in set(service) & set(SERVICE_FIELDS) - set(clean):
            r.fail(("service", f), f"客服数据 {f} 应该是非负数")
        if clean.get("complaints_resolved_in_sla", 0) > clean.get("complaints", float("inf")):
            r.fail(("service", "complaints_resolved_in_sla"), "按时解决的投诉多于投诉总数", "核对客服系统导出")
        if clean:
            metrics.service[month] = clean
        metrics.problems.extend(r.problems)
    return metrics


def _load(root: Path, path: Path, problems: list[Problem]) -> PolicyReader | None:
    return load_yaml_file(root, path.relative_to(root).as_posix(), problems)


# -- pages ------------------------------------------------------------------------------------------

def _fmt(value: float | None, kpi: Kpi) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}{kpi.unit}" if kpi.scale != 1.0 or abs(value) < 100 else f"{value:,.0f}{kpi.unit}"


_STATUS_CLASS = {"达标": "ok", "接近": "near", "未达标": "miss", "无数据": "none"}


def svg_line(points: list[tuple[str, float | None]], target: float | None = None, width: int = 640,
             height: int = 220) -> str:
    """A line chart as inline SVG (no script, prints, Chinese labels are plain text)."""
    values = [v for _, v in points if v is not None] + ([target] if target is not None else [])
    if not values:
        return "<p>（没有数据）</p>"
    low, high = min(0.0, min(values)), max(values) * 1.1 or 1.0
    left, right, top, bottom = 48, 12, 12, 30
    step = (width - left - right) / max(1, len(points) - 1)

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - low) / (high - low))

    path = " ".join(f"{'M' if k == 0 else 'L'}{left + k * step:.1f},{y(v):.1f}" for k, (_, v) in enumerate(points) if v is not None)
    labels = "".join(f'<text x="{left + k * step:.1f}" y="{height - 10}" font-size="10" text-anchor="middle">'
                     f"{html.escape(m[2:])}</text>" for k, (m, _) in enumerate(points))
    dots = "".join(f'<circle cx="{left + k * step:.1f}" cy="{y(v):.1f}" r="3"><title>{html.escape(m)}: {v:.2f}</title></circle>'
                   for k, (m, v) in enumerate(points) if v is not None)
    goal = (f'<line x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" stroke="#2e7d32" '
            f'stroke-dasharray="4 3"/><text x="{width - right}" y="{y(target) - 4:.1f}" font-size="10" '
            f'text-anchor="end" fill="#2e7d32">目标</text>') if target is not None else ""
    axis = (f'<text x="4" y="{y(high / 1.1) + 4:.1f}" font-size="10">{high / 1.1:,.1f}</text>'
            f'<text x="4" y="{y(low) + 4:.1f}" font-size="10">{low:,.0f}</text>')
    return (f'<svg class="smilepress-chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">'
            f'{axis}{goal}<path d="{path}" fill="none" stroke="#1565c0" stroke-width="2"/>{dots}{labels}</svg>')


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
        trend = "—" if now is None or prev is None else "↑" if now > prev else "↓" if now < prev else "→"
        rows.append(f"| [{k.name}]({k.id}.md) | {k.group} | {_fmt(now, k)} {trend} | {_fmt(prev, k)} | "
                    f"{k.target:g}{k.unit} | <span class=\"kpi-{_STATUS_CLASS[k.status(now)]}\">{k.status(now)}</span> |")
        series = [(m, k.value(metrics.total(m))) for m in months]
        channels = sorted({c for m in months for c in metrics.months[m]})
        by_channel = "\n".join(f"| {c} | {_fmt(k.value(metrics.months[latest].get(c, {})), k)} |" for c in channels)
        out[f"kpi/{k.id}.md"] = (f"# {k.name}\n\n- 负责：{k.group}\n- 公式：`{k.formula}`"
                                 f"{'（百分比）' if k.scale == 100 else ''}\n- 方向：{'越高越好' if k.direction == 'higher' else '越低越好'}，"
                                 f"目标 {k.target:g}{k.unit}\n\n## 各月走势\n\n{svg_line(series, k.target)}\n\n"
                                 f"## {latest} 各渠道\n\n| 渠道 | 数值 |\n|---|---|\n{by_channel}\n")
    out["kpi/index.md"] = (f"# 指标看板（{latest}）\n\n数据来自 data/metrics/，公式见 policies/kpis.yml。\n\n"
                           f"| 指标 | 负责 | {latest} | {before or '上月'} | 目标 | 状态 |\n|---|---|---|---|---|---|\n"
                           + "\n".join(rows) + "\n\n" + "\n".join(f"- [{m} 月度报告](../reports/{m}.md)" for m in reversed(months)) + "\n")
    for m in months:
        total = metrics.total(m)
        funnel = " → ".join(f"{FIELD_NAMES[f]} {total[f]:,.0f}" for f in FIELDS[:6])
        table = "\n".join(
            f"| {c} | {n.get('impressions', 0):,.0f} | {n.get('clicks', 0):,.0f} | "
            f"{100 * n.get('clicks', 0) / n['impressions'] if n.get('impressions') else 0:.2f}% | "
            f"{n.get('consultations', 0):,.0f} | "
            f"{100 * n.get('deals', 0) / n['consultations'] if n.get('consultations') else 0:.1f}% | "
            f"{n.get('spend', 0) / n['consultations'] if n.get('consultations') else 0:,.0f} | "
            f"{n.get('revenue', 0) / n['spend'] if n.get('spend') else 0:.2f} |"
            for c, n in sorted(metrics.months[m].items()))
        out[f"reports/{m}.md"] = (f"# {m} 推广月度报告\n\n## 漏斗\n\n{funnel}\n\n## 渠道\n\n"
                                  "| 渠道 | 展现 | 点击 | 点击率 | 咨询 | 咨询→成交 | 每次咨询成本（元） | ROI |\n|---|---|---|---|---|---|---|---|\n"
                                  f"{table}\n")
    return out


# -- importing platform exports -------------------------------------------------------------------------

IMPORT_POLICY = "metrics-import.yml"
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})")


def _column_map(root: Path, channel: str) -> tuple[dict[str, str], str, list[Problem]]:
    """(header -> field, date header) for `channel` from policies/metrics-import.yml."""
    problems: list[Problem] = []
    r = load_policy_file(root, IMPORT_POLICY, problems)
    if r is None:
        return {}, "", problems
    spec = r.mapping(r.mapping(r.loaded.data.get("channels"), ("channels",), "channels").get(channel),
                     ("channels", channel), f"渠道 {channel}")
    if not spec:
        r.fail(("channels",), f"没有渠道“{channel}”的列映射", f"在 policies/{IMPORT_POLICY} 的 channels 下为它写 columns")
    columns = {str(k): str(v) for k, v in r.mapping(spec.get("columns", {}), ("channels", channel, "columns"), "columns").items()}
    for header, target in columns.items():
        if target not in FIELDS:
            r.fail(("channels", channel, "columns", header), f"列“{header}”映射到未知字段 {target}", f"可用：{', '.join(FIELDS)}")
    return columns, str(spec.get("date_column", "日期")), problems + r.problems


def decode(data: bytes) -> str:
    """Platform exports come as UTF-8 (with or without BOM), GBK/GB18030 or UTF-16: take the one that fits.

    Mainland platforms' "CSV for Excel" is GB18030 (a superset of GBK); bytes that are valid UTF-8 are
    almost never meant as GB18030, so UTF-8 is tried first.
    """
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes  # noqa: PLC0415

    best = from_bytes(data).best()
    if best is None:
        raise ValueError("无法识别文件编码")
    return str(best)


def import_csv(root: Path, channel: str, csv_path: Path) -> tuple[list[str], list[Problem]]:
    """Sum a platform export by month into data/metrics/; returns (what happened per month, problems).

    Re-importing the same numbers changes nothing; a month that already holds other numbers for the
    channel is refused (the export or the earlier import is wrong: a person must look).
    """
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415

    import yaml  # noqa: PLC0415

    columns, date_column, problems = _column_map(root, channel)
    rel = str(csv_path)
    if problems:
        return [], problems
    try:
        rows = list(csv.DictReader(io.StringIO(decode(csv_path.read_bytes()))))
    except (OSError, ValueError) as exc:
        return [], [Problem(rel, 0, f"无法读取导出文件：{exc}", "确认文件存在，是 CSV 格式")]
    if not rows:
        return [], [Problem(rel, 1, "导出文件没有数据行")]
    missing = [h for h in [date_column, *columns] if h not in rows[0]]
    if missing:
        return [], [Problem(rel, 1, f"缺少列：{'、'.join(missing)}", f"文件中的列：{'、'.join(rows[0])}")]
    months: dict[str, dict[str, float]] = {}
    for line, row in enumerate(rows, start=2):
        m = _DATE.match(row[date_column].strip())
        if not m:
            problems.append(Problem(rel, line, f"日期“{row[date_column]}”无法识别", "写成 2026-03-01 或 2026/03/01"))
            continue
        month = f"{m.group(1)}-{int(m.group(2)):02d}"
        totals = months.setdefault(month, dict.fromkeys(columns.values(), 0.0))
        for header, target in columns.items():
            raw = row[header].replace(",", "").strip() or "0"
            try:
                value = float(raw)
            except ValueError:
                problems.append(Problem(rel, line, f"列“{header}”的值“{row[header]}”不是数字"))
                continue
            if value < 0:
                problems.append(Problem(rel, line, f"列“{header}”是负数 {value:g}", "核对平台导出"))
            totals[target] += value
    for month, totals in months.items():
        order = [f for f in ("impressions", "clicks", "consultations", "appointments", "arrivals", "deals") if f in totals]
        for upper, lower in zip(order, order[1:]):
            if totals[lower] > totals[upper]:
                problems.append(Problem(rel, 0, f"{month}：{FIELD_NAMES[lower]} {totals[lower]:.0f} 大于 "
                                                f"{FIELD_NAMES[upper]} {totals[upper]:.0f}", "漏斗的下一步不会多于上一步：请核对导出"))
    if problems:
        return [], problems
    done = []
    for month, totals in sorted(months.items()):
        path = root / "data" / "metrics" / f"{month}.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {"month": month, "channels": {}}
        numbers = {f: (int(v) if float(v).is_integer() else v) for f, v in totals.items()}
        present = (data.get("channels") or {}).get(channel)
        if present == numbers:
            done.append(f"{month}：{channel} 已是这些数字，未改动")
            continue
        if present is not None:
            problems.append(Problem(path.relative_to(root).as_posix(), 0, f"{month} 已有 {channel} 的不同数字",
                                    "确认哪一份正确；要替换，先删除该月文件中的这一渠道再导入"))
            continue
        data.setdefault("channels", {})[channel] = numbers
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".yml.tmp")
        tmp.write_text(f"# {month} 各渠道月度数据：由 smilepress metrics import 汇总写入，只有汇总数。\n"
                       + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        tmp.replace(path)
        done.append(f"{month}：已写入 {channel}")
    return done, problems


# -- plans and budget ------------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$")
VARIANCE = 0.10   # budget execution off by more than this share is called out


@dataclass(frozen=True)
class Plan:
    period: str                     # 2026, 2026-Q4 or 2026-11
    months: tuple[str, ...]
    goals: dict[str, float]         # kpi id -> target for the period
    budget: dict[str, float]        # channel -> amount
    themes: tuple[str, ...]
    schedule: tuple[tuple[str, str], ...]


def _months_of(period: str) -> tuple[str, ...]:
    m = _PERIOD.match(period)
    year, month, quarter = m.group(1), m.group(2), m.group(3)
    if month:
        return (period,)
    first = (int(quarter) - 1) * 3 + 1 if quarter else 1
    count = 3 if quarter else 12
    return tuple(f"{year}-{k:02d}" for k in range(first, first + count))


def load_plans(root: Path, kpi_ids: set[str]) -> tuple[list[Plan], dict[str, dict[str, float]], list[Problem]]:
    """data/plans/*.yml and data/budget/<year>.yml (category -> month -> amount), validated with lines."""
    plans, budget, problems = [], {}, []
    for path in sorted((root / "data" / "plans").glob("*.yml")) if (root / "data" / "plans").is_dir() else []:
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
                r.fail(("goals", kid), f"目标引用了不存在的指标 {kid}", f"可用：{', '.join(sorted(kpi_ids))}（policies/kpis.yml）")
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
        plans.append(Plan(period, _months_of(period), goals, money, tuple(r.strings(d.get("themes", []), ("themes",), "themes")),
                          tuple(schedule)))
        problems.extend(r.problems)
    for path in sorted((root / "data" / "budget").glob("*.yml")) if (root / "data" / "budget").is_dir() else []:
        r = _load(root, path, problems)
        if r is None:
            continue
        for category, months in r.mapping(r.loaded.data.get("categories"), ("categories",), "categories").items():
            for month, amount in r.mapping(months, ("categories", category), f"预算类别 {category}").items():
                if not _MONTH.match(str(month)) or not isinstance(amount, (int, float)) or isinstance(amount, bool) or amount < 0:
                    r.fail(("categories", category, month), f"{category} {month}：月份应写成 YYYY-MM，金额为非负数")
                else:
                    budget.setdefault(str(category), {})[str(month)] = float(amount)
        problems.extend(r.problems)
    return plans, budget, problems


def plan_pages(kpis_: list[Kpi], metrics: Metrics, plans: list[Plan], budget: dict[str, dict[str, float]]) -> dict[str, str]:
    """Plan pages (goals against actual, budget split, themes, schedule) and the budget page."""
    out = {}
    by_id = {k.id: k for k in kpis_}
    for plan in plans:
        known = [m for m in plan.months if m in metrics.months]
        total = {f: sum(metrics.total(m)[f] for m in known) for f in FIELDS}
        goals = "\n".join(f"| {by_id[k].name} | {t:g}{by_id[k].unit} | {_fmt(by_id[k].value(total) if known else None, by_id[k])} |"
                          for k, t in plan.goals.items())
        spend = {c: sum(metrics.months[m].get(c, {}).get("spend", 0) for m in known) for c in plan.budget}
        money = "\n".join(f"| {c} | {a:,.0f} | {spend[c]:,.0f} | {100 * spend[c] / a if a else 0:.0f}% |" for c, a in plan.budget.items())
        steps = "\n".join(f"- {d}：{what}" for d, what in plan.schedule) or "（无）"
        out[f"plans/{plan.period}.md"] = (f"# 推广计划 {plan.period}\n\n覆盖月份：{plan.months[0]} 至 {plan.months[-1]}"
                                          f"（已有数据 {len(known)} 个月）\n\n## 目标与实际\n\n| 指标 | 目标 | 实际 |\n|---|---|---|\n"
                                          f"{goals}\n\n## 渠道预算与消费\n\n| 渠道 | 预算（元） | 已消费（元） | 执行率 |\n|---|---|---|---|\n"
                                          f"{money}\n\n## 内容主题\n\n" + ("、".join(plan.themes) or "（无）")
                                          + f"\n\n## 日程\n\n{steps}\n")
    if budget:
        months = sorted({m for by_month in budget.values() for m in by_month})
        rows = []
        for category, by_month in sorted(budget.items()):
            rows.append(f"| {category} | " + " | ".join(f"{by_month.get(m, 0):,.0f}" for m in months)
                        + f" | {sum(by_month.values()):,.0f} |")
        actual = [sum(metrics.months.get(m, {}).get(c, {}).get("spend", 0) for c in metrics.months.get(m, {})) for m in months]
        rows.append("| 推广实际消费 | " + " | ".join(f"{a:,.0f}" for a in actual) + f" | {sum(actual):,.0f} |")
        out["plans/budget.md"] = ("# 年度预算与执行\n\n| 类别 | " + " | ".join(months) + " | 合计 |\n|---|"
                                  + "---|" * (len(months) + 1) + "\n" + "\n".join(rows) + "\n")
    return out


def budget_execution(metrics: Metrics, budget: dict[str, dict[str, float]], month: str, category: str = "推广费用") -> str:
    """The month's promotion budget against what the channels spent, with a variance call-out."""
    planned = budget.get(category, {}).get(month)
    if planned is None:
        return ""
    spent = sum(n.get("spend", 0) for n in metrics.months.get(month, {}).values())
    variance = (spent - planned) / planned if planned else 0.0
    flag = f"**偏差 {variance:+.0%}，超过 ±{VARIANCE:.0%}，请说明原因**" if abs(variance) > VARIANCE else f"偏差 {variance:+.0%}"
    return f"\n## 预算执行\n\n{category}：预算 {planned:,.0f} 元，实际消费 {spent:,.0f} 元，{flag}。\n"


def plan_against_actual(kpis_: list[Kpi], metrics: Metrics, plans: list[Plan], month: str) -> str:
    """For each plan covering `month`: its goals beside the month's values."""
    by_id = {k.id: k for k in kpis_}
    out = []
    for plan in plans:
        if month not in plan.months:
            continue
        rows = "\n".join(f"| {by_id[k].name} | {t:g}{by_id[k].unit} | {_fmt(by_id[k].value(metrics.total(month)), by_id[k])} |"
                         for k, t in plan.goals.items() if k in by_id)
        out.append(f"\n## 计划与实际（{plan.period} 计划）\n\n| 指标 | 计划目标 | 本月实际 |\n|---|---|---|\n{rows}\n")
    return "".join(out)


def internal_pages(root: Path) -> tuple[dict[str, str], list[Problem]]:
    """Every KPI, report, plan and budget page of the internal site, and the problems in their data."""
    indicators, problems = load_kpis(root)
    metrics = load_metrics(root)
    plans, budget, plan_problems = load_plans(root, {k.id for k in indicators})
    out = {**pages(indicators, metrics), **plan_pages(indicators, metrics, plans, budget)}
    for uri in [u for u in out if u.startswith("reports/")]:
        month = uri[len("reports/"):-3]
        out[uri] += plan_against_actual(indicators, metrics, plans, month) + budget_execution(metrics, budget, month)
        narrative = root / "data" / "reports" / f"{month}.md"
        if narrative.is_file():
            out[uri] += "\n## 分析与建议\n\n" + narrative.read_text(encoding="utf-8")
    return out, problems + metrics.problems + plan_problems
