"""The department's management regulation as data: policies/*.yml, validated, cross-checked, and
checked clause by clause against the adopted text (policies/source/regulation.zh.md).

A clause lives in exactly one place in the data: a mapping with `clause: "3.2.1"`
(chapter.section.item, so 三(二)1 is "3.2.1"). Its wording is the regulation's; `origin` marks what
the department completed (the source text stops inside §6.2.1) or added. Nothing of the source may
go missing: every clause of it must be in the data, and every sentence of it in that clause's text.

Each file also keeps its revision history (`revisions:`), document control from the baseline (1.0,
the adopted text) on: checked here for order, dates, approver and wording; whether a signed commit
vouches for each later entry is workflow/revisions.py's question.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from ..errors import Problem
from ..load.yaml_file import PolicyReader, load_policy_file, load_yaml_file
from .policies import Policies

SOURCE = "policies/source/regulation.zh.md"
FILES = (
    "general.yml",
    "organization.yml",
    "roles.yml",
    "processes.yml",
    "norms.yml",
    "personnel.yml",
    "finance.yml",
    "security.yml",
    "glossary.yml",
)
PSEUDO_OWNERS = {
    "staff": "员工本人",
    "everyone": "所有人",
}  # owners that are neither a role nor a unit


@dataclass(frozen=True)
class Revision:
    """One entry of a policy file's revision history."""

    version: str
    effective: dt.date
    approver: str  # person id (people.yml)
    summary: str
    line: int  # line of the entry in its file


@dataclass(frozen=True)
class PolicyMeta:
    file: str  # policies/<name>.yml
    title: str
    chapter: int
    version: str
    owner: str  # person id
    effective: dt.date
    next_review: dt.date
    review_line: int  # line of next_review in the file
    revisions: tuple[Revision, ...] = ()  # oldest first; the baseline (1.0) first

    def overdue(self, today: dt.date) -> bool:
        return self.next_review < today


@dataclass(frozen=True)
class Clause:
    id: str  # "3.2.1"
    file: str
    line: int
    title: str  # the clause's own title or name, if it has one
    text: str  # title + wording, as the data has it
    origin: str  # "" (the regulation's own), "completed" or "added"

    @property
    def wording(self) -> str:
        """The clause's text without its title (as a page shows it, under or beside the title)."""
        return self.text[len(self.title) :]


@dataclass(frozen=True)
class SourceClause:
    id: str
    line: int
    text: str  # as written in the source, title glued on as the source does


@dataclass
class Regulation:
    """The validated data of every handbook policy file that passed its schema."""

    data: dict[str, dict]  # file name -> data
    meta: dict[str, PolicyMeta]  # file name -> policy block
    clauses: dict[str, Clause]
    roles: dict[str, dict]  # roles.yml specs (name, unit, description)
    policies: Policies
    chapters: dict[int, str] = field(default_factory=dict)  # the adopted text's chapter titles

    @property
    def units(self) -> dict[str, dict]:
        return self.data.get("organization.yml", {}).get("units", {})

    @property
    def processes(self) -> list[dict]:
        return self.data.get("processes.yml", {}).get("processes", [])

    def unit_id(self, ref: str) -> str | None:
        """A unit named by id or by its Chinese name (people.yml and kpis.yml use the name)."""
        if ref in self.units:
            return ref
        return next((uid for uid, u in self.units.items() if u["name"] == ref), None)

    def owner_name(self, ref: str) -> str:
        if ref in self.policies.roles:
            return self.policies.roles[ref]
        if ref in self.units:
            return self.units[ref]["name"]
        return PSEUDO_OWNERS.get(ref, ref)

    def people_of(self, unit_id: str) -> list:
        return [p for p in self.policies.people.values() if self.unit_id(p.group) == unit_id]

    def roles_of(self, unit_id: str) -> list[str]:
        return [rid for rid, spec in self.roles.items() if spec.get("unit") == unit_id]

    def overdue(self, today: dt.date) -> list[PolicyMeta]:
        return [m for m in self.meta.values() if m.overdue(today)]


# -- the adopted text ---------------------------------------------------------------------------
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_CHAPTER = re.compile(r"^([一二三四五六七八九十])、\s*(.+)$")
_SECTION = re.compile(r"^[（(]([一二三四五六七八九十])[）)]\s*")
_ITEM = re.compile(r"(?<![0-9.])([1-9][0-9]?)[.、](?=\D)")


