"""KPIs as data (regulation §2.2.5, §3.1, §3.4): indicator definitions in policies/kpis.yml, monthly
numbers per channel in data/metrics/<YYYY-MM>.yml, computed safely (formulas are parsed, never
eval'd). Their pages are pages/kpis.py; plans and budget are plans.py; importing exports is
ops/metrics_import.py.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from ..errors import Problem
from ..load.yaml_file import PolicyReader, load_policy_file, load_yaml_file

FIELDS = (
    "impressions",
    "clicks",
    "consultations",
    "appointments",
    "arrivals",
    "deals",
    "spend",
    "revenue",
)
FIELD_NAMES = {
    "impressions": "展现",
    "clicks": "点击",
    "consultations": "咨询",
    "appointments": "预约",
    "arrivals": "到院",
    "deals": "成交",
    "spend": "消费（元）",
    "revenue": "收入（元）",
}
# Customer service, department-wide (`service:` in a month's file).
SERVICE_FIELDS = ("handled", "first_response_minutes", "complaints", "complaints_resolved_in_sla")
SERVICE_NAMES = {
    "handled": "接待量",
    "first_response_minutes": "首次响应时间（分钟）",
    "complaints": "投诉数",
    "complaints_resolved_in_sla": "按时解决的投诉数",
}
FORMULA_FIELDS = FIELDS + SERVICE_FIELDS
# Numbers that add up over channels and months (a median such as first_response_minutes does not).
COUNTS = frozenset(FIELDS) | {"handled", "complaints", "complaints_resolved_in_sla"}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_OPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    group: str
    formula: str
    tree: ast.Expression
    unit: str
    direction: str  # higher | lower
    target: float
    scale: float = 1.0  # 100 for a percentage

    def value(self, numbers: dict[str, float]) -> float | None:
        """The indicator for these numbers; None when it is undefined (a division by zero, a missing
        field)."""
        try:
            return _evaluate(self.tree.body, numbers) * self.scale
        except (ZeroDivisionError, KeyError):
            return None

    @property
    def additive(self) -> bool:
        """True for a count (a field or a sum of fields that add up, e.g. deals): a quarter's goal
        splits into months and months add up to the quarter. A ratio, a percentage or a median
        has the same goal for a month and a quarter."""
        return self.scale == 1.0 and _sum_of_counts(self.tree.body)

    def format(self, value: float | None) -> str:
        """The value as staff read it: a count as an integer, a percentage with one decimal,
        other numbers with one decimal below 100 and none above."""
        if value is None:
            return "—"
        if self.additive or abs(value) >= 100 and self.scale == 1.0:
            return f"{value:,.0f}{self.unit}"
        return f"{value:.1f}{self.unit}"

    def formula_text(self) -> str:
        """The formula in Chinese, with the metrics' Chinese names (点击 ÷ 展现 × 100%)."""
        text = _formula_text(self.tree.body)
        return f"{text} × 100%" if self.scale == 100 else text

    def status(self, value: float | None, target: float | None = None) -> str:
        """达标 / 接近 (within 10%) / 未达标 against `target` (the indicator's own by default)."""
        if value is None:
            return "无数据"
        goal = self.target if target is None else target
        good = value >= goal if self.direction == "higher" else value <= goal
        near = value >= goal * 0.9 if self.direction == "higher" else value <= goal * 1.1
        return "达标" if good else "接近" if near else "未达标"


def _sum_of_counts(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _sum_of_counts(node.left) and _sum_of_counts(node.right)
    return isinstance(node, ast.Name) and node.id in COUNTS


_SYMBOLS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}


def _formula_text(node: ast.AST) -> str:
    """A parsed formula in words: names in Chinese, × ÷ for * /, brackets only where needed."""
    if isinstance(node, ast.BinOp):
        op = type(node.op)

        def side(child: ast.AST, right: bool) -> str:
            text = _formula_text(child)
            if isinstance(child, ast.BinOp):
                inner = _PRECEDENCE[type(child.op)]
                if (
                    inner < _PRECEDENCE[op]
                    or right
                    and inner == _PRECEDENCE[op]
                    and op
                    in (
                        ast.Sub,
                        ast.Div,
                    )
                ):
                    return f"（{text}）"
            return text

        return f"{side(node.left, False)} {_SYMBOLS[op]} {side(node.right, True)}"
    if isinstance(node, ast.UnaryOp):
        inner = _formula_text(node.operand)
        return f"−（{inner}）" if isinstance(node.operand, ast.BinOp) else f"−{inner}"
    if isinstance(node, ast.Name):
        return SERVICE_NAMES.get(node.id) or FIELD_NAMES[node.id].removesuffix("（元）")
    return f"{node.value:g}"


def _evaluate(node: ast.AST, numbers: dict[str, float]) -> float:
    if isinstance(node, ast.BinOp):
        return _OPS[type(node.op)](_evaluate(node.left, numbers), _evaluate(node.right, numbers))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, numbers)
    if isinstance(node, ast.Name):
        return float(numbers[node.id])
    return float(node.value)  # a number: parse_formula let nothing else through


