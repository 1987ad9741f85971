"""Chapter 1's general provisions (general.yml) on the handbook's home page, with what a reader
needs first: policies past their review date, the contents, the regulation's structure, every
policy's state and its latest revisions."""

from __future__ import annotations

from ...model.regulation import FILES
from .addresses import CLAUSES_PAGE, HOME, POLICY_PAGES, ROLES_PAGE, link
from .book import Handbook
from .markup import bullets, table
from .policy import info_box, numbered_clauses, revision_summary, sections

CONTENTS = (  # (page, what it holds), in reading order
    (POLICY_PAGES["organization.yml"], "组织架构与各组职责"),
    (POLICY_PAGES["processes.yml"], "工作流程"),
    (POLICY_PAGES["norms.yml"], "工作规范"),
    (POLICY_PAGES["personnel.yml"], "人员管理：招聘、培训、考核、职业发展"),
    (POLICY_PAGES["finance.yml"], "财务管理：预算、报销、成本控制"),
    (POLICY_PAGES["security.yml"], "信息安全管理"),
    (ROLES_PAGE, "角色与职责"),
    (POLICY_PAGES["glossary.yml"], "术语表"),
    (CLAUSES_PAGE, "条款索引：每一条制度在哪一页"),
)


def pages(book: Handbook) -> dict[str, str]:
    here, general = HOME, book.reg.data["general.yml"]
    out = [
        "# 员工手册\n",
        f"本手册是《{general['name']}》的在线版本，由部门制度数据生成；制度的每次修订"
        "经批准后记在各页末尾的修订记录中。仅供部门内部阅读。\n",
    ]
    out += _overdue(book, here)
    out.append(sections(book, "general.yml"))
    out.append("## 手册目录\n")
    out.append(bullets([f"[{title}]({link(page, here)})" for page, title in CONTENTS]))
    if book.reg.chapters:
        out += ["## 制度结构\n", _chapters(book, here)]
    out += ["## 各项制度\n", _policies(book, here)]
    out += ["## 最近的修订\n", _recent_revisions(book, here)]
    out.append(info_box(book, "general.yml"))
    return {here: "\n".join(out)}


def principles(book: Handbook) -> str:
    """The general provisions' numbered principles (the first section that has clauses)."""
    section = next(s for s in book.reg.data["general.yml"]["sections"] if s.get("clauses"))
    return "\n".join(numbered_clauses(book, section["clauses"]))


def _overdue(book: Handbook, here: str) -> list[str]:
    late = book.reg.overdue(book.today)
    if not late:
        return []
    rows = "\n".join(
        f"    - {book.policy_link(m, here)}：应于 {m.next_review} 复审，"
        f"负责人 {book.person(m.owner)}"
        for m in late
    )
    return [f'!!! warning "有 {len(late)} 项制度已过复审日期"\n{rows}\n']


def _chapters(book: Handbook, here: str) -> str:
    """The adopted text's chapters, each with the handbook pages of its policy files."""
    rows = [
        [
            f"第{'一二三四五六七八九十'[n - 1]}章",
            title,
            "、".join(book.policy_link(m, here) for m in book.reg.meta.values() if m.chapter == n)
            or "—",
        ]
        for n, title in sorted(book.reg.chapters.items())
    ]
    return table(["章", "标题", "手册页面"], rows)


def _policies(book: Handbook, here: str) -> str:
    """Every policy file that loaded: version, owner, dates, and whether it is past its review."""
    rows = [
        [
            book.policy_link(m, here),
            m.version,
            book.person(m.owner),
            str(m.effective),
            str(m.next_review),
            "**已过复审日期**" if m.overdue(book.today) else "有效",
        ]
        for m in (book.reg.meta[name] for name in FILES if name in book.reg.meta)
    ]
    return table(["制度", "版本", "负责人", "生效日期", "下次复审", "状态"], rows)


def _recent_revisions(book: Handbook, here: str, limit: int = 10) -> str:
    """The latest revisions of any policy (by effective date), each linked to its page."""
    latest = sorted(
        ((rev, meta) for meta in book.reg.meta.values() for rev in meta.revisions),
        key=lambda item: (item[0].effective, item[1].chapter),
        reverse=True,
    )[:limit]
    return table(
        ["生效日期", "制度", "版本", "批准人", "修订说明"],
        [
            [
                str(rev.effective),
                book.policy_link(meta, here),
                rev.version,
                book.person(rev.approver),
                revision_summary(book, meta, rev),
            ]
            for rev, meta in latest
        ],
    )