def parse_source(text: str) -> dict[str, SourceClause]:
    """Every numbered clause of the regulation's text: sections "c.s" and items "c.s.i".

    A section with items keeps only its title (the words before item 1); the source glues titles to
    the text that follows, so the comparison below ignores punctuation and spacing.
    """
    clauses: dict[str, list] = {}
    chapter = section = 0
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", line).strip()  # （一） and １． as (一) and 1.
        if not line:
            continue
        if m := _CHAPTER.match(line):
            chapter, section, current = _NUMERALS[m.group(1)], 0, None
            continue
        if m := _SECTION.match(line):
            section = _NUMERALS[m.group(1)]
            current = f"{chapter}.{section}"
            clauses[current] = [number, ""]
            line = line[m.end() :]
        if not chapter or not section:
            continue
        pos = 0
        for m in _ITEM.finditer(line):
            if current is not None:
                clauses[current][1] += line[pos : m.start()]
            current = f"{chapter}.{section}.{m.group(1)}"
            clauses[current] = [number, ""]
            pos = m.end()
        if current is not None:
            clauses[current][1] += line[pos:]
    return {cid: SourceClause(cid, n, t.strip()) for cid, (n, t) in clauses.items()}


def parse_chapters(text: str) -> dict[int, tuple[int, str]]:
    """The regulation's chapters: number -> (line, title)."""
    return {
        _NUMERALS[m.group(1)]: (number, m.group(2).strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if (m := _CHAPTER.match(unicodedata.normalize("NFKC", line).strip()))
    }


def comparable(text: str) -> str:
    """Text without punctuation, spacing and width differences: what wording means, not how it is
    typed."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))


def missing_sentences(source: str, data: str) -> list[str]:
    """Sentences of the source clause that the data's wording does not contain."""
    have = comparable(data)
    return [
        s.strip()
        for s in re.split(r"[。；;！!？?]", source)
        if comparable(s) and comparable(s) not in have
    ]


# -- schema ----------------------------------------------------------------------------------
@cache
def _schemas() -> dict[str, Draft202012Validator]:
    spec = yaml.safe_load(
        resources.files("smilepress").joinpath("schemas/handbook.yml").read_text(encoding="utf-8")
    )
    return {
        name: Draft202012Validator({**schema, "$defs": spec["$defs"]})
        for name, schema in spec["files"].items()
    }


_TYPE_NAMES = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "array": "列表",
    "object": "“键: 值”映射",
    "boolean": "true 或 false",
}


def schema_problems(reader: PolicyReader, name: str) -> None:
    """Checks the file against its schema; each problem on the line of the value, in Chinese."""
    for err in sorted(
        _schemas()[name].iter_errors(reader.loaded.data),
        key=lambda e: [str(p) for p in e.absolute_path],
    ):
        where = tuple(err.absolute_path)
        field = next((str(p) for p in reversed(where) if isinstance(p, str)), "文件")
        hint = err.schema.get("description", "") if isinstance(err.schema, dict) else ""
        kind, expected, value = err.validator, err.validator_value, err.instance
        if kind == "required":
            for key in [k for k in expected if k not in value]:
                reader.fail(where, f"{field} 缺少字段 {key}", hint or f"请补上 {key}: …")
        elif kind == "additionalProperties":
            reader.unknown_keys(value, set(err.schema.get("properties", {})), where)
        elif kind == "type":
            reader.fail(where, f"{field} 应该是{_TYPE_NAMES.get(expected, expected)}", hint)
        elif kind in ("minItems", "minProperties"):
            reader.fail(where, f"{field} 至少要有 {expected} 项", hint)
        elif kind == "enum":
            reader.fail(
                where,
                f"{field} 的值 '{value}' 无效",
                hint or f"只能是 {'、'.join(map(str, expected))}",
            )
        elif kind == "propertyNames":
            reader.fail(where, f"{field} 中的名称无效：{err.message}", hint)
        else:  # pattern, minimum, maximum, minLength, anyOf …
            reader.fail(where, f"{field} 的值 {value!r} 不符合要求", hint)


