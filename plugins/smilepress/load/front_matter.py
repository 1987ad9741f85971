"""Splitting a Markdown file into its YAML front matter and body, keeping every offset."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import Problem
from .strict_yaml import Loaded, load_yaml

_FENCE = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


@dataclass(frozen=True)
class Split:
    yaml_text: str
    yaml_start: int  # offset of the YAML text in the file's text
    yaml_end: int  # offset just after the YAML text (where the closing --- line starts)
    body: str
    body_line: int  # file line where the body starts (1-based)


def split(text: str, path: str) -> Split | Problem:
    """Find the `---` fenced block at the very top of `text`."""
    if not _FENCE.match(text):
        return Problem(
            path,
            1,
            "文件开头没有 front matter",
            "在第一行写 ---，接着写 title、type、status 等字段，再用 --- 结束",
        )
    first_nl = text.find("\n")
    if first_nl < 0:
        return Problem(path, 1, "front matter 没有结束", "在字段之后加一行 ---")
    closing = _FENCE.search(text, first_nl + 1)
    if not closing:
        return Problem(
            path, 1, "front matter 没有结束：找不到第二个 ---", "在字段之后、正文之前加一行 ---"
        )
    yaml_start = first_nl + 1
    after = text.find("\n", closing.end())
    body_start = len(text) if after < 0 else after + 1
    body_line = text.count("\n", 0, body_start) + 1
    return Split(
        text[yaml_start : closing.start()],
        yaml_start,
        closing.start(),
        text[body_start:],
        body_line,
    )


def parse(text: str, path: str) -> tuple[Split, Loaded] | Problem:
    """Split and load the front matter; it must be a mapping."""
    parts = split(text, path)
    if isinstance(parts, Problem):
        return parts
    loaded = load_yaml(parts.yaml_text, path, first_line=2)
    if isinstance(loaded, Problem):
        return loaded
    if not isinstance(loaded.data, dict):
        kind = (
            "空的"
            if loaded.data is None
            else f"一个{'列表' if isinstance(loaded.data, list) else '值'}"
        )
        return Problem(
            path,
            2,
            f"front matter 必须是“字段: 值”的映射，这里是{kind}",
            "每行写一个字段，例如 title: 种植牙术后护理",
        )
    return parts, loaded
