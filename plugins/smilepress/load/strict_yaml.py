"""Strict YAML loading that keeps line numbers: the one loader for front matter and policy files.

Strict means: no duplicate keys, no tabs in indentation, no anchors or aliases (a "billion laughs"
document would expand to gigabytes), and no implicit timestamps (dates stay text so the model can
parse them itself and point at the line of a bad one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, SequenceNode

from ..errors import Problem


class YamlProblemError(Exception):
    """A problem found while loading; lines are 0-based in the YAML text, made file lines later."""

    def __init__(self, line: int, message: str, hint: str = "", first_seen: int | None = None):
        super().__init__(message)
        self.line, self.message, self.hint, self.first_seen = line, message, hint, first_seen


class _NoDuplicateKeys:
    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise YamlProblemError(
                    key_node.start_mark.line, "键必须是简单文本", "请把键写成一个词，例如 title"
                )
            if key in seen:
                raise YamlProblemError(
                    key_node.start_mark.line,
                    f"键 '{key}' 重复出现",
                    "删除其中一个，只保留正确的值",
                    first_seen=seen[key],
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


class _StrictLoader(_NoDuplicateKeys, yaml.SafeLoader):
    def compose_node(self, parent, index):  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, AliasEvent) or (
            isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor
        ):
            raise YamlProblemError(
                event.start_mark.line,
                "不允许使用 YAML 锚点或别名（& 和 *）",
                "请把内容直接写出来；别名可能被用来制造超大文档",
            )
        return super().compose_node(parent, index)


class _FastLoader(_NoDuplicateKeys, yaml.CSafeLoader):
    """libyaml, ten times faster: for text that cannot hold an anchor or alias (no & or *) and
    parses.

    Anything else goes to _StrictLoader, which also words every error for the writer.
    """


_StrictLoader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Tagged:
    """A value carrying a YAML tag (mkdocs.yml's !ENV, !relative, !!python/name:…), kept as data:
    nothing is resolved, imported or run."""

    tag: str
    value: Any


def _construct_tagged(loader, _suffix, node):
    if isinstance(node, MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)
    return Tagged(node.tag, value)


class _TaggedLoader(_StrictLoader):
    """The strict loader that also reads tagged values, as Tagged (site configuration)."""


_TaggedLoader.add_multi_constructor("!", _construct_tagged)
_TaggedLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)


@dataclass(frozen=True)
class Loaded:
    data: Any
    node: Node | None
    first_line: int  # file line number of the YAML text's first line (1-based)

    def line_of(self, *path: Any) -> int:
        """File line of the value at `path` (keys and list indexes), or of its nearest parent's
        key."""
        node = self.node
        line = node.start_mark.line if node is not None else 0
        for step in path:
            child = None
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == step or key_node.value == str(step):
                        child, line = value_node, key_node.start_mark.line
                        break
            elif (
                isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value)
            ):
                child = node.value[step]
                line = child.start_mark.line
            if child is None:
                break
            node = child
        return self.first_line + line


def load_yaml(
    text: str, path: str, first_line: int = 1, tags: bool = False
) -> tuple[Loaded | None, list[Problem]]:
    """Parse `text` (which starts at `first_line` of file `path`) strictly; or None and the one
    problem that prevents it. `tags`: tagged values are read as Tagged instead of being an error."""
    tab = _tab_in_indent(text, path, first_line)
    if tab is not None:
        return None, [tab]
    if (
        "&" not in text
        and "*" not in text
        and not (tags and "!" in text)
        and getattr(yaml, "__with_libyaml__", False)
    ):
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            data = fast.construct_document(node) if node is not None else None
            return Loaded(data, node, first_line), []
        except Exception:  # noqa: BLE001 (the strict loader below finds and words the problem)
            pass
        finally:
            fast.dispose()
    loader = None
    try:
        loader = (_TaggedLoader if tags else _StrictLoader)(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except (YamlProblemError, yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        return None, [_problem(exc, path, first_line)]
    finally:
        if loader is not None:
            loader.dispose()
    return Loaded(data, node, first_line), []


def _tab_in_indent(text: str, path: str, first_line: int) -> Problem | None:
    for number, line in enumerate(text.splitlines(), start=first_line):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return Problem(
                path,
                number,
                "YAML 中用了制表符（Tab）缩进",
                "YAML 只能用空格缩进，请把 Tab 换成两个空格",
            )
    return None


def _problem(exc: Exception, path: str, first_line: int) -> Problem:
    """What the strict loader's exception `exc` means, at its line of `path`."""
    if isinstance(exc, YamlProblemError):
        message = (
            exc.message
            if exc.first_seen is None
            else f"{exc.message}（第一次在第 {first_line + exc.first_seen} 行）"
        )
        return Problem(path, first_line + exc.line, message, exc.hint)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        what = exc.problem or exc.context or "无法解析"
        if "'\\t'" in what:  # a tab where YAML expects a token
            return Problem(
                path,
                line,
                "YAML 中这一行有制表符（Tab）",
                "把 Tab 换成空格；值里确实需要 Tab 时请给整个值加引号",
            )
        return Problem(
            path,
            line,
            f"YAML 语法错误：{what}",
            "检查这一行及上一行的缩进、冒号后的空格和引号是否成对",
        )
    if isinstance(exc, RecursionError):
        return Problem(
            path, first_line, "YAML 嵌套层次过深", "front matter 只需要简单的“字段: 值”和列表"
        )
    return Problem(path, first_line, f"YAML 无法解析：{exc}", "检查 YAML 语法")