# -- loading ---------------------------------------------------------------------------------
def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _walk(value: Any, where: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    """Every mapping in a document, with its path."""
    if isinstance(value, dict):
        yield where, value
        for key, child in value.items():
            yield from _walk(child, (*where, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _walk(child, (*where, i))


def as_list(value: Any) -> list:
    """A field that takes one value or a list of them (a clause's text, a step's owners)."""
    return [value] if isinstance(value, str) else list(value or [])


def clause_wording(item: dict) -> str:
    """A clause's title and wording, in order (a unit's duties are its clause's wording)."""
    parts = [item.get("title") or item.get("name") or "", *as_list(item.get("text"))]
    return "".join(parts + [d["text"] for d in item.get("duties", [])])


def load_regulation(
    root: Path, policies: Policies, today: dt.date
) -> tuple[Regulation, list[Problem]]:
    """Every handbook policy file, checked as of `today` (a revision may not take effect later);
    a file with errors is reported and its pages left out."""
    problems: list[Problem] = []
    readers: dict[str, PolicyReader] = {}
    for name in FILES:
        reader = load_policy_file(root, name, problems)
        if reader is None:
            continue
        schema_problems(reader, name)
        if reader.problems:
            problems.extend(reader.problems)
        else:
            readers[name] = reader
    # Files read for their references only (policies.py and kpis.py report their other problems).
    others = {name: load_policy_file(root, name, []) for name in ("people.yml", "kpis.yml")}
    others["roles.yml"] = readers.get("roles.yml") or load_policy_file(root, "roles.yml", [])
    roles = others["roles.yml"].loaded.data.get("roles") if others["roles.yml"] else None
    reg = Regulation(
        {n: r.loaded.data for n, r in readers.items()}, {}, {}, _role_specs(roles), policies
    )
    for name, r in readers.items():
        reg.meta[name] = _meta(r, name, _revisions(r, name, policies, today))
    _collect_clauses(reg, readers)
    budgets = [
        load_yaml_file(root, path.relative_to(root).as_posix(), [])
        for path in sorted((root / "data" / "budget").glob("*.yml"))
    ]
    others.update({r.path: r for r in budgets if r is not None})
    _References(reg, readers, others).run()
    for r in {id(r): r for r in [*readers.values(), *others.values()] if r is not None}.values():
        problems.extend(r.problems)
    problems.extend(_coverage(root, reg, readers))
    for name, r in readers.items():  # pages are made only from files without errors
        if any(p.level == "error" for p in r.problems):
            del reg.data[name], reg.meta[name]
    return reg, problems


def _role_specs(roles: Any) -> dict[str, dict]:
    """roles.yml's specs as text fields (policies.py reports a malformed file; this only must not
    break)."""
    if not isinstance(roles, dict):
        return {}
    return {
        str(rid): {k: str(v) for k, v in spec.items() if isinstance(v, (str, int, float))}
        for rid, spec in roles.items()
        if isinstance(spec, dict)
    }


def _meta(r: PolicyReader, name: str, revisions: tuple[Revision, ...]) -> PolicyMeta:
    p = r.loaded.data["policy"]
    dates = {}
    for key in ("effective", "next_review"):
        dates[key] = _date(p[key])
        if dates[key] is None:
            r.fail(
                ("policy", key), f"{key} 的日期 {p[key]} 不存在", "写成有效的日期，例如 2027-01-01"
            )
            dates[key] = dt.date.max if key == "next_review" else dt.date.min
    if dates["next_review"] <= dates["effective"]:
        r.fail(("policy", "next_review"), "下次复审日期应该晚于生效日期", "通常是生效日期后一年")
    if revisions and (revisions[-1].version, revisions[-1].effective) != (
        p["version"],
        dates["effective"],
    ):
        last = revisions[-1]
        r.fail(
            ("policy", "version"),
            f"policy 写的是版本 {p['version']}、生效日期 {p['effective']}，"
            f"但最新的修订记录是版本 {last.version}、生效日期 {last.effective}",
            "修订制度时在 revisions 末尾加一条，并把 policy 的 version 和 effective 改成与它相同",
        )
    return PolicyMeta(
        f"policies/{name}",
        p["title"],
        p["chapter"],
        p["version"],
        p["owner"],
        dates["effective"],
        dates["next_review"],
        r.loaded.line_of("policy", "next_review"),
        revisions,
    )


# The regulation gives the department's management to its manager (§2.2.1): a revision is approved
# by whoever may change the file (policies/workflow.yml `governed:`), else by the manager.
APPROVERS = ("manager",)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def approver_roles(policies: Policies, file: str) -> tuple[str, ...]:
    """The roles whose holder may approve a revision of `file` (policies/<name>)."""
    rule = policies.governing(file)
    return rule.by if rule else APPROVERS


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _revisions(
    r: PolicyReader, name: str, policies: Policies, today: dt.date
) -> tuple[Revision, ...]:
    """The file's revision history, each entry checked: the baseline 1.0 first, versions rising,
    dates in order and not after today, an approver who may approve, a summary in Chinese."""
    roles = approver_roles(policies, f"policies/{name}")
    out: list[Revision] = []
    for i, entry in enumerate(r.loaded.data["revisions"]):
        at = ("revisions", i)
        effective = _date(entry["effective"])
        if effective is None:
            r.fail((*at, "effective"), f"生效日期 {entry['effective']} 不存在", "例如 2027-01-01")
            continue
        rev = Revision(
            entry["version"], effective, entry["approver"], entry["summary"], r.loaded.line_of(*at)
        )
        before = out[-1] if out else None
        if before is None and rev.version != "1.0":
            r.fail(
                (*at, "version"),
                f"第一条修订记录应是基线版本 1.0，这里是 {rev.version}",
                "基线是部门通过的制度原文；之后的修订依次加在后面",
            )
        if before and _version_key(rev.version) <= _version_key(before.version):
            r.fail(
                (*at, "version"),
                f"版本 {rev.version} 应大于上一条修订记录的 {before.version}",
                "修订记录按时间先后排列，版本号逐条增大",
            )
        if before and rev.effective < before.effective:
            r.fail(
                (*at, "effective"),
                f"生效日期 {rev.effective} 早于上一条修订记录的 {before.effective}",
                "修订记录按时间先后排列",
            )
        if rev.effective > today:
            r.fail(
                (*at, "effective"),
                f"生效日期 {rev.effective} 晚于今天（{today}）",
                "修订生效后再写入修订记录",
            )
        where = (*at, "approver")
        if r.known(rev.approver, policies.people, where, "批准人（people.yml 中的人员）"):
            person = policies.people[rev.approver]
            if not set(person.roles) & set(roles):
                names = "、".join(policies.role_name(role) for role in roles)
                r.fail(
                    where,
                    f"{person.name} 不能批准制度修订",
                    f"部门的管理工作由部门经理负责（§2.2.1），制度修订须由{names}批准",
                )
        if not _HAN.search(rev.summary) or _LATIN_WORD.search(rev.summary):
            r.fail(
                (*at, "summary"),
                "修订说明要用中文写",
                "写清楚这次改了什么，不要写英文、文件名或代码",
            )
        out.append(rev)
    return tuple(out)


def _collect_clauses(reg: Regulation, readers: dict[str, PolicyReader]) -> None:
    for name, r in readers.items():
        for where, item in _walk(r.loaded.data):
            cid = item.get("clause")
            if not isinstance(cid, str) or "policy" in where:
                continue
            if cid in reg.clauses:
                first = reg.clauses[cid]
                r.fail(
                    (*where, "clause"),
                    f"条款 §{cid} 已在 {first.file} 第 {first.line} 行",
                    "每条只放在一处；其他地方引用时写在文字里，例如“见 §3.2.3”",
                )
                continue
            reg.clauses[cid] = Clause(
                cid,
                f"policies/{name}",
                r.loaded.line_of(*where, "clause"),
                item.get("title") or item.get("name") or "",
                clause_wording(item),
                item.get("origin", ""),
            )


def _coverage(root: Path, reg: Regulation, readers: dict[str, PolicyReader]) -> list[Problem]:
    """The adopted text against the data: nothing lost, nothing passed off as the regulation's
    own."""
    path = root / SOURCE
    if not path.is_file():
        return [
            Problem(SOURCE, 1, "缺少制度原文", "把通过的制度原文放在这里，手册逐条核对是否完整")
        ]
    text = path.read_text(encoding="utf-8")
    source, chapters = parse_source(text), parse_chapters(text)
    reg.chapters = {n: title for n, (_, title) in chapters.items()}
    if len(readers) < len(FILES):
        return []  # a file is missing or broken (reported): its clauses would all look lost
    problems = []
    covered = {meta.chapter for meta in reg.meta.values()}
    for n, (line, title) in chapters.items():
        if n not in covered:
            problems.append(
                Problem(
                    SOURCE,
                    line,
                    f"第{n}章《{title}》没有对应的制度文件",
                    f"在相应文件的 policy 中写 chapter: {n}",
                )
            )
    for cid, src in source.items():
        clause = reg.clauses.get(cid)
        if clause is None:
            problems.append(
                Problem(
                    SOURCE,
                    src.line,
                    f"制度原文 §{cid} 没有放进任何制度文件",
                    f'把它加到对应的 policies/*.yml，写上 clause: "{cid}"',
                )
            )
            continue
        if clause.origin == "added":
            problems.append(
                Problem(
                    clause.file,
                    clause.line,
                    f"§{cid} 是制度原文的条款，不能标为 origin: added",
                    "删除 origin，或改为 completed（原文不完整时）",
                )
            )
        for sentence in missing_sentences(src.text, clause.text)[:1]:
            problems.append(
                Problem(
                    clause.file,
                    clause.line,
                    f"§{cid} 的文字与制度原文不一致，缺少：{sentence}",
                    "原文的措辞不能丢；解释和做法写在 in_practice 或 enforced_by 里",
                )
            )
    for cid, clause in reg.clauses.items():
        if cid not in source and clause.origin != "added":
            problems.append(
                Problem(
                    clause.file,
                    clause.line,
                    f"制度原文中没有 §{cid}",
                    "部门补充的条款请写 origin: added；否则检查条款号",
                )
            )
    return problems


class _References:
    """References between files: roles, units, KPIs and people must exist; a missing one is
    named."""

    def __init__(
        self,
        reg: Regulation,
        readers: dict[str, PolicyReader],
        others: dict[str, PolicyReader | None],
    ):
        self.reg, self.readers, self.others = reg, readers, others
        self.owners = {**reg.policies.roles, **{u: "" for u in reg.units}, **PSEUDO_OWNERS}
        kpis = others["kpis.yml"].loaded.data.get("kpis") if others["kpis.yml"] else None
        self.kpis = [k for k in kpis if isinstance(k, dict)] if isinstance(kpis, list) else []
        self.kpi_ids = {str(k.get("id")) for k in self.kpis} if isinstance(kpis, list) else None

    def known(self, name: str, value: str, allowed, where: tuple, what: str) -> None:
        if allowed is not None and name in self.readers:
            self.readers[name].known(value, allowed, where, what)

    def run(self) -> None:
        units = self.reg.units if "organization.yml" in self.readers else None
        for name, meta in self.reg.meta.items():
            self.known(
                name,
                meta.owner,
                self.reg.policies.people,
                ("policy", "owner"),
                "负责人（people.yml 中的人员）",
            )
        self.processes(units)
        self.personnel(units)
        self.finance_and_security(units)
        if units is not None:
            self.units_named_elsewhere(units)

    def units_named_elsewhere(self, units: dict) -> None:
        """roles.yml `unit`, people.yml `group` and kpis.yml `group` name units of
        organization.yml."""
        by_name = {**{u: "" for u in units}, **{u["name"]: "" for u in units.values()}}
        roles_r, people_r, kpis_r = (
            self.others[n] for n in ("roles.yml", "people.yml", "kpis.yml")
        )
        raw_roles = roles_r.loaded.data.get("roles") if roles_r is not None else None
        for rid, spec in raw_roles.items() if isinstance(raw_roles, dict) else ():
            if not isinstance(spec, dict) or "unit" not in spec:
                continue
            if isinstance(spec["unit"], str):
                roles_r.known(
                    spec["unit"], units, ("roles", rid, "unit"), "单位（organization.yml）"
                )
            else:
                roles_r.fail(
                    ("roles", rid, "unit"),
                    f"角色 {rid} 的 unit 应该是一个单位 id",
                    "例如 unit: content",
                )
        for pid, person in self.reg.policies.people.items():
            if person.group and people_r is not None:
                people_r.known(
                    person.group,
                    by_name,
                    ("people", pid, "group"),
                    "单位（organization.yml 的 id 或名称）",
                )
        for i, kpi in enumerate(self.kpis):
            if kpi.get("group") and kpis_r is not None:
                kpis_r.known(
                    str(kpi["group"]),
                    by_name,
                    ("kpis", i, "group"),
                    "单位（organization.yml 的 id 或名称）",
                )

    def processes(self, units) -> None:
        seen: set[str] = set()
        for i, proc in enumerate(self.reg.processes):
            where = ("processes", i)
            if proc["id"] in seen:
                self.readers["processes.yml"].fail(
                    (*where, "id"), f"流程 id '{proc['id']}' 重复", "每个流程用不同的 id"
                )
            seen.add(proc["id"])
            self.known("processes.yml", proc["unit"], units, (*where, "unit"), "单位")
            for k, kid in enumerate(proc.get("kpis", [])):
                self.known(
                    "processes.yml", kid, self.kpi_ids, (*where, "kpis", k), "指标（kpis.yml）"
                )
            steps: set[str] = set()
            for j, step in enumerate(proc["steps"]):
                at = (*where, "steps", j)
                if step["id"] in steps:
                    self.readers["processes.yml"].fail(
                        (*at, "id"), f"步骤 id '{step['id']}' 重复", "同一流程内每个步骤用不同的 id"
                    )
                for k, owner in enumerate(as_list(step["owner"])):
                    self.known(
                        "processes.yml",
                        owner,
                        self.owners,
                        (*at, "owner", *([k] if isinstance(step["owner"], list) else [])),
                        "负责角色",
                    )
                if not (step.get("deadline") or step.get("sla")):
                    self.readers["processes.yml"].fail(
                        at,
                        f"步骤“{step['name']}”没有写时限",
                        "写 deadline（何时完成）或 sla（服务标准），例如 sla: 2 个工作日内",
                    )
                if "back_to" in step:
                    self.known(
                        "processes.yml",
                        step["back_to"]["step"],
                        steps,
                        (*at, "back_to", "step"),
                        "前面的步骤",
                    )
                steps.add(step["id"])

    def personnel(self, units) -> None:
        data = self.reg.data.get("personnel.yml")
        if data is None:
            return
        r = self.readers["personnel.yml"]
        appraisal = data["appraisal"]
        for uid, indicators in appraisal["indicators"].items():
            where = ("appraisal", "indicators", uid)
            self.known("personnel.yml", uid, units, where, "单位")
            total = sum(i["weight"] for i in indicators)
            if total != 100:
                r.fail(
                    where,
                    f"{uid} 的考核指标权重合计为 {total}，应为 100",
                    "调整各项 weight，使合计正好 100",
                )
            for k, ind in enumerate(indicators):
                self.known(
                    "personnel.yml",
                    ind["dimension"],
                    appraisal["dimensions"],
                    (*where, k, "dimension"),
                    "考核维度",
                )
                if "kpi" in ind:
                    self.known(
                        "personnel.yml",
                        ind["kpi"],
                        self.kpi_ids,
                        (*where, k, "kpi"),
                        "指标（kpis.yml）",
                    )
        mins = [b["min"] for b in appraisal["bands"]]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins) or mins[-1] != 0:
            r.fail(
                ("appraisal", "bands"),
                "考核等级应从高到低排列，min 逐档递减，最后一档 min: 0",
                "例如 90、80、70、60、0",
            )
        for k, career in enumerate(data.get("careers", [])):
            self.known("personnel.yml", career["unit"], units, ("careers", k, "unit"), "单位")
        for key in ("onboarding", "training"):
            for k, item in enumerate(data.get(key, [])):
                self.known(
                    "personnel.yml", item["owner"], self.owners, (key, k, "owner"), "负责角色"
                )
        for k, step in enumerate(data.get("recruitment", {}).get("steps", [])):
            self.known(
                "personnel.yml",
                step["owner"],
                self.owners,
                ("recruitment", "steps", k, "owner"),
                "负责角色",
            )

    def approval_bands(self, limits: list[dict]) -> None:
        """finance.yml's approval limits: each band covers claims above `over` (the first from 0)
        up to and including `up_to`, the last has no `up_to`; together they cover every amount
        exactly once, so no band may overlap the one before or leave a gap after it."""
        r, bound = self.readers["finance.yml"], 0.0  # bound: where the bands so far end
        for k, lim in enumerate(limits):
            where = ("reimbursement", "limits", k)
            low, high = lim.get("over", 0 if k == 0 else None), lim.get("up_to")
            start = _yuan(bound)
            fix = f"写 over: {_yuan(bound, commas=False)}（上一档的 up_to），即“{start} 元以上”"
            if low is None:
                r.fail(where, f"报销审批第 {k + 1} 档没有写从多少元以上（over）", fix)
            elif k == 0 and low != 0:
                r.fail(
                    (*where, "over"),
                    f"报销审批第 1 档应从 0 元起：0–{_yuan(low)} 元的报销没有人审批",
                    "第一档不写 over",
                )
            elif low < bound:
                r.fail(
                    (*where, "over"),
                    f"报销审批第 {k} 档和第 {k + 1} 档重叠：{_yuan(low)} 元以上至 {start} 元"
                    "同时属于两档",
                    fix,
                )
            elif low > bound:
                r.fail(
                    (*where, "over"),
                    f"报销审批第 {k} 档和第 {k + 1} 档之间有空档：{start} 元以上至 "
                    f"{_yuan(low)} 元的报销没有人审批",
                    fix,
                )
            if high is None and k < len(limits) - 1:
                r.fail(where, f"报销审批只有最后一档可以不写 up_to（第 {k + 1} 档没写）")
                return
            if high is not None and low is not None and high <= low:
                r.fail(
                    (*where, "up_to"), f"报销审批第 {k + 1} 档的 up_to 应大于 over（{_yuan(low)}）"
                )
            if high is None:
                return
            bound = high
        r.fail(
            ("reimbursement", "limits", len(limits) - 1, "up_to"),
            f"报销审批最后一档不应写 up_to：超过 {_yuan(bound)} 元的报销没有人审批",
            "删除最后一档的 up_to，或再加一档只写 over 和 approvers",
        )

    def finance_and_security(self, units) -> None:
        finance = self.reg.data.get("finance.yml")
        if finance is not None:
            self.known(
                "finance.yml",
                finance["budget"]["prepared_by"],
                self.owners,
                ("budget", "prepared_by"),
                "负责角色",
            )
            for k, cat in enumerate(finance["budget"]["categories"]):
                self.known(
                    "finance.yml", cat["unit"], units, ("budget", "categories", k, "unit"), "单位"
                )
            names = [c["name"] for c in finance["budget"]["categories"]]
            for (
                path,
                r,
            ) in self.others.items():  # data/budget/<year>.yml uses finance.yml's categories
                categories = (
                    r.loaded.data.get("categories")
                    if path.startswith("data/budget/") and r
                    else None
                )
                for name in categories if isinstance(categories, dict) else ():
                    r.known(
                        str(name), names, ("categories", name), "预算类别（policies/finance.yml）"
                    )
            for k, step in enumerate(finance["reimbursement"]["steps"]):
                self.known(
                    "finance.yml",
                    step["owner"],
                    self.owners,
                    ("reimbursement", "steps", k, "owner"),
                    "负责角色",
                )
            limits = finance["reimbursement"]["limits"]
            self.approval_bands(limits)
            for k, lim in enumerate(limits):
                for a, who in enumerate(lim["approvers"]):
                    self.known(
                        "finance.yml",
                        who,
                        self.owners,
                        ("reimbursement", "limits", k, "approvers", a),
                        "审批人",
                    )
        security = self.reg.data.get("security.yml")
        if security is not None:
            for k, b in enumerate(security.get("backups", [])):
                self.known(
                    "security.yml", b["owner"], self.owners, ("backups", k, "owner"), "负责角色"
                )
            for k, level in enumerate(security.get("access", [])):
                for a, who in enumerate(level["who"]):
                    self.known("security.yml", who, self.owners, ("access", k, "who", a), "角色")
            for k, step in enumerate(security.get("incidents", {}).get("steps", [])):
                self.known(
                    "security.yml",
                    step["owner"],
                    self.owners,
                    ("incidents", "steps", k, "owner"),
                    "负责角色",
                )


def _yuan(amount: float, commas: bool = True) -> str:
    """An amount of 元 without exponent or needless decimals: 20,000 or 1,999.5."""
    text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return text if commas else text.replace(",", "")
