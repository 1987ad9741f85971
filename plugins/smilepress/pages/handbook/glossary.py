"""The glossary (glossary.yml): its page, one term to embed, and the words search keeps whole."""

from __future__ import annotations

from .addresses import POLICY_PAGES
from .book import Handbook
from .markup import table
from .policy import footer


def pages(book: Handbook) -> dict[str, str]:
    rows = [
        [f"**{t['term']}**", "、".join(t.get("also", [])), t["definition"]] for t in entries(book)
    ]
    page = "# 术语表\n\n" + table(["术语", "又称", "释义"], rows) + footer(book, "glossary.yml")
    return {POLICY_PAGES["glossary.yml"]: page}


def term(book: Handbook, name: str) -> str:
    """A term's definition, found by the term or any of its other names."""
    found = next(t for t in entries(book) if name in _names(t))
    return f"**{found['term']}**：{found['definition']}\n"


def search_terms(book: Handbook) -> list[str]:
    """Words the search segmenter should keep whole: glossary terms, unit and role names."""
    terms = [name for t in entries(book) for name in _names(t)]
    units = (u["name"] for u in book.reg.units.values())
    return sorted({*terms, *units, *book.policies.roles.values()})


def entries(book: Handbook) -> list[dict]:
    """The glossary's terms (none when glossary.yml did not load)."""
    return book.reg.data.get("glossary.yml", {}).get("terms", [])


def _names(term_entry: dict) -> tuple[str, ...]:
    """A term and its other names."""
    return (term_entry["term"], *term_entry.get("also", []))
