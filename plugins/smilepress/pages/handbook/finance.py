"""Chapter 5's finance (finance.yml): budget categories, the reimbursement procedure with its
approval limits, and cost control."""

from __future__ import annotations

from .addresses import BUDGET_PAGE, POLICY_PAGES
from .book import Handbook
from .markup import bullets, table
from .policy import footer, sections
from .processes import procedure


def pages(book: Handbook) -> dict[str, str]:
    here, data = POLICY_PAGES["finance.yml"], book.reg.data["finance.yml"]
    out = ["# 财务管理\n", sections(book, "finance.yml")]
    out += _budget(book, data["budget"], here)
    out += _reimbursement(book, data["reimbursement"], here)
    if data.get("cost_control"):
        out += ["## 成本控制措施\n", bullets(data["cost_control"])]
    return {here: "\n".join(out) + footer(book, "finance.yml")}


def _budget(book: Handbook, budget: dict, here: str) -> list[str]:
    rows = [
        [c["name"], book.unit_link(c["unit"], here), c.get("covers", "")]
        for c in budget["categories"]
    ]
    return [
        "## 预算类别\n",
        table(["类别", "负责单位", "包括"], rows),
        f"编制：{book.owner(budget['prepared_by'], here)}；{budget.get('deadline', '')}。"
        f"{budget.get('review', '')}\n",
        f"年度预算与执行情况见{book.elsewhere('年度预算与执行', BUDGET_PAGE, here)}。\n",
    ]


def _reimbursement(book: Handbook, reimbursement: dict, here: str) -> list[str]:
    out = ["## 报销流程\n", procedure(book, "报销流程图", reimbursement["steps"], here)]
    if reimbursement.get("deadline"):
        out.append(f"报销时限：{reimbursement['deadline']}。\n")
    out += ["### 审批权限\n", _approval_limits(book, reimbursement["limits"], here)]
    return out


def _approval_limits(book: Handbook, limits: list[dict], here: str) -> str:
    """Who approves a claim, by amount: each limit starts where the one before ends."""
    rows, low = [], 0
    for lim in limits:
        span = f"{low:,.0f}–{lim['up_to']:,.0f} 元" if "up_to" in lim else f"{low:,.0f} 元以上"
        rows.append([span, book.owner(lim["approvers"], here), lim.get("note", "")])
        low = lim.get("up_to", low)
    return table(["金额", "审批", "附加要求"], rows)
