"""Charts drawn at build time as inline SVG: no script, nothing fetched, printable, the same bytes
every build.

Hand-written, not a chart library: the two kinds needed (a monthly line with axes, a sparkline) are
small enough to get right and test here. The libraries tried (shared notes, "Charts without JS")
each cost more than they give: matplotlib adds 173 MB and needs a CJK font at build time (or turns
text into outlines a screen reader cannot read); pygal loads its tooltip script from an outside host
unless told not to and writes a random id into every build; vl-convert is an 83 MB V8 wheel.

What a chart guarantees: a month without a value is a gap (the line breaks, a lone value is a dot,
nothing is bridged); the y axis has round steps and says its unit; counts print as integers; text
is at least 11 px on a 390 px phone; every chart has an accessible name.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

Point = tuple[str, float | None]  # (YYYY-MM, the month's value or None when it has none)
Format = Callable[[float], str]

# A chart is drawn in a WIDTH-unit-wide viewBox and shown at most WIDTH px wide (extra.css), so on a
# desktop one unit is at most one pixel. On a 390 px phone Material leaves 390 - 2 × 16 px (its
# 0.8rem content margins) for the page, and the chart's text must still be at least 11 px there:
# FONT units × 358 / 480 ≥ 11.
WIDTH = 480
HEIGHT = 260
PHONE_CONTENT_PX = 390 - 2 * 16
MIN_TEXT_PX = 11
FONT = math.ceil(MIN_TEXT_PX * WIDTH / PHONE_CONTENT_PX)

LINE, GOAL, GRID, MUTED = "#1565c0", "#2e7d32", "#d0d7de", "#424242"


def rendered_px(font_units: float, shown_px: float, width: int = WIDTH) -> float:
    """The size in pixels of text of `font_units` when a `width`-unit viewBox is shown `shown_px`
    wide."""
    return font_units * shown_px / width


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round axis ticks (steps of 1, 2, 2.5 or 5 × 10ⁿ) from at or below `low` to at or above
    `high`: at least three, about `count` + 1."""
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first = math.floor(low / step + 1e-9) * step
    n = max(2, math.ceil((high - first) / step - 1e-9))
    return [round(first + k * step, 10) for k in range(n + 1)]


