"""Charts drawn at build time: valid paths with gaps, round y ticks with a unit, integers printed
as integers, text readable on a phone, an accessible name, nothing loaded from outside."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from smilepress.pages.charts import (
    FONT,
    PHONE_CONTENT_PX,
    WIDTH,
    nice_ticks,
    rendered_px,
    svg_line,
    svg_sparkline,
)

REPO = Path(__file__).resolve().parent.parent
NS = "{http://www.w3.org/2000/svg}"
# One valid subpath: a move, then straight lines, coordinates as plain numbers.
SUBPATH = re.compile(r"M\d+(\.\d+)?,\d+(\.\d+)?(?: L\d+(\.\d+)?,\d+(\.\d+)?)+")


def _count(v: float) -> str:
    return f"{v:,.0f}单"


def _months(values: list[float | None]) -> list[tuple[str, float | None]]:
    return [(f"2026-{k + 1:02d}", v) for k, v in enumerate(values)]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def _subpaths(root: ET.Element) -> list[list[tuple[float, float]]]:
    """Each subpath of the chart's line as its points; every subpath is checked for form."""
    (path,) = root.iter(f"{NS}path")
    d = path.get("d")
    assert d and "nan" not in d.lower() and "none" not in d.lower(), d
    parts = ["M" + p.strip() for p in d.split("M") if p.strip()]
    assert all(SUBPATH.fullmatch(p) for p in parts), d
    return [
        [tuple(map(float, xy.split(","))) for xy in re.findall(r"[\d.]+,[\d.]+", p)] for p in parts
    ]


def _dots(root: ET.Element) -> list[float]:
    return [float(c.get("cx")) for c in root.iter(f"{NS}circle")]


def test_a_line_whose_first_month_has_no_value_still_draws():
    root = _parse(svg_line(_months([None, 5, 7, 6]), name="成交数", unit="单", fmt=_count))
    (run,) = _subpaths(root)
    assert len(run) == 3  # February to April; January is left empty
    assert len(_dots(root)) == 3


def test_gaps_break_the_line_and_a_lone_value_is_a_dot():
    values = [3, 4, None, 6, 8, None, 5, None, None, 9, 7, 8]
    root = _parse(svg_line(_months(values), name="成交数", unit="单", fmt=_count))
    runs = _subpaths(root)
    assert [len(r) for r in runs] == [2, 2, 3]  # Jan–Feb, Apr–May, Oct–Dec; July stands alone
    xs = sorted(_dots(root))
    assert len(xs) == 8
    step = xs[1] - xs[0]
    for run in runs:  # no segment spans a missing month
        for (x1, _), (x2, _) in zip(run, run[1:], strict=False):
            assert x2 - x1 == pytest.approx(step, abs=0.2)
    july = xs[4]
    assert all(july not in [x for x, _ in run] for run in runs)  # drawn only as its dot
    assert "2026-03、2026-06、2026-08、2026-09 无数据" in root.get("aria-label")


@pytest.mark.parametrize(
    "low,high", [(0, 249), (0, 2.9), (0, 100), (0, 0), (0, 1), (0, 0.034), (0, 1_320_000)]
)
def test_ticks_are_round_steps_that_cover_the_values(low, high):
    ticks = nice_ticks(low, high)
    assert len(ticks) >= 3 and ticks[0] <= low and ticks[-1] >= high
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    (step,) = steps
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 2.5, 5)


def test_the_y_axis_has_several_ticks_and_a_unit_and_counts_print_as_integers():
    points = _months([191, 191, 189, 172, 161, 190, 157, 249, 189, 159, 168, 215])
    svg = svg_line(points, name="成交数各月走势", unit="单", fmt=_count, target=150)
    texts = [t.text for t in _parse(svg).iter(f"{NS}text")]
    assert "单位：单" in texts
    ticks = [t for t in texts if re.fullmatch(r"[\d,]+", t or "")]
    assert len(ticks) >= 3 and ticks == sorted(ticks, key=lambda t: int(t.replace(",", "")))
    assert "目标 150单" in texts
    assert ".00" not in svg and "191单" in svg  # hover titles and the name say 191, not 191.00


def test_percentages_print_as_percentages():
    points = _months([2.41, 2.47, 2.65])
    svg = svg_line(points, name="点击率", unit="%", fmt=lambda v: f"{v:.1f}%", target=2.5)
    texts = [t.text or "" for t in _parse(svg).iter(f"{NS}text")]
    ticks = [t for t in texts if re.fullmatch(r"[\d.]+%", t)]
    assert len(ticks) >= 3 and "2.6%" in svg


def test_text_is_at_least_11_px_on_a_390_px_phone_and_at_most_its_size_on_a_desktop():
    root = _parse(svg_line(_months([1, 2, 3]), name="x", unit="单", fmt=_count))
    width = float(root.get("viewBox").split()[2])
    size = float(root.get("font-size"))
    assert all(t.get("font-size") is None for t in root.iter(f"{NS}text"))  # one size for all
    # Material's content on a 390 px phone: 390 px less its 0.8rem (16 px) margins each side.
    assert PHONE_CONTENT_PX == 358
    assert rendered_px(size, 358, int(width)) >= 11 and size * 358 / width >= 11
    css = (REPO / "plugins/theme/static/stylesheets/extra.css").read_text(encoding="utf-8")
    rule = re.search(r"svg\.smilepress-chart \{[^}]*max-width: (\d+)px", css)
    assert rule and int(rule.group(1)) == width == WIDTH  # never scaled up past its own size
    assert FONT <= 16


def test_every_chart_has_an_accessible_name_and_loads_nothing():
    points = _months([None, 2, 3])
    for svg in (
        svg_line(points, name="成交数各月走势", unit="单", fmt=_count, target=2),
        svg_sparkline(points, name="成交数近 3 个月走势", fmt=_count),
    ):
        root = _parse(svg)
        assert root.get("role") == "img"
        label = root.get("aria-label")
        assert label.startswith("成交数") and "最新 2026-03 为 3单" in label
        assert "2026-01 无数据" in label
        assert not re.search(r"<script|<image|<use|href=|url\(|@import", svg)
        assert re.findall(r"https?://[^\"]+", svg) == ["http://www.w3.org/2000/svg"]


def test_a_sparkline_breaks_at_gaps_and_marks_the_latest_value():
    root = _parse(svg_sparkline(_months([1, 2, None, 4, None, 3]), name="x", fmt=_count))
    assert [len(r) for r in _subpaths(root)] == [2]  # Jan–Feb; April and June stand alone
    assert len(_dots(root)) == 2  # April (alone) and June (alone and the latest)
    assert (root.get("width"), root.get("height")) == ("120", "32")


def test_no_values_say_so_instead_of_drawing_an_empty_chart():
    assert svg_line(_months([None, None]), name="x", unit="单", fmt=_count) == "<p>（没有数据）</p>"
    assert svg_sparkline(_months([None]), name="x", fmt=_count) == "—"
