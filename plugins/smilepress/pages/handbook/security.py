"""Chapter 6's information security (security.yml): backups, access levels, privacy, and the
grading and handling of incidents."""

from __future__ import annotations

from .addresses import POLICY_PAGES
from .book import Handbook
from .markup import bullets, table
from .policy import footer, sections
from .processes import procedure


def pages(book: Handbook) -> dict[str, str]:
    here, data = POLICY_PAGES["security.yml"], book.reg.data["security.yml"]
    out = [
        "# 信息安全管理\n",
        "第六章的原文在“网络安全”第 1 条中断；标注“部门补全”“部门补充条款”的内容由部门补齐。\n",
        sections(book, "security.yml"),
    ]
    if data.get("backups"):
        out += ["## 备份安排\n", _backups(book, data["backups"], here)]
    if data.get("access"):
        rows = [[a["level"], book.owner(a["who"], here), a["may"]] for a in data["access"]]
        out += ["## 访问权限\n", table(["级别", "谁", "可以"], rows)]
    if data.get("privacy"):
        out += ["## 用户隐私保护\n", bullets(data["privacy"])]
    if data.get("incidents"):
        out += ["## 安全事件分级与处置\n", *_incidents(book, data["incidents"], here)]
    return {here: "\n".join(out) + footer(book, "security.yml")}


def _backups(book: Handbook, backups: list[dict], here: str) -> str:
    rows = [
        [b["what"], b["frequency"], b["retention"], b["how"], book.owner(b["owner"], here)]
        for b in backups
    ]
    return table(["备份内容", "频率", "保留", "方式", "负责"], rows)


def _incidents(book: Handbook, incidents: dict, here: str) -> list[str]:
    """Incident levels (examples, how fast to report and resolve) and the handling procedure."""
    rows = [
        [lv["level"], lv["examples"], lv["report_within"], lv["resolve_within"]]
        for lv in incidents["levels"]
    ]
    return [
        table(["等级", "例子", "报告时限", "处置时限"], rows),
        procedure(book, "安全事件处置流程图", incidents["steps"], here),
    ]
