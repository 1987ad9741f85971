"""Chapter 3's processes (processes.yml): the overview, a page per process with its flowchart,
steps table, wording and KPIs; and the flowchart and table of the smaller procedures other pages
describe (recruitment, reimbursement, incident handling)."""

from __future__ import annotations

from html import escape

from .. import diagrams
from .addresses import POLICY_PAGES, process_page
from .book import Handbook
from .markup import table
from .policy import clause, footer


def pages(book: Handbook) -> dict[str, str]:
    out = {POLICY_PAGES["processes.yml"]: _overview(book)}
    for proc in book.reg.processes:
        out[process_page(proc["id"])] = _process(book, proc)
    return out


def _overview(book: Handbook) -> str:
    here = POLICY_PAGES["processes.yml"]
    out = [
        "# 工作流程\n",
        "部门的四个工作流程，每一步写明由谁负责、需要什么、产出什么、何时完成。\n",
    ]
    rows = [
        [
            book.process_link(p, here),
            book.unit_link(p["unit"], here),
            " → ".join(s["name"] for s in p["steps"]),
            book.tag(p["clause"]),
        ]
        for p in book.reg.processes
    ]
    out.append(table(["流程", "负责单位", "步骤", "条款"], rows))
    return "\n".join(out) + footer(book, "processes.yml")


def _process(book: Handbook, proc: dict) -> str:
    here = process_page(proc["id"])
    out = [
        f"# {proc['title']}\n",
        f"负责单位：{book.unit_link(proc['unit'], here)} · {book.tag(proc['clause'])}\n",
    ]
    if proc.get("enforced_by"):
        out.append(f'!!! note "由工具落实"\n    {proc["enforced_by"]}\n')
    out.append("## 流程图\n")
    out.append(flowchart(book, proc["id"]))
    out.append("## 步骤\n")
    out.append(steps_table(book, proc["id"], here))
    out.append("## 制度原文\n")
    for i, step in enumerate(proc["steps"], start=1):  # a heading each: a deep link, a search hit
        out.append(f"### {i}. {escape(step['name'])}\n")
        out.append(clause(book, step, show_title=False))
    if proc.get("kpis"):
        out.append("## 相关指标\n")
        out.append("、".join(book.kpi_link(k, here) for k in proc["kpis"]) + "\n")
    return "\n".join(out)


def steps_table(book: Handbook, process_id: str, here: str) -> str:
    """A process's steps: who, what goes in and comes out, by when."""
    rows = [
        [
            f"{i}. {s['name']}",
            book.owner(s["owner"], here),
            "；".join(s.get("inputs", [])) or "—",
            "；".join(s["outputs"]),
            "；".join(x for x in (s.get("deadline"), s.get("sla")) if x),
        ]
        for i, s in enumerate(book.process(process_id)["steps"], start=1)
    ]
    return table(["步骤", "负责", "输入", "产出", "时限 / 服务标准"], rows)


def flowchart(book: Handbook, process_id: str) -> str:
    """A process's flowchart, with the loops back to an earlier step."""
    proc = book.process(process_id)
    index = {s["id"]: i for i, s in enumerate(proc["steps"])}
    loops = [
        (index[s["id"]], index[s["back_to"]["step"]], s["back_to"]["label"])
        for s in proc["steps"]
        if "back_to" in s
    ]
    return diagrams.flowchart(f"{proc['title']}流程图", _boxes(book, proc["steps"]), loops) + "\n"


def procedure(
    book: Handbook, label: str, steps: list[dict], here: str, detail: str = "要求"
) -> str:
    """A smaller procedure's steps (name, owner, output): a flowchart and a table."""
    rows = [
        [f"{i}. {s['name']}", book.owner(s["owner"], here), s["output"]]
        for i, s in enumerate(steps, start=1)
    ]
    return (
        diagrams.flowchart(label, _boxes(book, steps))
        + "\n\n"
        + table(["步骤", "负责", detail], rows)
    )


def _boxes(book: Handbook, steps: list[dict]) -> list[diagrams.Box]:
    """A flowchart's boxes: each step numbered, with who does it."""
    return [
        diagrams.Box(f"{i}. {s['name']}", (f"负责：{book.owner_names(s['owner'])}",))
        for i, s in enumerate(steps, start=1)
    ]
