"""Where each handbook page lives (a content-relative .md path), and the link from one page to
another: relative to the page it appears on, so a piece embedded in any page still links correctly.
"""

from __future__ import annotations

import posixpath

PREFIX = "handbook"
HOME = f"{PREFIX}/index.md"
# The page each policy file is shown on (its version, owner, dates and change history).
POLICY_PAGES = {
    "general.yml": HOME,
    "organization.yml": f"{PREFIX}/org/index.md",
    "roles.yml": f"{PREFIX}/roles.md",
    "processes.yml": f"{PREFIX}/processes/index.md",
    "norms.yml": f"{PREFIX}/norms.md",
    "personnel.yml": f"{PREFIX}/personnel.md",
    "finance.yml": f"{PREFIX}/finance.md",
    "security.yml": f"{PREFIX}/security.md",
    "glossary.yml": f"{PREFIX}/glossary.md",
}
ROLES_PAGE = POLICY_PAGES["roles.yml"]
CLAUSES_PAGE = f"{PREFIX}/clauses.md"
BUDGET_PAGE = "plans/budget.md"  # outside the handbook: pages/kpis.py writes it


def unit_page(unit_id: str) -> str:
    return f"{PREFIX}/org/{unit_id}.md"


def process_page(process_id: str) -> str:
    return f"{PREFIX}/processes/{process_id}.md"


def kpi_page(kpi_id: str) -> str:
    """Outside the handbook: pages/kpis.py writes it."""
    return f"kpi/{kpi_id}.md"


def link(target: str, here: str) -> str:
    """A relative Markdown link target from page `here` to page `target` (content-relative .md
    paths)."""
    path, _, anchor = target.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(here) or ".")
    return rel + (f"#{anchor}" if anchor else "")
