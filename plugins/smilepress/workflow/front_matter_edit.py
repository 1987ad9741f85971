"""Surgical front-matter edits: change only the bytes meant to change.

The writer's comments, key order, quoting, indentation, line endings, BOM and body stay as they
are. Positions come from the YAML parser's node marks, so nothing is searched for in the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import Problem, SmilePressError
from ..load import front_matter
from ..load.files import read_bytes
from ..load.source import BOM


def file_text(root: Path, rel: str) -> str:
    """The text of the file `rel` to edit, exactly as it is (line endings and a BOM kept); only a
    regular file is read (load/files.py), anything else raises."""
    data, problems = read_bytes(root, rel)
    if data is None:
        raise SmilePressError(problems)
    return data.decode("utf-8")


def _compose(text: str, path: str):
    parts, problems = front_matter.split(text, path)
    if parts is None:
        raise SmilePressError(problems)
    try:
        node = yaml.compose(parts.yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise SmilePressError(
            Problem(path, 2, f"front matter 无法解析：{exc}", "先修正 YAML 再操作")
        ) from None
    if not isinstance(node, MappingNode):
        raise SmilePressError(Problem(path, 2, "front matter 必须是映射", "每行写一个字段"))
    return parts, node


def _find(node: MappingNode, key: str):
    for key_node, value_node in node.value:
        if key_node.value == key:
            return key_node, value_node
    return None, None


def _newline(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _scalar(value: str, style: str | None = None) -> str:
    if style in ("'", '"'):
        dumped = yaml.safe_dump(value, default_style=style, allow_unicode=True, width=10**6)
    else:
        dumped = yaml.safe_dump(value, allow_unicode=True, width=10**6)
    return dumped.removesuffix("...\n").strip()


def _insert_before_closing(text: str, parts, line: str) -> str:
    nl = _newline(text)
    at = parts.yaml_end
    prefix = "" if at == parts.yaml_start or text[at - 1] == "\n" else nl
    return text[:at] + prefix + line + nl + text[at:]


def set_field(text: str, key: str, value: str, path: str = "") -> str:
    """Set the top-level scalar `key` to `value`, keeping its quoting style; add it if missing."""
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    parts, node = _compose(body, path)
    key_node, value_node = _find(node, key)
    if key_node is None:
        result = _insert_before_closing(body, parts, f"{key}: {_scalar(value)}")
    elif not isinstance(value_node, ScalarNode) or value_node.style in ("|", ">"):
        raise SmilePressError(
            Problem(
                path,
                2 + key_node.start_mark.line,
                f"字段 {key} 应该是写在一行的单个值",
                f"请改成 {key}: 值 的形式",
            )
        )
    else:
        start = parts.yaml_start + value_node.start_mark.index
        end = parts.yaml_start + value_node.end_mark.index
        if start == end:  # `key:` with no value
            start = end = parts.yaml_start + key_node.end_mark.index
            result = (
                body[:start] + ": " + _scalar(value) + body[start + 1 :]
                if body[start : start + 1] == ":"
                else None
            )
            if result is None:
                raise SmilePressError(
                    Problem(
                        path,
                        2 + key_node.start_mark.line,
                        f"无法定位字段 {key} 的值",
                        "请写成 key: value",
                    )
                )
        else:
            result = body[:start] + _scalar(value, value_node.style) + body[end:]
    return (BOM if bom else "") + result


def append_to_list(text: str, key: str, item: dict[str, Any], path: str = "") -> str:
    """Append `item` as a one-line flow mapping to the top-level block list `key`."""
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    nl = _newline(body)
    parts, node = _compose(body, path)
    line = _scalar_flow(item)
    key_node, value_node = _find(node, key)
    if key_node is None:
        result = _insert_before_closing(body, parts, f"{key}:{nl}  - {line}")
    elif isinstance(value_node, SequenceNode) and value_node.value and not value_node.flow_style:
        first, last = value_node.value[0], value_node.value[-1]
        first_line_start = body.rfind("\n", 0, parts.yaml_start + first.start_mark.index) + 1
        indent = body[first_line_start : parts.yaml_start + first.start_mark.index]
        indent = indent[: indent.index("-")] if "-" in indent else "  "
        end = parts.yaml_start + last.end_mark.index
        line_end = (
            end - 1 if body[end - 1] == "\n" else body.find("\n", end)
        )  # a block item ends at a line start
        at = len(body) if line_end < 0 else line_end + 1
        prefix = nl if line_end < 0 else ""
        result = body[:at] + prefix + f"{indent}- {line}{nl}" + body[at:]
    elif (isinstance(value_node, SequenceNode) and not value_node.value) or (
        isinstance(value_node, ScalarNode) and value_node.value in ("", "null", "~")
    ):
        # Drop the empty value (`[]`, `~`), keep the rest of the key's line (a comment), add the
        # item below.
        start = parts.yaml_start + value_node.start_mark.index
        end = parts.yaml_start + value_node.end_mark.index
        head = body[:start].rstrip(" ") if start != end else body[:start]
        rest = body[end:]
        line_end = rest.find("\n")
        line_end = len(rest) if line_end < 0 else line_end + 1
        tail = rest[:line_end]
        if not tail.endswith("\n"):
            tail += nl
        result = head + tail + f"  - {line}{nl}" + rest[line_end:]
    else:
        raise SmilePressError(
            Problem(
                path,
                2 + key_node.start_mark.line,
                f"{key} 应该是每行一条的列表",
                f"请把 {key} 改成“- …”逐行书写的形式",
            )
        )
    return (BOM if bom else "") + result


def _scalar_flow(item: dict[str, Any]) -> str:
    return yaml.safe_dump(
        item, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**6
    ).strip()
