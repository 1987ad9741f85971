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
    """Who approves a claim, by amount: bands that do not overlap (the loader checked that each
    starts where the one before ends)."""
    rows = [[band(lim), book.owner(lim["approvers"], here), lim.get("note", "")] for lim in limits]
    return table(["金额", "审批", "附加要求"], rows)


def band(limit: dict) -> str:
    """A band as staff read it: 2,000 元及以下 / 2,000 元以上至 20,000 元 / 20,000 元以上."""
    low, high = limit.get("over", 0), limit.get("up_to")
    if high is None:
        return f"{low:,.0f} 元以上" if low else "不限金额"
    return f"{high:,.0f} 元及以下" if not low else f"{low:,.0f} 元以上至 {high:,.0f} 元"