def decimals(step: float) -> int:
    """Digits after the point that print `step` exactly (0 for 50, 1 for 2.5, 2 for 0.25)."""
    return next((d for d in range(4) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 4)


def text_width(text: str, font: float = FONT) -> float:
    """Roughly how wide `text` is drawn: a CJK character is one em, anything else about 0.6."""
    return sum(font if ord(c) > 0x2E80 else 0.6 * font for c in text)


def subpaths(xy: Sequence[tuple[float, float] | None]) -> tuple[str, list[tuple[float, float]]]:
    """The path data through `xy` with a new subpath after every gap (None), and the points that
    stand alone (no neighbour to draw a line to; they are drawn as dots)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for p in xy:
        if p is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(p)
    runs = [r for r in runs if r]
    d = " ".join(
        " ".join(f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}" for k, (x, y) in enumerate(run))
        for run in runs
        if len(run) > 1
    )
    return d, [run[0] for run in runs if len(run) == 1]


def _month_label(month: str) -> str:
    return f"{int(month[5:7])}月"


def _years(points: Sequence[Point], x: Callable[[int], float], step: float) -> str:
    """The year row under the months: each year starts at the boundary before its first month (a
    short tick marks it); the first year ends at the boundary after its last month, so a lone
    December before a new year is still named."""
    runs: list[tuple[str, int, int]] = []  # (year, first index, last index)
    for k, (month, _) in enumerate(points):
        if runs and runs[-1][0] == month[:4]:
            runs[-1] = (runs[-1][0], runs[-1][1], k)
        else:
            runs.append((month[:4], k, k))
    out, base = [], HEIGHT - 4
    for i, (year, first, last) in enumerate(runs):
        label = f"{year}年"
        if i == 0 and len(runs) > 1:
            edge = x(last) + step / 2
            at = max(edge - 4, text_width(label))
            out.append(f'<text x="{at:.1f}" y="{base}" text-anchor="end">{label}</text>')
            continue
        edge = (
            x(first) - step / 2 if i else x(first) - text_width(_month_label(points[first][0])) / 2
        )
        at = min(max(edge + 4, 0.0), WIDTH - text_width(label))
        out.append(f'<text x="{at:.1f}" y="{base}">{label}</text>')
        if i:
            out.append(
                f'<line x1="{edge:.1f}" x2="{edge:.1f}" y1="{HEIGHT - 2 * FONT - 8}" '
                f'y2="{HEIGHT}" stroke="{GRID}"/>'
            )
    return "".join(out)


def _summary(points: Sequence[Point], fmt: Format, target: float | None) -> str:
    """What the chart shows, in words: its name for screen readers."""
    known = [(m, v) for m, v in points if v is not None]
    missing = [m for m, v in points if v is None]
    parts = [f"{points[0][0]} 至 {points[-1][0]}"]
    if known:
        low = min(known, key=lambda p: p[1])
        high = max(known, key=lambda p: p[1])
        parts.append(f"最新 {known[-1][0]} 为 {fmt(known[-1][1])}")
        parts.append(f"最低 {fmt(low[1])}（{low[0]}），最高 {fmt(high[1])}（{high[0]}）")
    if target is not None:
        parts.append(f"目标 {fmt(target)}")
    if missing:
        parts.append(f"{'、'.join(missing)} 无数据")
    return "，".join(parts)


def svg_line(
    points: Sequence[Point],
    *,
    name: str,
    unit: str,
    fmt: Format,
    target: float | None = None,
) -> str:
    """A monthly line chart as inline SVG: y ticks with the unit, a month per x label (thinned when
    crowded, the year where it changes), the target as a dashed line, gaps left open."""
    values = [v for _, v in points if v is not None]
    if not values:
        return "<p>（没有数据）</p>"
    shown = values + ([target] if target is not None else [])
    ticks = nice_ticks(min(0.0, min(shown)), max(shown))
    places = decimals(ticks[1] - ticks[0])
    suffix = "%" if unit == "%" else ""
    tick_labels = [f"{t:,.{places}f}{suffix}" for t in ticks]
    month_w = max(text_width(_month_label(m)) for m, _ in points)
    left = math.ceil(max(text_width(t) for t in tick_labels)) + 10
    right = math.ceil(month_w / 2) + 4
    top, bottom = FONT + 14, 2 * FONT + 16
    plot_w, plot_h = WIDTH - left - right, HEIGHT - top - bottom
    step = plot_w / (len(points) - 1) if len(points) > 1 else 0.0

    def x(k: int) -> float:
        return left + (k * step if len(points) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - ticks[0]) / (ticks[-1] - ticks[0]))

    grid = "".join(
        f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{GRID}"/>'
        f'<text x="{left - 6}" y="{y(t) + FONT * 0.35:.1f}" text-anchor="end">{label}</text>'
        for t, label in zip(ticks, tick_labels, strict=True)
    )
    caption = f'<text x="0" y="{FONT}">单位：{html.escape(unit or "（无）")}</text>'
    every = max(1, math.ceil((month_w + 3) / step)) if step else 1
    labelled = [k for k in range(len(points)) if (len(points) - 1 - k) % every == 0]
    months = [
        f'<text x="{x(k):.1f}" y="{HEIGHT - FONT - 10}" text-anchor="middle">'
        f"{_month_label(points[k][0])}</text>"
        for k in labelled
    ]
    years = _years(points, x, step)
    goal = ""
    if target is not None:  # the dashed line, and its key beside the unit (never under the line)
        gy, label = y(target), f"目标 {html.escape(fmt(target))}"
        key_x = WIDTH - text_width(label) - 4
        goal = (
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="{GOAL}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<line x1="{key_x - 28:.1f}" x2="{key_x - 6:.1f}" y1="{FONT * 0.65:.1f}" '
            f'y2="{FONT * 0.65:.1f}" stroke="{GOAL}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - 4}" y="{FONT}" text-anchor="end" fill="{GOAL}">{label}</text>'
        )
    xy = [None if v is None else (x(k), y(v)) for k, (_, v) in enumerate(points)]
    d = subpaths(xy)[0]  # every value gets a dot below, so lone values need nothing more
    line = f'<path d="{d}" fill="none" stroke="{LINE}" stroke-width="2.5"/>' if d else ""
    dots = "".join(
        f'<circle cx="{p[0]:.1f}" cy="{p[1]:.1f}" r="4" fill="{LINE}">'
        f"<title>{m}：{html.escape(fmt(v))}</title></circle>"
        for p, (m, v) in zip(xy, points, strict=True)
        if p is not None and v is not None
    )
    return (
        f'<svg class="smilepress-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{html.escape(name)}：{html.escape(_summary(points, fmt, target))}" '
        f'font-size="{FONT}" fill="{MUTED}" xmlns="http://www.w3.org/2000/svg">'
        f"{caption}{grid}{goal}{line}{dots}{''.join(months)}{years}</svg>"
    )


def svg_sparkline(points: Sequence[Point], *, name: str, fmt: Format) -> str:
    """A small trend line for a table cell (120 × 32 px, no text): its shape, gaps left open, the
    latest value as a dot; the numbers are in its accessible name."""
    width, height, pad = 120, 32, 4
    values = [v for _, v in points if v is not None]
    if not values:
        return "—"
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(1, len(points) - 1)
    xy = [
        None
        if v is None
        else (pad + k * step, height - pad - (height - 2 * pad) * (v - low) / span)
        for k, (_, v) in enumerate(points)
    ]
    d, alone = subpaths(xy)
    last = next(p for p in reversed(xy) if p is not None)
    marks = {*alone, last}
    dots = "".join(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5"/>' for cx, cy in sorted(marks))
    line = f'<path d="{d}" fill="none" stroke="{LINE}" stroke-width="1.5"/>' if d else ""
    return (
        f'<svg class="smilepress-sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(name)}：{html.escape(_summary(points, fmt, None))}" '
        f'fill="{LINE}" xmlns="http://www.w3.org/2000/svg">{line}{dots}</svg>'
    )
