"""The clause index: every clause of the regulation, with the first handbook page that shows it
(found by the clause tags in the pages' Markdown) and where its wording comes from."""

from __future__ import annotations

import re

from .addresses import CLAUSES_PAGE, link
from .book import Handbook
from .markup import CLAUSE_TAG, origin_label, table

SUMMARY_LENGTH = 40  # characters of a clause's wording shown in the index
_MARKUP = re.compile(r"<[^>]+>|\[|\]\([^)]*\)")  # tags and link syntax, out of a page's title


def page(book: Handbook, pages: dict[str, str]) -> str:
    """The index of `pages` (address -> Markdown, every other handbook page)."""
    where: dict[str, str] = {}  # clause id -> the first page that tags it
    for address, markdown in pages.items():
        for cid in CLAUSE_TAG.findall(markdown):
            where.setdefault(cid, address)
    rows = []
    for cid in sorted(book.reg.clauses, key=lambda c: tuple(int(n) for n in c.split("."))):
        clause, found = book.reg.clauses[cid], where.get(cid)
        rows.append(
            [
                f"§{cid}",
                _summary(clause.text),
                f"[{_title(pages[found])}]({link(found, CLAUSES_PAGE)})"
                if found
                else "（未生成页面）",
                origin_label(clause.origin),
            ]
        )
    return (
        "# 条款索引\n\n制度的每一条在手册中的位置。条款号：第三章（二）第 1 条写作 §3.2.1。\n\n"
        + table(["条款", "内容", "所在页面", "来源"], rows)
    )


def _summary(text: str) -> str:
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH] + "…"


def _title(markdown: str) -> str:
    """A page's title as plain text: its first line, without '# ', tags and link syntax."""
    return _MARKUP.sub("", markdown.split("\n", 1)[0][2:])
