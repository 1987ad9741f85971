"""A YAML file of the project (policies/, data/) read strictly, and the validator that reads it:
each problem collected with the line it is on, the other keys and files still read.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from ..errors import Problem
from .source import read_source
from .strict_yaml import Loaded, load_yaml


class PolicyReader:
    """Validates one policy file, collecting problems that point at lines."""

    def __init__(self, loaded: Loaded, path: str):
        self.loaded, self.path, self.problems = loaded, path, []

    def fail(self, where: tuple, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.loaded.line_of(*where), message, hint))

    def mapping(self, value: Any, where: tuple, what: str) -> dict:
        if isinstance(value, dict):
            return value
        self.fail(where, f"{what} 应该是“键: 值”的映射")
        return {}

    def strings(self, value: Any, where: tuple, what: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, f"{what} 应该是文本列表，例如 [a, b]")
            return ()
        return tuple(value)

    def known(self, value: str, allowed, where: tuple, what: str) -> bool:
        if (
            allowed is None or value in allowed
        ):  # None: the list itself could not be read (reported there)
            return True
        close = difflib.get_close_matches(value, list(allowed), n=1)
        self.fail(
            where,
            f"未知的{what} '{value}'",
            f"是否想写 '{close[0]}'？" if close else f"可用的有：{', '.join(allowed)}",
        )
        return False

    def unknown_keys(self, data: dict, allowed: set[str], where: tuple) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                self.fail(
                    (*where, key),
                    f"未知字段 '{key}'",
                    f"是否想写 '{close[0]}'？"
                    if close
                    else f"可用字段：{', '.join(sorted(allowed))}",
                )


def load_policy_file(root: Path, name: str, problems: list[Problem]) -> PolicyReader | None:
    return load_yaml_file(root, f"policies/{name}", problems)


def load_yaml_file(root: Path, rel: str, problems: list[Problem]) -> PolicyReader | None:
    """A YAML mapping of the project (policies/, data/), strictly read; problems kept with lines."""
    source, read_problems = read_source(root, rel)
    if source is None:
        problems.extend(
            read_problems
            if os.path.lexists(root / rel)
            else [Problem(rel, 1, "缺少策略文件", "请从示例项目复制一份")]
        )
        return None
    loaded, yaml_problems = load_yaml(source.text, rel)
    if loaded is None:
        problems.extend(yaml_problems)
        return None
    reader = PolicyReader(loaded, rel)
    if not isinstance(loaded.data, dict):
        reader.fail((), "文件的顶层应该是映射（“键: 值”）")
        problems.extend(reader.problems)
        return None
    return reader
