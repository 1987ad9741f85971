"""The staff handbook generated from the regulation's data: its pages, and pieces to embed in
handwritten ones. This module is what the MkDocs plugin and the CLI use.

Everything here is Markdown text built from a Regulation (model/regulation.py); the MkDocs plugin
only adds the pages to the internal build and expands embeds. Modules, lowest first:
addresses (where each page lives, relative links), markup (tables, lists, clause tags), book (the
Handbook: the regulation with people, KPIs and which revisions are proven, and how pages name and
link things), policy (a policy's wording, info box and revision history); one module per part of
the regulation: home (general provisions), organisation, roles, processes, norms, personnel,
finance, security, glossary; clause_index; embeds (the pieces a handwritten page embeds).
"""

from __future__ import annotations

from . import (
    clause_index,
    finance,
    glossary,
    home,
    norms,
    organisation,
    personnel,
    processes,
    roles,
    security,
)
from .addresses import CLAUSES_PAGE
from .book import Handbook, load_handbook
from .embeds import expand_embeds, strip_embeds
from .glossary import search_terms

__all__ = [
    "CLAUSES_PAGE",
    "Handbook",
    "expand_embeds",
    "load_handbook",
    "pages",
    "search_terms",
    "strip_embeds",
]

# The parts of the handbook in reading order (the site's navigation follows it), each with the
# policy files it is made from: a part whose files did not load is left out.
PARTS = (
    (("general.yml",), home.pages),
    (("organization.yml",), organisation.pages),
    (("processes.yml", "organization.yml"), processes.pages),
    (("norms.yml",), norms.pages),
    (("personnel.yml", "organization.yml"), personnel.pages),
    (("finance.yml",), finance.pages),
    (("security.yml",), security.pages),
    ((), roles.pages),
    (("glossary.yml",), glossary.pages),
)


def pages(book: Handbook) -> dict[str, str]:
    """Every handbook page (content-relative path -> Markdown), for the policy files that
    loaded, in reading order; the clause index last."""
    out: dict[str, str] = {}
    for needs, part in PARTS:
        if all(name in book.reg.data for name in needs):
            out.update(part(book))
    out[CLAUSES_PAGE] = clause_index.page(book, out)
    return out