def parse_formula(
    formula: str, kpi: str, path: str, line: int
) -> tuple[ast.Expression | None, list[Problem]]:
    """The formula of indicator `kpi` (at `line` of `path`) as a syntax tree; or None and what is
    wrong with it (only + - * / ( ), numbers and metric fields)."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        return None, [_formula_problem(kpi, path, line, "公式写法有误")]
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.BinOp, ast.Load)) or type(node) in _OPS:
            continue
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            or isinstance(node, ast.USub)
        ):
            continue
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool)
        ):
            continue
        if isinstance(node, ast.Name):
            if node.id not in FORMULA_FIELDS:
                why = f"未知字段 {node.id}（可用：{', '.join(FORMULA_FIELDS)}）"
                return None, [_formula_problem(kpi, path, line, why)]
            continue
        why = f"公式里不能有 {type(node).__name__}：只能用 + - * / 、括号、数字和指标字段"
        return None, [_formula_problem(kpi, path, line, why)]
    return tree, []


def _formula_problem(kpi: str, path: str, line: int, why: str) -> Problem:
    return Problem(path, line, f"指标 {kpi} 的公式：{why}", "例如 formula: clicks / impressions")


@dataclass
class Metrics:
    months: dict[str, dict[str, dict[str, float]]] = field(
        default_factory=dict
    )  # month -> channel -> field -> n
    service: dict[str, dict[str, float]] = field(default_factory=dict)  # month -> field -> n
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
        r.fail(
            ("kpis",),
            "kpis 应该是指标的列表",
            "每个指标一行，例如 - {id: ctr, name: 点击率, formula: clicks / impressions, "
            "target: 2.5}",
        )
        specs = []
    for i, spec in enumerate(specs):
        where = ("kpis", i)
        spec = r.mapping(spec, where, "指标")
        r.unknown_keys(
            spec,
            {"id", "name", "group", "formula", "unit", "direction", "target", "percent"},
            where,
        )
        kid = str(spec.get("id", ""))
        if not re.fullmatch(r"[a-z][a-z0-9-]*", kid) or kid in seen:
            r.fail(
                (*where, "id"), f"指标 id '{kid}' 无效或重复", "用小写字母、数字和 -，每个指标一个"
            )
            continue
        seen.add(kid)
        line = r.loaded.line_of(*where, "formula")
        tree, formula_problems = parse_formula(str(spec.get("formula", "")), kid, r.path, line)
        if tree is None:
            r.problems.extend(formula_problems)
            continue
        direction = spec.get("direction", "higher")
        target = spec.get("target")
        if direction not in ("higher", "lower"):
            r.fail((*where, "direction"), "direction 只能是 higher（越高越好）或 lower（越低越好）")
            continue
        if not isinstance(target, (int, float)) or isinstance(target, bool):
            r.fail((*where, "target"), f"指标 {kid} 缺少数值目标 target")
            continue
        out.append(
            Kpi(
                kid,
                str(spec.get("name", kid)),
                str(spec.get("group", "")),
                str(spec["formula"]),
                tree,
                str(spec.get("unit", "")),
                direction,
                float(target),
                100.0 if spec.get("percent") else 1.0,
            )
        )
    problems.extend(r.problems)
    return out, problems


def load_metrics(root: Path) -> Metrics:
    """data/metrics/<YYYY-MM>.yml: `month` and `channels: {渠道: {field: number}}`, checked for
    sense."""
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
            r.fail(
                ("month",),
                f"month '{month}' 无效或与文件名 {path.name} 不符",
                "写成 month: YYYY-MM，文件名相同",
            )
            metrics.problems.extend(r.problems)
            continue
        channels = {}
        for channel, numbers in r.mapping(
            r.loaded.data.get("channels"), ("channels",), "channels"
        ).items():
            where = ("channels", channel)
            numbers = r.mapping(numbers, where, f"渠道 {channel}")
            r.unknown_keys(numbers, set(FIELDS), where)
            clean = {}
            for f, n in numbers.items():
                if not isinstance(n, (int, float)) or isinstance(n, bool) or n < 0:
                    r.fail((*where, f), f"{channel} 的 {f} 应该是非负数")
                else:
                    clean[f] = float(n)
            order = [
                f
                for f in (
                    "impressions",
                    "clicks",
                    "consultations",
                    "appointments",
                    "arrivals",
                    "deals",
                )
                if f in clean
            ]
            for upper, lower in pairwise(order):
                if clean[lower] > clean[upper]:
                    r.fail(
                        (*where, lower),
                        f"{channel}：{FIELD_NAMES[lower]} {clean[lower]:.0f} 大于 "
                        f"{FIELD_NAMES[upper]} {clean[upper]:.0f}",
                        "漏斗的下一步不会多于上一步：请核对导出数据",
                    )
            channels[str(channel)] = clean
        metrics.months[month] = channels
        service = r.mapping(r.loaded.data.get("service", {}), ("service",), "service")
        r.unknown_keys(service, set(SERVICE_FIELDS), ("service",))
        clean = {
            f: float(n)
            for f, n in service.items()
            if f in SERVICE_FIELDS
            and isinstance(n, (int, float))
            and not isinstance(n, bool)
            and n >= 0
        }
        for f in set(service) & set(SERVICE_FIELDS) - set(clean):
            r.fail(("service", f), f"客服数据 {f} 应该是非负数")
        if clean.get("complaints_resolved_in_sla", 0) > clean.get("complaints", float("inf")):
            r.fail(
                ("service", "complaints_resolved_in_sla"),
                "按时解决的投诉多于投诉总数",
                "核对客服系统导出",
            )
        if clean:
            metrics.service[month] = clean
        metrics.problems.extend(r.problems)
    return metrics


def _load(root: Path, path: Path, problems: list[Problem]) -> PolicyReader | None:
    return load_yaml_file(root, path.relative_to(root).as_posix(), problems)
