"""Pieces of the handbook that a handwritten page embeds with a line `<!-- handbook: KIND ARG -->`:
expanded on the internal sites, removed (and reported) on the public one."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from ...errors import Problem
from . import glossary, home, organisation, personnel, policy, processes, roles
from .book import Handbook

EMBED = re.compile(r"^[ ]{0,3}<!--\s*handbook:\s*([a-z-]+)(?:\s+(\S+))?\s*-->[ \t]*$", re.M)


class Embed(NamedTuple):
    piece: Callable[[Handbook, str, str], str]  # (book, argument, page it goes on) -> Markdown
    argument: str | None  # what the argument names; None: the kind takes no argument
    needs: str | None  # the policy file it is made from, if one


EMBEDS = {  # kind -> how its piece is made
    "duties": Embed(
        lambda book, unit, _: organisation.duties(book, unit), "unit", "organization.yml"
    ),
    "role": Embed(roles.role, "role", None),
    "steps": Embed(processes.steps_table, "process", "processes.yml"),
    "flowchart": Embed(
        lambda book, process, _: processes.flowchart(book, process), "process", "processes.yml"
    ),
    "org-chart": Embed(lambda book, _, __: organisation.org_chart(book), None, "organization.yml"),
    "appraisal": Embed(personnel.appraisal_indicators, "unit", "personnel.yml"),
    "principles": Embed(lambda book, _, __: home.principles(book), None, "general.yml"),
    "term": Embed(lambda book, term, _: glossary.term(book, term), "term", "glossary.yml"),
    "clause": Embed(lambda book, cid, _: policy.clause_text(book, cid), "clause", None),
}


def expand_embeds(
    markdown: str,
    path: str,
    here: str,
    book: Handbook | None,
    first_line: int = 1,
    wrap: Callable[[str], str] = str,
) -> tuple[str, list[Problem]]:
    """Replaces each `<!-- handbook: kind arg -->` line with the generated piece; a bad one is
    reported.

    first_line: the file line of the markdown's first line (the body starts after the front matter).
    wrap: what each piece becomes in the page (the build marks them: they are not the writer's).
    """
    problems: list[Problem] = []

    def piece(m: re.Match) -> str:
        kind, arg = m.group(1), m.group(2) or ""
        problem = _refusal(book, kind, arg, path, _line(markdown, m, first_line))
        if problem is not None:
            problems.append(problem)
            return ""
        return wrap(EMBEDS[kind].piece(book, arg, here))

    return EMBED.sub(piece, markdown), problems


def strip_embeds(markdown: str, path: str, first_line: int = 1) -> tuple[str, list[Problem]]:
    """For the public site: embeds are removed, each one reported (handbook content is for staff
    only)."""
    problems = [
        Problem(
            path,
            _line(markdown, m, first_line),
            "公开页面不能嵌入员工手册的内容，已删除",
            "员工手册只在内部版本中发布；公开页面请直接写出要公开的文字",
        )
        for m in EMBED.finditer(markdown)
    ]
    return EMBED.sub("", markdown), problems


def _refusal(book: Handbook | None, kind: str, arg: str, path: str, line: int) -> Problem | None:
    """Why an embed cannot be expanded: no handbook, an unknown kind, a policy file that did not
    load, or a bad argument; None when it can."""
    if book is None:
        return Problem(
            path,
            line,
            "这里嵌入了员工手册的内容，但手册数据没有加载",
            "检查 policies/ 中的手册数据文件",
        )
    if kind not in EMBEDS:
        return Problem(path, line, f"未知的嵌入类型 '{kind}'", f"可用的有：{'、'.join(EMBEDS)}")
    embed = EMBEDS[kind]
    if embed.needs and embed.needs not in book.reg.data:
        return Problem(
            path,
            line,
            f"嵌入 {kind} 需要 policies/{embed.needs}，但它没有加载（见其错误）",
            "先修正该文件",
        )
    choices = _choices(book, embed.argument)
    if arg not in choices:
        hint = f"可用的有：{'、'.join(choices[:30])}" if embed.argument else "这种嵌入不带参数"
        return Problem(path, line, f"嵌入 {kind} 的参数 '{arg}' 无效", hint)
    return None


def _choices(book: Handbook, argument: str | None) -> list[str]:
    """What an argument may name (no argument: only the empty one)."""
    reg = book.reg
    return {
        "unit": list(reg.units),
        "role": list(book.policies.roles),
        "process": [p["id"] for p in reg.processes],
        "term": [t["term"] for t in glossary.entries(book)],
        "clause": list(reg.clauses),
        None: [""],
    }[argument]


def _line(markdown: str, m: re.Match, first_line: int) -> int:
    """The file line of an embed."""
    return first_line + markdown.count("\n", 0, m.start())
