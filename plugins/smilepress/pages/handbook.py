"""The staff handbook generated from the regulation's data: pages, and pieces to embed in
handwritten ones.

Everything here is Markdown text built from a Regulation (model/regulation.py); the MkDocs plugin
only adds the pages to the internal build and expands embeds. Links are relative to the page they
appear on, so a piece embedded in any page still links correctly.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ..errors import Problem
from ..load.history import Commit, History
from ..model.kpis import Kpi, load_kpis
from ..model.policies import Policies
from ..model.regulation import FILES, Clause, Regulation, as_list, load_regulation
from . import diagrams

PREFIX = "handbook"
HOME = f"{PREFIX}/index.md"
ORIGIN_NOTE = {"completed": "（原文不完整，部门补全）", "added": "（部门补充条款）"}
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
EMBED = re.compile(r"^[ ]{0,3}<!--\s*handbook:\s*([a-z-]+)(?:\s+(\S+))?\s*-->[ \t]*$", re.M)


def unit_page(unit_id: str) -> str:
    return f"{PREFIX}/org/{unit_id}.md"


def process_page(process_id: str) -> str:
    return f"{PREFIX}/processes/{process_id}.md"


def link(target: str, here: str) -> str:
    """A relative Markdown link target from page `here` to page `target` (content-relative .md
    paths)."""
    path, _, anchor = target.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(here) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def clause_tag(clause: Clause | None, cid: str) -> str:
    note = ORIGIN_NOTE.get(clause.origin, "") if clause else ""
    return f'<span class="smilepress-clause" title="管理制度条款">§{cid}{note}</span>'


@dataclass
class Handbook:
    """A regulation plus what its pages show beside it: people, KPIs, git history, today."""

    reg: Regulation
    kpis: list[Kpi]
    today: dt.date
    history: dict[str, list[Commit]] = field(
        default_factory=dict
    )  # policies/<file> -> commits, newest first
    site_pages: set[str] | None = (
        None  # other pages of the site (KPI, plans); None: link to them all
    )

    def elsewhere(self, title: str, target: str, here: str) -> str:
        """A link to a page outside the handbook, or plain text when the site has no such page."""
        if self.site_pages is not None and target not in self.site_pages:
            return title
        return f"[{title}]({link(target, here)})"

    @property
    def policies(self) -> Policies:
        return self.reg.policies

    # -- small pieces ---------------------------------------------------------------------------
    def person(self, pid: str) -> str:
        p = self.policies.people.get(pid)
        return p.name if p else pid

    def author(self, commit: Commit) -> str:
        p = self.policies.person_by_email(commit.email)
        return p.name if p else commit.name

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

    def owner_names(self, ref: str | list[str]) -> str:
        return "、".join(self.reg.owner_name(r) for r in as_list(ref))

    def step_list(self, label: str, steps: list[dict], here: str, detail: str = "要求") -> str:
        """Simple steps (name, owner, output): a flowchart and a table."""
        boxes = [
            diagrams.Box(f"{i}. {s['name']}", (f"负责：{self.owner_names(s['owner'])}",))
            for i, s in enumerate(steps, start=1)
        ]
        rows = [
            [f"{i}. {s['name']}", self.owner(s["owner"], here), s["output"]]
            for i, s in enumerate(steps, start=1)
        ]
        return diagrams.flowchart(label, boxes) + "\n\n" + table(["步骤", "负责", detail], rows)

    def clause(self, item: dict, show_title: bool = True) -> str:
        """A clause's wording with its tag, and how the department lives or enforces it."""
        cid = item["clause"]
        title = item.get("name") or item.get("title") or ""
        head = f"**{escape(title)}** " if title and show_title else ""
        out = (
            f"{head}{''.join(as_list(item.get('text')))} "
            f"{clause_tag(self.reg.clauses.get(cid), cid)}\n"
        )
        for key, label in (("in_practice", "我们的做法"), ("enforced_by", "如何落实")):
            if item.get(key):
                out += f"\n*{label}：* {item[key]}\n"
        return out

    def sections(self, name: str) -> str:
        """A policy file's sections (## title), their wording and numbered clauses, each with its
        tag."""
        out = []
        for section in self.reg.data[name]["sections"]:
            out.append(f"## {section['title']}\n")
            if section.get("text"):
                out.append(self.clause(section, show_title=False))
            else:
                out.append(
                    clause_tag(self.reg.clauses.get(section["clause"]), section["clause"]) + "\n"
                )
            for i, item in enumerate(section.get("clauses", []), start=1):
                out.append(f"{i}. " + self.clause(item).replace("\n\n", "\n\n    "))
            out.append("")
        return "\n".join(out)

    def policy_box(self, name: str) -> str:
        meta = self.reg.meta[name]
        late = meta.overdue(self.today)
        kind, title = ("warning", "制度信息 · 已过复审日期") if late else ("info", "制度信息")
        body = (
            f"版本 {meta.version} · 负责人 {self.person(meta.owner)} · 生效日期 {meta.effective} · "
            f"下次复审 {meta.next_review}"
            + ("（**已过期，请负责人尽快复审**）" if late else "")
            + f" · 数据文件 `{meta.file}`"
        )
        return f'!!! {kind} "{title}"\n    {body}\n'

    def change_history(self, name: str, limit: int = 20) -> str:
        commits = self.history.get(self.reg.meta[name].file, [])
        if not commits:
            return "## 修订记录\n\n没有可用的 git 历史（例如从压缩包构建）。\n"
        rows = [[c.date[:10], self.author(c), c.subject] for c in commits[:limit]]
        return "## 修订记录\n\n" + table(["日期", "修改人", "说明"], rows)

    def policy_footer(self, name: str) -> str:
        return "\n" + self.policy_box(name) + "\n" + self.change_history(name)

    # -- embeddable pieces ----------------------------------------------------------------------
    def duties(self, unit_id: str, here: str) -> str:
        unit = self.reg.units[unit_id]
        if "duties" not in unit:
            return unit.get("description", "") + "\n"
        items = "\n".join(f"- {d['text']}" for d in unit["duties"])
        return f"{items}\n\n{clause_tag(self.reg.clauses.get(unit['clause']), unit['clause'])}\n"

    def role(self, role_id: str, here: str) -> str:
        spec = self.reg.roles.get(role_id, {})
        holders = "、".join(p.name for p in self.policies.holders(role_id)) or "（暂无）"
        unit = spec.get("unit")
        unit_text = self.unit_link(unit, here) if unit else "—"
        steps = [
            f"[{proc['title']}]({link(process_page(proc['id']), here)}) · {step['name']}"
            for proc in self.reg.processes
            for step in proc["steps"]
            if role_id in as_list(step["owner"])
        ]
        approves = [t.name for t in self.policies.types.values() if role_id in t.approvals]
        lines = [
            f"**{self.policies.role_name(role_id)}**（`{role_id}`）：{spec.get('description', '')}",
            "",
            f"- 所属单位：{unit_text}",
            f"- 担任人员：{holders}",
        ]
        if approves:
            lines.append(f"- 需要其批准才能发布：{'、'.join(approves)}")
        if steps:
            lines.append(f"- 负责的流程步骤：{'；'.join(steps)}")
        return "\n".join(lines) + "\n"

    def steps(self, process_id: str, here: str) -> str:
        proc = self.process(process_id)
        rows = [
            [
                f"{i}. {s['name']}",
                self.owner(s["owner"], here),
                "；".join(s.get("inputs", [])) or "—",
                "；".join(s["outputs"]),
                "；".join(x for x in (s.get("deadline"), s.get("sla")) if x),
            ]
            for i, s in enumerate(proc["steps"], start=1)
        ]
        return table(["步骤", "负责", "输入", "产出", "时限 / 服务标准"], rows)

    def flowchart(self, process_id: str, here: str = "") -> str:
        proc = self.process(process_id)
        index = {s["id"]: i for i, s in enumerate(proc["steps"])}
        boxes = [
            diagrams.Box(f"{i}. {s['name']}", (f"负责：{self.owner_names(s['owner'])}",))
            for i, s in enumerate(proc["steps"], start=1)
        ]
        loops = [
            (index[s["id"]], index[s["back_to"]["step"]], s["back_to"]["label"])
            for s in proc["steps"]
            if "back_to" in s
        ]
        return diagrams.flowchart(f"{proc['title']}流程图", boxes, loops) + "\n"

    def org_chart(self, arg: str = "", here: str = "") -> str:
        units = self.reg.units

        def box(uid: str) -> diagrams.Box:
            names = "、".join(p.name for p in self.reg.people_of(uid))
            return diagrams.Box(
                units[uid]["name"], (names,) if names else (), units[uid]["kind"] == "external"
            )

        head = next((uid for uid, u in units.items() if u["kind"] == "head"), None)
        groups = [box(uid) for uid, u in units.items() if u["kind"] == "group"]
        partners = [box(uid) for uid, u in units.items() if u["kind"] == "external"]
        department = self.reg.data["organization.yml"]["department"]
        return (
            diagrams.org_chart(
                f"{department}组织架构图",
                box(head) if head else diagrams.Box(department),
                groups,
                partners,
            )
            + "\n"
        )

    def appraisal(self, unit_id: str, here: str) -> str:
        indicators = self.reg.data["personnel.yml"]["appraisal"]["indicators"].get(unit_id, [])
        kpi_names = {k.id: k.name for k in self.kpis}
        rows = [
            [
                i["name"],
                i["dimension"],
                f"{i['weight']}%",
                self.elsewhere(kpi_names.get(i["kpi"], i["kpi"]), f"kpi/{i['kpi']}.md", here)
                if "kpi" in i
                else "—",
            ]
            for i in indicators
        ]
        return (
            table(["考核指标", "维度", "权重", "对应指标看板"], rows)
            if rows
            else "（暂无考核指标）\n"
        )

    def principles(self, arg: str, here: str) -> str:
        section = next(s for s in self.reg.data["general.yml"]["sections"] if s.get("clauses"))
        return "\n".join(
            f"{i}. " + self.clause(c).replace("\n\n", "\n\n    ")
            for i, c in enumerate(section["clauses"], start=1)
        )

    def term(self, term: str, here: str) -> str:
        t = next(
            t
            for t in self.reg.data["glossary.yml"]["terms"]
            if term in (t["term"], *t.get("also", []))
        )
        return f"**{t['term']}**：{t['definition']}\n"

    def clause_text(self, cid: str, here: str) -> str:
        c = self.reg.clauses[cid]
        return f"{c.text} {clause_tag(c, cid)}\n"

    def process(self, process_id: str) -> dict:
        return next(p for p in self.reg.processes if p["id"] == process_id)

    # -- pages ----------------------------------------------------------------------------------
    def pages(self) -> dict[str, str]:
        """Every handbook page (content-relative path -> Markdown), for the policy files that
        loaded."""
        have = self.reg.data
        out: dict[str, str] = {}
        if "general.yml" in have:
            out[HOME] = self.home()
        if "organization.yml" in have:
            out[POLICY_PAGES["organization.yml"]] = self.org_page()
            for uid, unit in self.reg.units.items():
                if unit["kind"] != "external":
                    out[unit_page(uid)] = self.unit_page(uid)
        if "processes.yml" in have and "organization.yml" in have:
            out[POLICY_PAGES["processes.yml"]] = self.processes_page()
            for proc in self.reg.processes:
                out[process_page(proc["id"])] = self.process_page(proc)
        simple = {
            "norms.yml": self.norms_page,
            "personnel.yml": self.personnel_page,
            "finance.yml": self.finance_page,
            "security.yml": self.security_page,
        }
        for name, make in simple.items():
            if name in have and (name != "personnel.yml" or "organization.yml" in have):
                out[POLICY_PAGES[name]] = make()
        out[ROLES_PAGE] = self.roles_page()
        if "glossary.yml" in have:
            out[POLICY_PAGES["glossary.yml"]] = self.glossary_page()
        out[CLAUSES_PAGE] = self.clauses_page(out)
        return out  # in reading order: the site's navigation follows it

    def home(self) -> str:
        here, g = HOME, self.reg.data["general.yml"]
        out = [
            "# 员工手册\n",
            f"本手册是《{g['name']}》的在线版本，由仓库 `policies/` 中的制度数据生成，"
            "修改制度请修改数据文件并提交审核。仅供部门内部阅读。\n",
        ]
        late = self.reg.overdue(self.today)
        if late:
            rows = "\n".join(
                f"    - [{m.title}]({link(POLICY_PAGES[Path(m.file).name], here)})："
                f"应于 {m.next_review} 复审，负责人 {self.person(m.owner)}"
                for m in late
            )
            out.append(f'!!! warning "有 {len(late)} 项制度已过复审日期"\n{rows}\n')
        out.append(self.sections("general.yml"))
        out.append("## 手册目录\n")
        toc = [
            (POLICY_PAGES["organization.yml"], "组织架构与各组职责"),
            (POLICY_PAGES["processes.yml"], "工作流程"),
            (POLICY_PAGES["norms.yml"], "工作规范"),
            (POLICY_PAGES["personnel.yml"], "人员管理：招聘、培训、考核、职业发展"),
            (POLICY_PAGES["finance.yml"], "财务管理：预算、报销、成本控制"),
            (POLICY_PAGES["security.yml"], "信息安全管理"),
            (ROLES_PAGE, "角色与职责"),
            (POLICY_PAGES["glossary.yml"], "术语表"),
            (CLAUSES_PAGE, "条款索引：每一条制度在哪一页"),
        ]
        out.append("\n".join(f"- [{title}]({link(uri, here)})" for uri, title in toc) + "\n")
        if self.reg.chapters:
            out.append("## 制度结构\n")
            rows = [
                [
                    f"第{'一二三四五六七八九十'[n - 1]}章",
                    title,
                    "、".join(
                        f"[{m.title}]({link(POLICY_PAGES[Path(m.file).name], here)})"
                        for m in self.reg.meta.values()
                        if m.chapter == n
                    )
                    or "—",
                ]
                for n, title in sorted(self.reg.chapters.items())
            ]
            out.append(table(["章", "标题", "手册页面"], rows))
        out.append("## 各项制度\n")
        rows = []
        for name in FILES:
            m = self.reg.meta.get(name)
            if m:
                state = "**已过复审日期**" if m.overdue(self.today) else "有效"
                rows.append(
                    [
                        f"[{m.title}]({link(POLICY_PAGES[name], here)})",
                        m.version,
                        self.person(m.owner),
                        str(m.effective),
                        str(m.next_review),
                        state,
                    ]
                )
        out.append(table(["制度", "版本", "负责人", "生效日期", "下次复审", "状态"], rows))
        out.append("## 最近的修改\n")
        out.append(self.recent_changes(here))
        out.append(self.policy_box("general.yml"))
        return "\n".join(out)

    def recent_changes(self, here: str, limit: int = 10) -> str:
        seen: dict[str, tuple[Commit, list[str]]] = {}
        for name, meta in self.reg.meta.items():
            for commit in self.history.get(meta.file, []):
                seen.setdefault(commit.sha, (commit, []))[1].append(
                    f"[{meta.title}]({link(POLICY_PAGES[name], here)})"
                )
        latest = sorted(seen.values(), key=lambda item: item[0].date, reverse=True)[:limit]
        if not latest:
            return "没有可用的 git 历史。\n"
        return table(
            ["日期", "制度", "修改人", "说明"],
            [[c.date[:10], "、".join(titles), self.author(c), c.subject] for c, titles in latest],
        )

    def org_page(self) -> str:
        here = POLICY_PAGES["organization.yml"]
        data = self.reg.data["organization.yml"]
        sections = self.sections("organization.yml").split("\n## ", 2)  # 部门架构, 职责分工
        out = [
            "# 组织架构\n",
            sections[0],
            self.org_chart(here=here),
            "## " + "\n## ".join(sections[1:]),
        ]
        for uid, unit in self.reg.units.items():
            if unit["kind"] != "external":
                out.append(f"### {self.unit_link(uid, here)}\n")
                out.append(self.duties(uid, here))
        rows = []
        for uid, unit in self.reg.units.items():
            name = self.unit_link(uid, here)
            people = "、".join(p.name for p in self.reg.people_of(uid)) or "—"
            roles = "、".join(self.role_link(r, here) for r in self.reg.roles_of(uid)) or "—"
            kind = {
                "head": "部门负责人",
                "group": f"{data['department']}下辖",
                "external": "协作单位",
            }[unit["kind"]]
            rows.append([name, kind, people, roles])
        out.append("## 各单位\n")
        out.append(table(["单位", "类别", "人员", "角色"], rows))
        return "\n".join(out) + self.policy_footer("organization.yml")

    def unit_page(self, uid: str) -> str:
        here, unit = unit_page(uid), self.reg.units[uid]
        out = [f"# {unit['name']}\n", "## 职责\n", self.duties(uid, here)]
        people = self.reg.people_of(uid)
        out.append("## 人员\n")
        out.append(
            table(["姓名", "角色"], [[p.name, self.owner(list(p.roles), here)] for p in people])
            if people
            else "（暂无）\n"
        )
        roles = self.reg.roles_of(uid)
        if roles:
            out.append("## 角色\n")
            out.append("\n".join(self.role(r, here) for r in roles))
        owned = [k for k in self.kpis if self.reg.unit_id(k.group) == uid]
        out.append("## 负责的指标\n")
        out.append(
            table(
                ["指标", "目标", "公式"],
                [
                    [
                        self.elsewhere(k.name, f"kpi/{k.id}.md", here),
                        f"{'≥' if k.direction == 'higher' else '≤'} {k.target:g}{k.unit}",
                        f"`{k.formula}`",
                    ]
                    for k in owned
                ],
            )
            if owned
            else "（暂无）\n"
        )
        runs = [p for p in self.reg.processes if p["unit"] == uid]
        helps = [
            (p, s)
            for p in self.reg.processes
            if p["unit"] != uid
            for s in p["steps"]
            if any(self.reg.roles.get(o, {}).get("unit") == uid for o in as_list(s["owner"]))
        ]
        out.append("## 负责的流程\n")
        lines = [f"- [{p['title']}]({link(process_page(p['id']), here)})" for p in runs]
        lines += [
            f"- [{p['title']}]({link(process_page(p['id']), here)})中的“{s['name']}”"
            for p, s in helps
        ]
        out.append("\n".join(lines) + "\n" if lines else "（暂无）\n")
        if "personnel.yml" in self.reg.data:
            out.append("## 绩效考核指标\n")
            out.append(self.appraisal(uid, here))
            path = next(
                (
                    c["levels"]
                    for c in self.reg.data["personnel.yml"].get("careers", [])
                    if c["unit"] == uid
                ),
                None,
            )
            if path:
                out.append("## 职业发展路径\n")
                out.append(" → ".join(path) + "\n")
        return "\n".join(out)

    def processes_page(self) -> str:
        here = POLICY_PAGES["processes.yml"]
        out = [
            "# 工作流程\n",
            "部门的四个工作流程，每一步写明由谁负责、需要什么、产出什么、何时完成。\n",
        ]
        rows = [
            [
                f"[{p['title']}]({link(process_page(p['id']), here)})",
                self.unit_link(p["unit"], here),
                " → ".join(s["name"] for s in p["steps"]),
                clause_tag(self.reg.clauses.get(p["clause"]), p["clause"]),
            ]
            for p in self.reg.processes
        ]
        out.append(table(["流程", "负责单位", "步骤", "条款"], rows))
        return "\n".join(out) + self.policy_footer("processes.yml")

    def process_page(self, proc: dict) -> str:
        here = process_page(proc["id"])
        out = [
            f"# {proc['title']}\n",
            f"负责单位：{self.unit_link(proc['unit'], here)} · "
            f"{clause_tag(self.reg.clauses.get(proc['clause']), proc['clause'])}\n",
        ]
        if proc.get("enforced_by"):
            out.append(f'!!! note "由工具落实"\n    {proc["enforced_by"]}\n')
        out.append("## 流程图\n")
        out.append(self.flowchart(proc["id"], here))
        out.append("## 步骤\n")
        out.append(self.steps(proc["id"], here))
        out.append("## 制度原文\n")
        out.append(
            "\n".join(f"{i}. " + self.clause(s) for i, s in enumerate(proc["steps"], start=1))
        )
        kpi_names = {k.id: k.name for k in self.kpis}
        if proc.get("kpis"):
            out.append("## 相关指标\n")
            out.append(
                "、".join(
                    self.elsewhere(kpi_names.get(k, k), f"kpi/{k}.md", here) for k in proc["kpis"]
                )
                + "\n"
            )
        return "\n".join(out)

    def norms_page(self) -> str:
        return (
            "# 工作规范\n\n"
            + self.sections("norms.yml").split("\n", 2)[2]
            + self.policy_footer("norms.yml")
        )

    def personnel_page(self) -> str:
        here, data = POLICY_PAGES["personnel.yml"], self.reg.data["personnel.yml"]
        out = ["# 人员管理\n", self.sections("personnel.yml")]
        if data.get("recruitment"):
            out.append("## 招聘步骤\n")
            out.append(self.step_list("招聘流程图", data["recruitment"]["steps"], here, "产出"))
        if data.get("onboarding"):
            out.append("## 入职培训\n")
            out.append(
                table(
                    ["时间", "内容", "负责"],
                    [
                        [o["when"], o["topic"], self.owner(o["owner"], here)]
                        for o in data["onboarding"]
                    ],
                )
            )
        if data.get("training"):
            out.append("## 定期培训\n")
            out.append(
                table(
                    ["培训", "频率", "对象", "负责"],
                    [
                        [t["name"], t["frequency"], t["audience"], self.owner(t["owner"], here)]
                        for t in data["training"]
                    ],
                )
            )
        appraisal = data["appraisal"]
        out.append("## 月度绩效考核\n")
        out.append(
            f"考核周期：{appraisal['cycle']}。考核维度：{'、'.join(appraisal['dimensions'])}。"
            "各组的指标和权重如下（每组合计 100%）；个人的考核分数属于个人信息，不在手册中公布。\n"
        )
        for uid in appraisal["indicators"]:
            out.append(f"### {self.reg.units[uid]['name']}\n")
            out.append(self.appraisal(uid, here))
        out.append("### 考核等级\n")
        bands = appraisal["bands"]
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
        if data.get("careers"):
            out.append("## 职业发展路径\n")
            out.append(
                table(
                    ["单位", "发展路径"],
                    [
                        [self.unit_link(c["unit"], here), " → ".join(c["levels"])]
                        for c in data["careers"]
                    ],
                )
            )
            if data.get("career_talks"):
                out.append(data["career_talks"] + "\n")
        return "\n".join(out) + self.policy_footer("personnel.yml")

    def finance_page(self) -> str:
        here, data = POLICY_PAGES["finance.yml"], self.reg.data["finance.yml"]
        budget, reimbursement = data["budget"], data["reimbursement"]
        out = [
            "# 财务管理\n",
            self.sections("finance.yml"),
            "## 预算类别\n",
            table(
                ["类别", "负责单位", "包括"],
                [
                    [c["name"], self.unit_link(c["unit"], here), c.get("covers", "")]
                    for c in budget["categories"]
                ],
            ),
            f"编制：{self.owner(budget['prepared_by'], here)}；{budget.get('deadline', '')}。"
            f"{budget.get('review', '')}\n",
            f"年度预算与执行情况见{self.elsewhere('年度预算与执行', 'plans/budget.md', here)}。\n",
            "## 报销流程\n",
            self.step_list("报销流程图", reimbursement["steps"], here),
        ]
        if reimbursement.get("deadline"):
            out.append(f"报销时限：{reimbursement['deadline']}。\n")
        out.append("### 审批权限\n")
        rows, low = [], 0
        for lim in reimbursement["limits"]:
            span = f"{low:,.0f}–{lim['up_to']:,.0f} 元" if "up_to" in lim else f"{low:,.0f} 元以上"
            rows.append([span, self.owner(lim["approvers"], here), lim.get("note", "")])
            low = lim.get("up_to", low)
        out.append(table(["金额", "审批", "附加要求"], rows))
        if data.get("cost_control"):
            out.append("## 成本控制措施\n")
            out.append("\n".join(f"- {c}" for c in data["cost_control"]) + "\n")
        return "\n".join(out) + self.policy_footer("finance.yml")

    def security_page(self) -> str:
        here, data = POLICY_PAGES["security.yml"], self.reg.data["security.yml"]
        out = [
            "# 信息安全管理\n",
            "第六章的原文在“网络安全”第 1 条中断；标注“部门补全”“部门补充条款”的内容由部门补齐。\n",
            self.sections("security.yml"),
        ]
        if data.get("backups"):
            out.append("## 备份安排\n")
            out.append(
                table(
                    ["备份内容", "频率", "保留", "方式", "负责"],
                    [
                        [
                            b["what"],
                            b["frequency"],
                            b["retention"],
                            b["how"],
                            self.owner(b["owner"], here),
                        ]
                        for b in data["backups"]
                    ],
                )
            )
        if data.get("access"):
            out.append("## 访问权限\n")
            out.append(
                table(
                    ["级别", "谁", "可以"],
                    [[a["level"], self.owner(a["who"], here), a["may"]] for a in data["access"]],
                )
            )
        if data.get("privacy"):
            out.append("## 用户隐私保护\n")
            out.append("\n".join(f"- {p}" for p in data["privacy"]) + "\n")
        if data.get("incidents"):
            incidents = data["incidents"]
            out.append("## 安全事件分级与处置\n")
            out.append(
                table(
                    ["等级", "例子", "报告时限", "处置时限"],
                    [
                        [lv["level"], lv["examples"], lv["report_within"], lv["resolve_within"]]
                        for lv in incidents["levels"]
                    ],
                )
            )
            out.append(self.step_list("安全事件处置流程图", incidents["steps"], here))
        return "\n".join(out) + self.policy_footer("security.yml")

    def glossary_page(self) -> str:
        terms = self.reg.data["glossary.yml"]["terms"]
        rows = [[f"**{t['term']}**", "、".join(t.get("also", [])), t["definition"]] for t in terms]
        return (
            "# 术语表\n\n"
            + table(["术语", "又称", "释义"], rows)
            + self.policy_footer("glossary.yml")
        )

    def roles_page(self) -> str:
        out = [
            "# 角色与职责\n",
            "角色决定谁可以批准、发布哪些内容（`policies/roles.yml`、`policies/workflow.yml`）。\n",
        ]
        for rid, name in self.policies.roles.items():
            out.append(f"## {name} {{#{rid}}}\n")
            out.append(self.role(rid, ROLES_PAGE))
        return "\n".join(out) + (
            self.policy_footer("roles.yml") if "roles.yml" in self.reg.meta else ""
        )

    def clauses_page(self, pages: dict[str, str]) -> str:
        here = CLAUSES_PAGE
        where = {}
        for uri, text in pages.items():
            for cid in re.findall(r'class="smilepress-clause" title="[^"]*">§([\d.]+)', text):
                where.setdefault(cid, uri)
        rows = []
        for cid in sorted(self.reg.clauses, key=lambda c: tuple(int(n) for n in c.split("."))):
            c = self.reg.clauses[cid]
            page = where.get(cid)
            title = (
                re.sub(r"<[^>]+>|\[|\]\([^)]*\)", "", pages[page].split("\n", 1)[0][2:])
                if page
                else "—"
            )
            summary = c.text if len(c.text) <= 40 else c.text[:40] + "…"
            rows.append(
                [
                    f"§{cid}",
                    summary,
                    f"[{title}]({link(page, here)})" if page else "（未生成页面）",
                    {"completed": "部门补全", "added": "部门补充"}.get(c.origin, "制度原文"),
                ]
            )
        return (
            "# 条款索引\n\n制度的每一条在手册中的位置。条款号：第三章（二）第 1 条写作 §3.2.1。\n\n"
            + table(["条款", "内容", "所在页面", "来源"], rows)
        )


