"""Diagrams drawn at build time as inline SVG: the org chart and process flowcharts.

No JavaScript and nothing fetched: the reader's own fonts draw the `<text>`, so the handbook works
on an intranet with no outside hosts. The layouts are the two the handbook needs (a two-level tree
and a vertical sequence with loops back), so a general graph layout engine would add a binary and a
build step for nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape

FONT = 14
LINE = 20
PAD = 10
STROKE = "#3f51b5"
FONT_FAMILY = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"


@dataclass(frozen=True)
class Box:
    title: str
    lines: tuple[str, ...] = ()
    dashed: bool = False


def text_width(text: str, size: int = FONT) -> float:
    """Width of a line: a Han character (or full-width form) is one em, anything else about 0.6
    em."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


def _box_size(box: Box) -> tuple[float, float]:
    width = (
        max([text_width(box.title, FONT + 1), *(text_width(s, FONT - 2) for s in box.lines)])
        + 2 * PAD
    )
    return max(width, 96), PAD * 2 + LINE * (1 + len(box.lines))


def _draw_box(box: Box, x: float, y: float, w: float, h: float) -> str:
    dash = ' stroke-dasharray="5 4"' if box.dashed else ""
    out = [
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="6" fill="#fff" '
        f'stroke="{STROKE}" stroke-width="1.5"{dash}/>',
        f'<text x="{x + w / 2:.0f}" y="{y + PAD + FONT:.0f}" text-anchor="middle" '
        f'font-size="{FONT + 1}" font-weight="bold" fill="#1a237e">{escape(box.title)}</text>',
    ]
    for i, line in enumerate(box.lines, start=1):
        out.append(
            f'<text x="{x + w / 2:.0f}" y="{y + PAD + FONT + i * LINE:.0f}" text-anchor="middle" '
            f'font-size="{FONT - 2}" fill="#333">{escape(line)}</text>'
        )
    return "".join(out)


def _svg(width: float, height: float, label: str, body: list[str]) -> str:
    # One line, inside a <div>: Markdown passes a block-level HTML element through untouched.
    # The arrow marker's id is unique per diagram: a page may hold several.
    marker = "arrow-" + hashlib.sha1(label.encode()).hexdigest()[:8]
    body = [part.replace("url(#arrow)", f"url(#{marker})") for part in body]
    return (
        f'<div class="smilepress-diagram"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'style="max-width:100%;height:auto" font-family="{FONT_FAMILY}">'
        f"<title>{escape(label)}</title>"
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{STROKE}"/></marker></defs>'
        + "".join(body)
        + "</svg></div>"
    )


def org_chart(label: str, head: Box, groups: list[Box], partners: list[Box] = ()) -> str:
    """The head on top, its groups in a row below, partner units (dashed) in a row at the bottom."""
    gap = 24
    sizes = [_box_size(b) for b in groups]
    row_w = sum(w for w, _ in sizes) + gap * (len(groups) - 1) if groups else 0
    hw, hh = _box_size(head)
    partner_sizes = [_box_size(b) for b in partners]
    partner_w = sum(w for w, _ in partner_sizes) + gap * (len(partners) - 1) if partners else 0
    width = max(row_w, hw, partner_w) + 2 * PAD
    body = [_draw_box(head, (width - hw) / 2, PAD, hw, hh)]
    row_y = PAD + hh + 48
    row_h = max((h for _, h in sizes), default=0)
    bus_y = PAD + hh + 24
    x = (width - row_w) / 2
    if groups:
        body.append(
            f'<path d="M{width / 2:.0f},{PAD + hh:.0f} V{bus_y:.0f}" stroke="{STROKE}" '
            'fill="none" stroke-width="1.5"/>'
        )
    centres = []
    for box, (w, h) in zip(groups, sizes, strict=True):
        body.append(_draw_box(box, x, row_y, w, h))
        centres.append(x + w / 2)
        x += w + gap
    if centres:
        body.append(
            f'<path d="M{centres[0]:.0f},{bus_y:.0f} H{centres[-1]:.0f}" stroke="{STROKE}" '
            'fill="none" stroke-width="1.5"/>'
        )
        body += [
            f'<path d="M{c:.0f},{bus_y:.0f} V{row_y:.0f}" stroke="{STROKE}" fill="none" '
            'stroke-width="1.5" marker-end="url(#arrow)"/>'
            for c in centres
        ]
    height = row_y + row_h + PAD
    if partners:
        py = height + 36
        body.append(
            f'<text x="{PAD}" y="{py - 10:.0f}" font-size="{FONT - 2}" fill="#666">协作单位</text>'
        )
        x = (width - partner_w) / 2
        for box, (w, h) in zip(partners, partner_sizes, strict=True):
            body.append(_draw_box(box, x, py, w, h))
            x += w + gap
        height = py + max(h for _, h in partner_sizes) + PAD
    return _svg(width, height, label, body)


def flowchart(label: str, steps: list[Box], loops: list[tuple[int, int, str]] = ()) -> str:
    """Steps top to bottom joined by arrows; each loop (from, to, label) goes back up on the
    right."""
    gap = 34
    sizes = [_box_size(b) for b in steps]
    box_w = max((w for w, _ in sizes), default=96)
    loop_labels = max((text_width(lbl, FONT - 2) for *_, lbl in loops), default=0)
    width = box_w + 2 * PAD + (len(loops) * 26 + loop_labels + 16 if loops else 0)
    tops, y = [], PAD
    body = []
    for i, (box, (_, h)) in enumerate(zip(steps, sizes, strict=True)):
        tops.append(y)
        body.append(_draw_box(box, PAD, y, box_w, h))
        if i + 1 < len(steps):
            body.append(
                f'<path d="M{PAD + box_w / 2:.0f},{y + h:.0f} V{y + h + gap - 2:.0f}" '
                f'stroke="{STROKE}" stroke-width="1.5" fill="none" marker-end="url(#arrow)"/>'
            )
        y += h + gap
    right = PAD + box_w
    for k, (src, dst, text) in enumerate(loops):
        x = right + 18 + 26 * k
        y1 = tops[src] + sizes[src][1] / 2
        y2 = tops[dst] + sizes[dst][1] / 2
        body.append(
            f'<path d="M{right:.0f},{y1:.0f} H{x:.0f} V{y2:.0f} H{right + 2:.0f}" '
            f'stroke="{STROKE}" stroke-width="1.5" stroke-dasharray="5 4" fill="none" '
            'marker-end="url(#arrow)"/>'
        )
        body.append(
            f'<text x="{x + 6:.0f}" y="{(y1 + y2) / 2:.0f}" font-size="{FONT - 2}" fill="#333">'
            f"{escape(text)}</text>"
        )
    return _svg(width, y - gap + PAD, label, body)
