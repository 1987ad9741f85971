"""The Handbook: a regulation plus what its pages show beside it (people, KPIs, which revisions
the signed history proves, today), and how every page names and links what the regulation speaks
of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import Problem
from ...model.kpis import Kpi, load_kpis
from ...model.policies import Policies
from ...model.regulation import PolicyMeta, Regulation, as_list, load_regulation
from ...workflow.revisions import Unproven, prove_revisions
from ...workflow.trust import Ledger
from .addresses import POLICY_PAGES, ROLES_PAGE, kpi_page, link, process_page, unit_page
from .markup import clause_tag


@dataclass
class Handbook:
    """A regulation plus what its pages show beside it: people, KPIs, proven revisions, today."""

    reg: Regulation
    kpis: list[Kpi]
    today: dt.date
    # (policies/<file>, version) of the later revisions no signed commit vouches for
    unproven: Unproven = field(default_factory=set)
    # the site's other pages (KPI, plans); None: link to them all
    site_pages: set[str] | None = None

    @property
    def policies(self) -> Policies:
        return self.reg.policies

    # -- names ----------------------------------------------------------------------------------
    def person(self, pid: str) -> str:
        p = self.policies.people.get(pid)
        return p.name if p else pid

    def owner_names(self, ref: str | list[str]) -> str:
        return "、".join(self.reg.owner_name(r) for r in as_list(ref))

    def people_names(self, unit_id: str) -> str:
        return "、".join(p.name for p in self.reg.people_of(unit_id))

    def process(self, process_id: str) -> dict:
        return next(p for p in self.reg.processes if p["id"] == process_id)

    def tag(self, cid: str) -> str:
        """The tag of clause `cid`: its number, and a note if the department completed or added
        it."""
        clause = self.reg.clauses.get(cid)
        return clause_tag(cid, clause.origin if clause else "")

    # -- links ----------------------------------------------------------------------------------
    def owner(self, ref: str | list[str], here: str) -> str:
        """Roles (or units, or a pseudo-owner) by name, each linked to where it is described."""
        return "、".join(
            self.role_link(r, here) if r in self.policies.roles else self.unit_link(r, here)
            for r in as_list(ref)
        )

    def role_link(self, role_id: str, here: str) -> str:
        return f"[{self.policies.role_name(role_id)}]({link(ROLES_PAGE + '#' + role_id, here)})"

    def unit_link(self, unit_id: str, here: str) -> str:
        unit = self.reg.units.get(unit_id)
        if unit is None or unit["kind"] == "external":
            return self.reg.owner_name(unit_id)
        return f"[{unit['name']}]({link(unit_page(unit_id), here)})"

    def process_link(self, proc: dict, here: str) -> str:
        return f"[{proc['title']}]({link(process_page(proc['id']), here)})"

    def policy_link(self, meta: PolicyMeta, here: str) -> str:
        """The page a policy file is shown on, by the policy's title."""
        return f"[{meta.title}]({link(POLICY_PAGES[Path(meta.file).name], here)})"

    def kpi_link(self, kpi_id: str, here: str) -> str:
        name = next((k.name for k in self.kpis if k.id == kpi_id), kpi_id)
        return self.elsewhere(name, kpi_page(kpi_id), here)

    def elsewhere(self, title: str, target: str, here: str) -> str:
        """A link to a page outside the handbook, or plain text when the site has no such page."""
        if self.site_pages is not None and target not in self.site_pages:
            return title
        return f"[{title}]({link(target, here)})"


def load_handbook(
    root: Path,
    policies: Policies,
    today: dt.date,
    ledger: Ledger | None = None,
    site_pages: set[str] | None = None,
) -> tuple[Handbook, list[Problem]]:
    """The regulation with KPIs, each later revision asked of the signed history (`ledger`; None:
    none read, so none proven); problems include unproven revisions and overdue reviews."""
    reg, problems = load_regulation(root, policies, today)
    indicators, _ = load_kpis(root)  # kpis.py reports its own problems with the KPI pages
    unproven, refused = prove_revisions(ledger, reg.meta.values())
    problems.extend(refused)
    book = Handbook(reg, indicators, today, unproven, site_pages=site_pages)
    for meta in reg.overdue(today):
        problems.append(
            Problem(
                meta.file,
                meta.review_line,
                f"制度《{meta.title}》已过复审日期 {meta.next_review}",
                f"请负责人 {book.person(meta.owner)} 复审后更新 policy 中的 next_review；"
                "内容有修改时在 revisions 末尾加一条修订记录",
                level="warning",
            )
        )
    return book, problems