# -- embedding ----------------------------------------------------------------------------------
EMBEDS = {  # kind -> (method, what the argument names, the policy file it needs)
    "duties": ("duties", "unit", "organization.yml"),
    "role": ("role", "role", None),
    "steps": ("steps", "process", "processes.yml"),
    "flowchart": ("flowchart", "process", "processes.yml"),
    "org-chart": ("org_chart", None, "organization.yml"),
    "appraisal": ("appraisal", "unit", "personnel.yml"),
    "principles": ("principles", None, "general.yml"),
    "term": ("term", "term", "glossary.yml"),
    "clause": ("clause_text", "clause", None),
}


def _choices(book: Handbook, what: str | None) -> list[str]:
    reg = book.reg
    return {
        "unit": list(reg.units),
        "role": list(book.policies.roles),
        "process": [p["id"] for p in reg.processes],
        "term": [t["term"] for t in reg.data.get("glossary.yml", {}).get("terms", [])],
        "clause": list(reg.clauses),
        None: [""],
    }[what]


def expand_embeds(
    markdown: str, path: str, here: str, book: Handbook | None, first_line: int = 1
) -> tuple[str, list[Problem]]:
    """Replaces each `<!-- handbook: kind arg -->` line with the generated piece; a bad one is
    reported.

    first_line: the file line of the markdown's first line (the body starts after the front matter).
    """
    problems: list[Problem] = []

    def piece(m: re.Match) -> str:
        kind, arg = m.group(1), m.group(2) or ""
        line = first_line + markdown.count("\n", 0, m.start())
        if book is None:
            problems.append(
                Problem(
                    path,
                    line,
                    "这里嵌入了员工手册的内容，但手册数据没有加载",
                    "检查 policies/ 中的手册数据文件",
                )
            )
            return ""
        if kind not in EMBEDS:
            problems.append(
                Problem(path, line, f"未知的嵌入类型 '{kind}'", f"可用的有：{'、'.join(EMBEDS)}")
            )
            return ""
        method, what, needs = EMBEDS[kind]
        if needs and needs not in book.reg.data:
            problems.append(
                Problem(
                    path,
                    line,
                    f"嵌入 {kind} 需要 policies/{needs}，但它没有加载（见其错误）",
                    "先修正该文件",
                )
            )
            return ""
        choices = _choices(book, what)
        if (what is None and arg) or (what is not None and arg not in choices):
            hint = "这种嵌入不带参数" if what is None else f"可用的有：{'、'.join(choices[:30])}"
            problems.append(Problem(path, line, f"嵌入 {kind} 的参数 '{arg}' 无效", hint))
            return ""
        return getattr(book, method)(arg, here)

    return EMBED.sub(piece, markdown), problems


