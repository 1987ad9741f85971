"""The Markdown the handbook writes: tables, lists, and the tag that marks where a clause of the
regulation appears (with the pattern that finds the tags again, for the clause index)."""

from __future__ import annotations

import re

# A clause the department completed or added, not the adopted text's own: (its label in the clause
# index, the note beside its tag).
ORIGINS = {
    "completed": ("部门补全", "（原文不完整，部门补全）"),
    "added": ("部门补充", "（部门补充条款）"),
}
NOTHING = "（暂无）\n"  # in place of an empty list or table
ADOPTED_TEXT = "制度原文"  # the label of a clause that is the regulation's own
CLAUSE_TAG = re.compile(r'class="smilepress-clause" title="[^"]*">§([\d.]+)')  # finds clause_tag's


def clause_tag(cid: str, origin: str = "") -> str:
    note = ORIGINS[origin][1] if origin in ORIGINS else ""
    return f'<span class="smilepress-clause" title="管理制度条款">§{cid}{note}</span>'


def origin_label(origin: str) -> str:
    return ORIGINS[origin][0] if origin in ORIGINS else ADOPTED_TEXT


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items) + "\n"
