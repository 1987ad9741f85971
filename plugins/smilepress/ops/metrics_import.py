"""Importing platform exports: a channel's CSV summed by month into data/metrics/<YYYY-MM>.yml, with
the columns mapped in policies/metrics-import.yml.
"""

from __future__ import annotations

import os
import re
from itertools import pairwise
from pathlib import Path

from ..errors import Problem
from ..load.files import read_text, write_atomically
from ..load.source import decode_text
from ..load.yaml_file import load_policy_file
from ..model.kpis import FIELD_NAMES, FIELDS

IMPORT_POLICY = "metrics-import.yml"
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})")


def _column_map(root: Path, channel: str) -> tuple[dict[str, str], str, list[Problem]]:
    """(header -> field, date header) for `channel` from policies/metrics-import.yml."""
    problems: list[Problem] = []
    r = load_policy_file(root, IMPORT_POLICY, problems)
    if r is None:
        return {}, "", problems
    spec = r.mapping(
        r.mapping(r.loaded.data.get("channels"), ("channels",), "channels").get(channel),
        ("channels", channel),
        f"渠道 {channel}",
    )
    if not spec:
        r.fail(
            ("channels",),
            f"没有渠道“{channel}”的列映射",
            f"在 policies/{IMPORT_POLICY} 的 channels 下为它写 columns",
        )
    columns = {
        str(k): str(v)
        for k, v in r.mapping(
            spec.get("columns", {}), ("channels", channel, "columns"), "columns"
        ).items()
    }
    for header, target in columns.items():
        if target not in FIELDS:
            r.fail(
                ("channels", channel, "columns", header),
                f"列“{header}”映射到未知字段 {target}",
                f"可用：{', '.join(FIELDS)}",
            )
    return columns, str(spec.get("date_column", "日期")), problems + r.problems


def _read_rows(
    csv_path: Path, rel: str, headers: list[str]
) -> tuple[list[dict[str, str]], list[Problem]]:
    """The export's rows, or why there are none to use (unreadable, empty, a column missing)."""
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415

    hint = "确认文件存在，是 CSV 格式"
    try:
        rows = list(csv.DictReader(io.StringIO(decode_text(csv_path.read_bytes()))))
    except (OSError, ValueError) as exc:
        return [], [Problem(rel, 0, f"无法读取导出文件：{exc}", hint)]
    if not rows:
        return [], [Problem(rel, 1, "导出文件没有数据行")]
    missing = [h for h in headers if h not in rows[0]]
    if missing:
        return [], [
            Problem(rel, 1, f"缺少列：{'、'.join(missing)}", f"文件中的列：{'、'.join(rows[0])}")
        ]
    return rows, []


def _sum_by_month(
    rows: list[dict[str, str]], rel: str, date_column: str, columns: dict[str, str]
) -> tuple[dict[str, dict[str, float]], list[Problem]]:
    """Each month's totals per field, and the rows' problems (a date or a number not readable)."""
    problems: list[Problem] = []
    months: dict[str, dict[str, float]] = {}
    for line, row in enumerate(rows, start=2):
        m = _DATE.match(row[date_column].strip())
        if not m:
            problems.append(
                Problem(
                    rel, line, f"日期“{row[date_column]}”无法识别", "写成 2026-03-01 或 2026/03/01"
                )
            )
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
    return months, problems


def _funnel_problems(months: dict[str, dict[str, float]], rel: str) -> list[Problem]:
    """Months where a later step of the funnel outnumbers the one before it."""
    problems = []
    for month, totals in months.items():
        order = [
            f
            for f in ("impressions", "clicks", "consultations", "appointments", "arrivals", "deals")
            if f in totals
        ]
        for upper, lower in pairwise(order):
            if totals[lower] > totals[upper]:
                problems.append(
                    Problem(
                        rel,
                        0,
                        f"{month}：{FIELD_NAMES[lower]} {totals[lower]:.0f} 大于 "
                        f"{FIELD_NAMES[upper]} {totals[upper]:.0f}",
                        "漏斗的下一步不会多于上一步：请核对导出",
                    )
                )
    return problems


def import_csv(root: Path, channel: str, csv_path: Path) -> tuple[list[str], list[Problem]]:
    """Sum a platform export by month into data/metrics/: (what happened per month, problems).

    Re-importing the same numbers changes nothing; a month that already holds other numbers for the
    channel is refused (the export or the earlier import is wrong: a person must look).
    """
    import yaml  # noqa: PLC0415

    columns, date_column, problems = _column_map(root, channel)
    rel = str(csv_path)
    if problems:
        return [], problems
    rows, problems = _read_rows(csv_path, rel, [date_column, *columns])
    if problems:
        return [], problems
    months, problems = _sum_by_month(rows, rel, date_column, columns)
    problems += _funnel_problems(months, rel)
    if problems:
        return [], problems
    done = []
    for month, totals in sorted(months.items()):
        path = root / "data" / "metrics" / f"{month}.yml"
        data = {"month": month, "channels": {}}
        if os.path.lexists(path):  # only a regular file is read, and replaced (load/files.py)
            text, read_problems = read_text(root, path.relative_to(root).as_posix())
            if text is None:
                problems += read_problems
                continue
            data = yaml.safe_load(text)
        numbers = {f: (int(v) if float(v).is_integer() else v) for f, v in totals.items()}
        present = (data.get("channels") or {}).get(channel)
        if present == numbers:
            done.append(f"{month}：{channel} 已是这些数字，未改动")
            continue
        if present is not None:
            problems.append(
                Problem(
                    path.relative_to(root).as_posix(),
                    0,
                    f"{month} 已有 {channel} 的不同数字",
                    "确认哪一份正确；要替换，先删除该月文件中的这一渠道再导入",
                )
            )
            continue
        data.setdefault("channels", {})[channel] = numbers
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(
            path,
            f"# {month} 各渠道月度数据：由 smilepress metrics import 汇总写入，只有汇总数。\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        )
        done.append(f"{month}：已写入 {channel}")
    return done, problems
