"""What every policy page is made of: the regulation's wording, clause by clause with its tag, and
the policy's frame (version, owner and dates in a box, the regulation's revision history)."""

from __future__ import annotations

from html import escape

from ...model.regulation import PolicyMeta, Revision, as_list
from .book import Handbook
from .markup import table

# What a clause may say beside its wording: (field, label).
PRACTICE = (("in_practice", "我们的做法"), ("enforced_by", "如何落实"))


def clause(book: Handbook, item: dict, show_title: bool = True) -> str:
    """A clause's wording with its tag, and how the department lives or enforces it."""
    title = item.get("name") or item.get("title") or ""
    head = f"**{escape(title)}** " if title and show_title else ""
    out = f"{head}{''.join(as_list(item.get('text')))} {book.tag(item['clause'])}\n"
    for key, label in PRACTICE:
        if item.get(key):
            out += f"\n*{label}：* {item[key]}\n"
    return out


def numbered_clauses(book: Handbook, items: list[dict]) -> list[str]:
    """Clauses as the items of a numbered list (their later paragraphs indented into the item)."""
    return [
        f"{i}. " + clause(book, item).replace("\n\n", "\n\n    ")
        for i, item in enumerate(items, start=1)
    ]


def clause_text(book: Handbook, cid: str) -> str:
    """One clause by its number, as the index has it (title and wording), with its tag."""
    return f"{book.reg.clauses[cid].text} {book.tag(cid)}\n"


def sections(book: Handbook, name: str) -> str:
    """A policy file's sections (## title), their wording and numbered clauses, each with its
    tag."""
    out = []
    for section in book.reg.data[name]["sections"]:
        out.append(f"## {section['title']}\n")
        if section.get("text"):
            out.append(clause(book, section, show_title=False))
        else:
            out.append(book.tag(section["clause"]) + "\n")
        out.extend(numbered_clauses(book, section.get("clauses", [])))
        out.append("")
    return "\n".join(out)


def info_box(book: Handbook, name: str) -> str:
    """Version, owner and dates of a policy file, as a warning once it is past its review date."""
    meta = book.reg.meta[name]
    late = meta.overdue(book.today)
    kind, title = ("warning", "制度信息 · 已过复审日期") if late else ("info", "制度信息")
    body = (
        f"版本 {meta.version} · 负责人 {book.person(meta.owner)} · 生效日期 {meta.effective} · "
        f"下次复审 {meta.next_review}"
        + ("（**已过期，请负责人尽快复审**）" if late else "")
        + " · 本页由部门制度数据生成"
    )
    return f'!!! {kind} "{title}"\n    {body}\n'


def revision_summary(book: Handbook, meta: PolicyMeta, rev: Revision) -> str:
    """What a revision changed, and a warning when no signed commit proves it was approved."""
    if (meta.file, rev.version) in book.unproven:
        return f"{rev.summary}（**未能证明已经批准**）"
    return rev.summary


def revision_history(book: Handbook, name: str) -> str:
    """The policy's revisions as document control: newest first, each with its approver."""
    meta = book.reg.meta[name]
    rows = [
        [
            rev.version,
            str(rev.effective),
            book.person(rev.approver),
            revision_summary(book, meta, rev),
        ]
        for rev in reversed(meta.revisions)
    ]
    return "## 修订记录\n\n" + table(["版本", "生效日期", "批准人", "修订说明"], rows)


def footer(book: Handbook, name: str) -> str:
    """The end of a policy's page: its info box and its revision history."""
    return "\n" + info_box(book, name) + "\n" + revision_history(book, name)
