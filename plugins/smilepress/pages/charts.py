"""Charts drawn at build time as inline SVG: no script, nothing fetched, printable."""

from __future__ import annotations

import html


def svg_line(
    points: list[tuple[str, float | None]],
    target: float | None = None,
    name: str = "走势图",
    width: int = 640,
    height: int = 220,
) -> str:
    """A line chart as inline SVG (no script, prints, Chinese labels are plain text)."""
    values = [v for _, v in points if v is not None] + ([target] if target is not None else [])
    if not values:
        return "<p>（没有数据）</p>"
    low, high = min(0.0, min(values)), max(values) * 1.1 or 1.0
    left, right, top, bottom = 48, 12, 12, 30
    step = (width - left - right) / max(1, len(points) - 1)

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - low) / (high - low))

    path = " ".join(
        f"{'M' if k == 0 else 'L'}{left + k * step:.1f},{y(v):.1f}"
        for k, (_, v) in enumerate(points)
        if v is not None
    )
    labels = "".join(
        f'<text x="{left + k * step:.1f}" y="{height - 10}" font-size="10" text-anchor="middle">'
        f"{html.escape(m[2:])}</text>"
        for k, (m, _) in enumerate(points)
    )
    dots = "".join(
        f'<circle cx="{left + k * step:.1f}" cy="{y(v):.1f}" r="3">'
        f"<title>{html.escape(m)}: {v:.2f}</title></circle>"
        for k, (m, v) in enumerate(points)
        if v is not None
    )
    goal = (
        (
            f'<line x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="#2e7d32" stroke-dasharray="4 3"/>'
            f'<text x="{width - right}" y="{y(target) - 4:.1f}" font-size="10" '
            f'text-anchor="end" fill="#2e7d32">目标</text>'
        )
        if target is not None
        else ""
    )
    axis = (
        f'<text x="4" y="{y(high / 1.1) + 4:.1f}" font-size="10">{high / 1.1:,.1f}</text>'
        f'<text x="4" y="{y(low) + 4:.1f}" font-size="10">{low:,.0f}</text>'
    )
    return (
        f'<svg class="smilepress-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(name)}" xmlns="http://www.w3.org/2000/svg">'
        f'{axis}{goal}<path d="{path}" fill="none" stroke="#1565c0" stroke-width="2"/>'
        f"{dots}{labels}</svg>"
    )
