"""Splitting a Markdown file into its YAML front matter and body, keeping every offset.

Where the front matter ends is MkDocs' rule, read in load/markdown.py (the one reader of a file's
structure): a file whose front matter MkDocs would not take as such (not closed its way, or not a
mapping to its YAML loader) is a problem here, never a silent disagreement, since MkDocs would
then render the fields as the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem
from . import markdown
from .strict_yaml import Loaded, load_yaml


@dataclass(frozen=True)
class Split:
    yaml_text: str
    yaml_start: int  # offset of the YAML text in the file's text
    yaml_end: int  # offset just after the YAML text (where the closing --- or ... line starts)
    body: str
    body_line: int  # file line where the body starts (1-based)


def split(text: str, path: str) -> tuple[Split | None, list[Problem]]:
    """The front matter at the top of `text` and the body after it, where MkDocs splits them; or
    None and why MkDocs finds no front matter."""
    fm = markdown.front_matter(text)
    if fm is None:
        return None, [_not_closed(text, path)]
    parts = Split(
        text[fm.yaml_start : fm.yaml_end],
        fm.yaml_start,
        fm.yaml_end,
        text[fm.end :],
        markdown.lf(text).count("\n", 0, fm.end) + 1,
    )
    return parts, []


def _not_closed(text: str, path: str) -> Problem:
    """Why MkDocs finds no front matter at the top of `text`, told to the writer."""
    why, line = markdown.why_no_front_matter(text)
    if why == "missing":
        return Problem(
            path,
            line,
            "文件开头没有 front matter",
            "在第一行写 ---，接着写 title、type、status 等字段，再用 --- 结束",
        )
    if why == "no-newline":
        return Problem(
            path,
            line,
            "front matter 的结束行后面没有换行：MkDocs 不会把它当作 front matter，"
            "会把各个字段当正文显示在页面上",
            "在结束行 --- 之后换行（文件最后留一个换行）",
        )
    if why == "empty":
        return Problem(
            path, line, "front matter 是空的", "在两行 --- 之间写 title、type、status 等字段"
        )
    return Problem(
        path, line, "front matter 没有结束：找不到第二个 ---", "在字段之后、正文之前加一行 ---"
    )


def parse(text: str, path: str) -> tuple[tuple[Split, Loaded] | None, list[Problem]]:
    """Split and load the front matter; it must be a mapping, to us and to MkDocs. None and the
    one problem when it is not."""
    parts, problems = split(text, path)
    if parts is None:
        return None, problems
    loaded, problems = load_yaml(parts.yaml_text, path, first_line=2)
    if loaded is None:
        return None, problems
    if not isinstance(loaded.data, dict):
        kind = (
            "空的"
            if loaded.data is None
            else f"一个{'列表' if isinstance(loaded.data, list) else '值'}"
        )
        return None, [
            Problem(
                path,
                2,
                f"front matter 必须是“字段: 值”的映射，这里是{kind}",
                "每行写一个字段，例如 title: 种植牙术后护理",
            )
        ]
    fm = markdown.front_matter(text)
    if not fm.mapping:  # our loader reads it, MkDocs' does not: a date that does not exist
        what = fm.error.splitlines()[0] if fm.error else "不是“字段: 值”的映射"
        return None, [
            Problem(
                path,
                fm.error_line or 2,
                f"MkDocs 读不出 front matter 中的 {what}（像日期却不是真实存在的日期），"
                "会把整段 front matter 当正文显示在页面上",
                "日期写成 YYYY-MM-DD 并确认这一天存在；不是日期的值请加引号",
            )
        ]
    return (parts, loaded), []
