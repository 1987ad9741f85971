"""The roles (roles.yml, with workflow.yml): what each role is, who holds it, what it approves and
which process steps it owns."""

from __future__ import annotations

from ...model.regulation import as_list
from .addresses import ROLES_PAGE
from .book import Handbook
from .policy import footer


def pages(book: Handbook) -> dict[str, str]:
    out = [
        "# 角色与职责\n",
        "角色决定谁可以批准、发布哪些内容（由部门的角色与审批流程数据生成）。\n",
    ]
    for rid, name in book.policies.roles.items():
        out.append(f"## {name} {{#{rid}}}\n")
        out.append(role(book, rid, ROLES_PAGE))
    end = footer(book, "roles.yml") if "roles.yml" in book.reg.meta else ""
    return {ROLES_PAGE: "\n".join(out) + end}


def role(book: Handbook, role_id: str, here: str) -> str:
    """A role: its description, unit, holders, the content types it approves, the steps it owns."""
    spec = book.reg.roles.get(role_id, {})
    holders = "、".join(p.name for p in book.policies.holders(role_id)) or "（暂无）"
    unit = spec.get("unit")
    steps = [
        f"{book.process_link(proc, here)} · {step['name']}"
        for proc in book.reg.processes
        for step in proc["steps"]
        if role_id in as_list(step["owner"])
    ]
    approves = [t.name for t in book.policies.types.values() if role_id in t.approvals]
    lines = [
        f"**{book.policies.role_name(role_id)}**（`{role_id}`）：{spec.get('description', '')}",
        "",
        f"- 所属单位：{book.unit_link(unit, here) if unit else '—'}",
        f"- 担任人员：{holders}",
    ]
    if approves:
        lines.append(f"- 需要其批准才能发布：{'、'.join(approves)}")
    if steps:
        lines.append(f"- 负责的流程步骤：{'；'.join(steps)}")
    return "\n".join(lines) + "\n"