def strip_embeds(markdown: str, path: str, first_line: int = 1) -> tuple[str, list[Problem]]:
    """For the public site: embeds are removed, each one reported (handbook content is for staff
    only)."""
    problems = [
        Problem(
            path,
            first_line + markdown.count("\n", 0, m.start()),
            "公开页面不能嵌入员工手册的内容，已删除",
            "员工手册只在内部版本中发布；公开页面请直接写出要公开的文字",
        )
        for m in EMBED.finditer(markdown)
    ]
    return EMBED.sub("", markdown), problems


def search_terms(book: Handbook) -> list[str]:
    """Words the search segmenter should keep whole: glossary terms, unit and role names."""
    reg = book.reg
    terms = [
        t
        for item in reg.data.get("glossary.yml", {}).get("terms", [])
        for t in (item["term"], *item.get("also", []))
    ]
    return sorted({*terms, *(u["name"] for u in reg.units.values()), *book.policies.roles.values()})


def load_handbook(
    root: Path,
    policies: Policies,
    today: dt.date,
    history: History | None = None,
    site_pages: set[str] | None = None,
) -> tuple[Handbook, list[Problem]]:
    """The regulation with KPIs and each policy file's git history; problems include overdue
    reviews."""
    reg, problems = load_regulation(root, policies)
    indicators, _ = load_kpis(root)  # kpis.py reports its own problems with the KPI pages
    book = Handbook(reg, indicators, today, site_pages=site_pages)
    if history is not None and history.available:  # git names files from the repository's root
        policies_dir = (
            (root / "policies").resolve().relative_to(Path(history.root).resolve()).as_posix()
        )
        book.history = {
            f"policies/{path[len(policies_dir) + 1 :]}": c
            for path, c in history.commits_by_path(policies_dir).items()
        }
    for meta in reg.overdue(today):
        problems.append(
            Problem(
                meta.file,
                meta.review_line,
                f"制度《{meta.title}》已过复审日期 {meta.next_review}",
                f"请负责人 {book.person(meta.owner)} 复审后更新 policy 中的 version 和 next_review",
                level="warning",
            )
        )
    return book, problems
