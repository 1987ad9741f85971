"""The one reader of a Markdown file's structure, as MkDocs (Python-Markdown) renders it.

Every offset is an offset in the text as read (CRLF and all), so findings point at the writer's
own lines and columns.

Line breaks. MkDocs reads files with universal newlines: CRLF and a lone CR are line breaks, and
nothing else is (not a form feed, not U+2028). `lf(text)` is a copy of the same length with every
line break a single "\\n" (CRLF becomes " \\n"); all the patterns here run on that copy.

Front matter, exactly MkDocs' rule (mkdocs/utils/meta.py): the file starts with `---` (trailing
spaces or tabs allowed), at least one line follows, and the first later line that is `---` or
`...` (trailing spaces or tabs allowed) *and ends with a line break* closes it; the block counts
only when MkDocs' YAML loader reads it as a mapping. Otherwise MkDocs renders the whole file,
fields and all, as the page: load/front_matter.py reports that as a problem.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

try:  # the loader MkDocs uses
    from yaml import CSafeLoader as _MkDocsLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _MkDocsLoader  # type: ignore[assignment]

BOM = "\ufeff"

# -- line breaks ---------------------------------------------------------------------------------


def lf(text: str) -> str:
    """`text` with every line break a single "\\n" at the same offsets (CRLF becomes " \\n")."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n")


def universal(text: str) -> str:
    """`text` as Python's universal newlines read it (what MkDocs sees): shorter for CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- front matter --------------------------------------------------------------------------------

# MkDocs' YAML_RE (mkdocs/utils/meta.py), matched on lf(text) at the start (after a BOM).
_YAML_RE = re.compile(r"-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)


@dataclass(frozen=True)
class FrontMatter:
    """The block MkDocs' pattern finds at the top of a file, and what MkDocs' loader made of it."""

    yaml_start: int  # offset of the YAML text (the line after the opening ---)
    yaml_end: int  # offset of the closing line
    end: int  # offset just after the closing line's line break: where the body starts
    data: Any  # what MkDocs' loader read (None when it failed)
    error: str  # why MkDocs' loader failed ("" when it did not)
    error_line: int  # file line of that failure (0 when unknown)
    prose: tuple[tuple[int, int], ...]  # the values of title and description (published wording)

    @property
    def mapping(self) -> bool:
        """MkDocs takes the block as front matter (and renders only what follows it)."""
        return not self.error and isinstance(self.data, dict)


@lru_cache(maxsize=256)
def front_matter(text: str) -> FrontMatter | None:
    """The front-matter block by MkDocs' pattern (None when there is none), read by its loader."""
    s = lf(text)
    m = _YAML_RE.match(s, 1 if s.startswith(BOM) else 0)
    if not m:
        return None
    yaml_start, yaml_end = m.span(1)
    source = text[yaml_start:yaml_end]
    data, error, error_line, prose = _mkdocs_load(universal(source))
    removed = [i for i, c in enumerate(source) if c == "\r" and source[i + 1 : i + 2] == "\n"]
    # Universal-newline offsets back to offsets in the file.
    shifted = [r - k for k, r in enumerate(removed)]

    def back(u: int) -> int:
        return yaml_start + u + bisect.bisect_right(shifted, u)

    return FrontMatter(
        yaml_start,
        yaml_end,
        m.end(),
        data,
        error,
        s.count("\n", 0, yaml_start) + error_line if error_line else 0,
        tuple((back(a), back(b)) for a, b in prose),
    )


def _mkdocs_load(source: str) -> tuple[Any, str, int, list[tuple[int, int]]]:
    """yaml.load(source, CSafeLoader) as MkDocs calls it, plus the spans of title and description.

    On failure: (None, what failed, its 1-based line in the YAML or 0, []).
    """
    loader = _MkDocsLoader(source)
    node = None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except Exception as exc:  # noqa: BLE001 (MkDocs catches everything too)
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            return None, str(exc).strip(), mark.line + 1, []
        line, what = _failing_scalar(node)
        return None, what or str(exc).strip() or type(exc).__name__, line, []
    finally:
        loader.dispose()
    prose = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value in ("title", "description"):
                if isinstance(value, yaml.ScalarNode):
                    prose.append((value.start_mark.index, value.end_mark.index))
    return data, "", 0, prose


def _failing_scalar(node) -> tuple[int, str]:
    """The first value that does not construct (a date that does not exist, such as 2026-02-30):
    its 1-based line in the YAML and "key: value", or (0, "")."""
    stack: list[tuple[Any, str]] = [(node, "")] if node is not None else []
    while stack:
        n, key = stack.pop(0)
        if isinstance(n, yaml.ScalarNode):
            try:
                yaml.constructor.SafeConstructor().construct_object(n)
            except Exception:  # noqa: BLE001
                return n.start_mark.line + 1, f"{key}: {n.value}" if key else n.value
        elif isinstance(n, yaml.SequenceNode):
            stack[:0] = [(item, key) for item in n.value]
        elif isinstance(n, yaml.MappingNode):
            stack[:0] = [(x, str(k.value)) for k, v in n.value for x in (k, v)]
    return 0, ""


_OPENING = re.compile(r"-{3}[ \t]*(?:\n|\Z)")
_CLOSING = re.compile(r"^(?:-{3}|\.{3})[ \t]*$", re.M)


def why_no_front_matter(text: str) -> tuple[str, int]:
    """Why MkDocs' pattern finds no front matter at the top of `text`, and the line to look at:
    "missing" (no opening --- line), "unclosed", "no-newline" (the closing line ends the file) or
    "empty" (closed on the line right after the opening: MkDocs needs a line between them)."""
    s = lf(text)
    at = 1 if s.startswith(BOM) else 0
    opening = _OPENING.match(s, at)
    if not opening:
        return "missing", 1
    closing = list(_CLOSING.finditer(s, opening.end())) if opening.group().endswith("\n") else []
    if closing and closing[-1].end() == len(s):
        return "no-newline", s.count("\n", 0, closing[-1].start()) + 1
    if closing:
        return "empty", 2
    return "unclosed", 1


def body_start(text: str) -> int:
    """Offset where the page MkDocs renders starts: after the front matter, or 0 without one."""
    fm = front_matter(text)
    return fm.end if fm is not None and fm.mapping else 0
