"""Chapter 2's organisation (organization.yml): the overview with the org chart and each unit's
duties, and a page per unit of the department (its people, roles, KPIs, processes, appraisal and
career path)."""

from __future__ import annotations

from ...model.regulation import as_list
from .. import diagrams
from . import personnel
from .addresses import POLICY_PAGES, unit_page
from .book import Handbook
from .markup import NOTHING, bullets, table
from .policy import footer, sections
from .roles import role


def pages(book: Handbook) -> dict[str, str]:
    out = {POLICY_PAGES["organization.yml"]: _overview(book)}
    for uid in _own_units(book):
        out[unit_page(uid)] = _unit(book, uid)
    return out


def _own_units(book: Handbook) -> list[str]:
    """The department's units: all but the partners outside it."""
    return [uid for uid, unit in book.reg.units.items() if unit["kind"] != "external"]


def _overview(book: Handbook) -> str:
    here = POLICY_PAGES["organization.yml"]
    parts = sections(book, "organization.yml").split("\n## ", 2)  # 部门架构, 职责分工
    out = ["# 组织架构\n", parts[0], org_chart(book), "## " + "\n## ".join(parts[1:])]
    for uid in _own_units(book):
        out.append(f"### {book.unit_link(uid, here)}\n")
        out.append(duties(book, uid))
    out.append("## 各单位\n")
    out.append(_units_table(book, here))
    return "\n".join(out) + footer(book, "organization.yml")


def _units_table(book: Handbook, here: str) -> str:
    department = book.reg.data["organization.yml"]["department"]
    kinds = {"head": "部门负责人", "group": f"{department}下辖", "external": "协作单位"}
    rows = [
        [
            book.unit_link(uid, here),
            kinds[unit["kind"]],
            book.people_names(uid) or "—",
            "、".join(book.role_link(r, here) for r in book.reg.roles_of(uid)) or "—",
        ]
        for uid, unit in book.reg.units.items()
    ]
    return table(["单位", "类别", "人员", "角色"], rows)


def _unit(book: Handbook, uid: str) -> str:
    here = unit_page(uid)
    out = [f"# {book.reg.units[uid]['name']}\n", "## 职责\n", duties(book, uid)]
    out.append("## 人员\n")
    out.append(_people(book, uid, here))
    roles = book.reg.roles_of(uid)
    if roles:
        out.append("## 角色\n")
        out.append("\n".join(role(book, r, here) for r in roles))
    out.append("## 负责的指标\n")
    out.append(_kpis_owned(book, uid, here))
    out.append("## 负责的流程\n")
    out.append(_processes_taken_part_in(book, uid, here))
    if "personnel.yml" in book.reg.data:
        out.extend(personnel.unit_sections(book, uid, here))
    return "\n".join(out)


def _people(book: Handbook, uid: str, here: str) -> str:
    people = book.reg.people_of(uid)
    if not people:
        return NOTHING
    return table(["姓名", "角色"], [[p.name, book.owner(list(p.roles), here)] for p in people])


def _kpis_owned(book: Handbook, uid: str, here: str) -> str:
    owned = [k for k in book.kpis if book.reg.unit_id(k.group) == uid]
    if not owned:
        return NOTHING
    rows = [
        [
            book.kpi_link(k.id, here),
            f"{'≥' if k.direction == 'higher' else '≤'} {k.target:g}{k.unit}",
            f"`{k.formula}`",
        ]
        for k in owned
    ]
    return table(["指标", "目标", "公式"], rows)


def _processes_taken_part_in(book: Handbook, uid: str, here: str) -> str:
    """The processes the unit runs, then the steps its roles own in other units' processes."""
    runs = [book.process_link(p, here) for p in book.reg.processes if p["unit"] == uid]
    helps = [
        f"{book.process_link(p, here)}中的“{s['name']}”"
        for p in book.reg.processes
        if p["unit"] != uid
        for s in p["steps"]
        if any(book.reg.roles.get(o, {}).get("unit") == uid for o in as_list(s["owner"]))
    ]
    return bullets(runs + helps) if runs or helps else NOTHING


def duties(book: Handbook, unit_id: str) -> str:
    """A unit's duties with their clause's tag (a partner outside has only a description)."""
    unit = book.reg.units[unit_id]
    if "duties" not in unit:
        return unit.get("description", "") + "\n"
    return bullets([d["text"] for d in unit["duties"]]) + "\n" + book.tag(unit["clause"]) + "\n"


def org_chart(book: Handbook) -> str:
    """The department's head over its groups, with the partners outside beside them."""
    units = book.reg.units

    def box(uid: str) -> diagrams.Box:
        names = book.people_names(uid)
        external = units[uid]["kind"] == "external"
        return diagrams.Box(units[uid]["name"], (names,) if names else (), external)

    head = next((uid for uid, u in units.items() if u["kind"] == "head"), None)
    groups = [box(uid) for uid, u in units.items() if u["kind"] == "group"]
    partners = [box(uid) for uid, u in units.items() if u["kind"] == "external"]
    department = book.reg.data["organization.yml"]["department"]
    top = box(head) if head else diagrams.Box(department)
    return diagrams.org_chart(f"{department}组织架构图", top, groups, partners) + "\n"
