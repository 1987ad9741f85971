"""Chapter 4's personnel management (personnel.yml): recruitment, onboarding and training, the
monthly appraisal (indicators per unit, bands) and career paths; and what a unit's page shows of
them."""

from __future__ import annotations

from .addresses import POLICY_PAGES
from .book import Handbook
from .markup import table
from .policy import footer, sections
from .processes import procedure


def pages(book: Handbook) -> dict[str, str]:
    here, data = POLICY_PAGES["personnel.yml"], book.reg.data["personnel.yml"]
    out = ["# 人员管理\n", sections(book, "personnel.yml")]
    out += _recruitment_and_training(book, data, here)
    out += _monthly_appraisal(book, data["appraisal"], here)
    out += _careers(book, data, here)
    return {here: "\n".join(out) + footer(book, "personnel.yml")}


def unit_sections(book: Handbook, uid: str, here: str) -> list[str]:
    """What a unit's page shows of personnel.yml: its appraisal indicators and career path."""
    out = ["## 绩效考核指标\n", appraisal_indicators(book, uid, here)]
    careers = book.reg.data["personnel.yml"].get("careers", [])
    levels = next((c["levels"] for c in careers if c["unit"] == uid), None)
    if levels:
        out += ["## 职业发展路径\n", " → ".join(levels) + "\n"]
    return out


def appraisal_indicators(book: Handbook, unit_id: str, here: str) -> str:
    """A unit's appraisal indicators with their weights, linked to the KPI each one reads."""
    indicators = book.reg.data["personnel.yml"]["appraisal"]["indicators"].get(unit_id, [])
    rows = [
        [
            i["name"],
            i["dimension"],
            f"{i['weight']}%",
            book.kpi_link(i["kpi"], here) if "kpi" in i else "—",
        ]
        for i in indicators
    ]
    if not rows:
        return "（暂无考核指标）\n"
    return table(["考核指标", "维度", "权重", "对应指标看板"], rows)


def _recruitment_and_training(book: Handbook, data: dict, here: str) -> list[str]:
    out = []
    if data.get("recruitment"):
        out.append("## 招聘步骤\n")
        out.append(procedure(book, "招聘流程图", data["recruitment"]["steps"], here, "产出"))
    if data.get("onboarding"):
        rows = [[o["when"], o["topic"], book.owner(o["owner"], here)] for o in data["onboarding"]]
        out += ["## 入职培训\n", table(["时间", "内容", "负责"], rows)]
    if data.get("training"):
        rows = [
            [t["name"], t["frequency"], t["audience"], book.owner(t["owner"], here)]
            for t in data["training"]
        ]
        out += ["## 定期培训\n", table(["培训", "频率", "对象", "负责"], rows)]
    return out


def _monthly_appraisal(book: Handbook, spec: dict, here: str) -> list[str]:
    """The monthly appraisal: cycle and dimensions, each unit's indicators, the bands."""
    out = [
        "## 月度绩效考核\n",
        f"考核周期：{spec['cycle']}。考核维度：{'、'.join(spec['dimensions'])}。"
        "各组的指标和权重如下（每组合计 100%）；个人的考核分数属于个人信息，不在手册中公布。\n",
    ]
    for uid in spec["indicators"]:
        out.append(f"### {book.reg.units[uid]['name']}\n")
        out.append(appraisal_indicators(book, uid, here))
    out.append("### 考核等级\n")
    bands = spec["bands"]
    rows = [
        [
            b["name"],
            f"{b['min']:g} 分及以上" if b["min"] else f"低于 {bands[i - 1]['min']:g} 分",
            f"{b['bonus']:g}",
            b["consequence"],
        ]
        for i, b in enumerate(bands)
    ]
    out.append(table(["等级", "分数", "绩效奖金系数", "结果"], rows))
    return out


def _careers(book: Handbook, data: dict, here: str) -> list[str]:
    if not data.get("careers"):
        return []
    rows = [[book.unit_link(c["unit"], here), " → ".join(c["levels"])] for c in data["careers"]]
    out = ["## 职业发展路径\n", table(["单位", "发展路径"], rows)]
    if data.get("career_talks"):
        out.append(data["career_talks"] + "\n")
    return out
