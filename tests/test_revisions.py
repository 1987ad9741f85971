"""The regulation's revision history as document control: each policy file's `revisions:` checked
with lines, each later entry proven by the signed commit that added it, and the pages showing
revisions (never git commits)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from helpers import ProjectFactory
from smilepress.cli import main
from smilepress.pages.handbook import load_handbook
from smilepress.pages.handbook import pages as handbook_pages
from smilepress.project import Project

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 28)
FINANCE = "policies/finance.yml"
BASELINE = "    summary: 依据制度原文第五章建立预算、报销与成本控制制度（基线版本）\n"
OLD_RULE, NEW_RULE = "费用发生后 30 日内提交", "费用发生后 20 日内提交"
SUMMARY = "报销单须在费用发生后 20 日内提交（原为 30 日）"


def _revise(
    factory: ProjectFactory,
    *,
    version: str = "1.1",
    effective: str = "2026-11-20",
    approver: str = "chensiyuan",
    summary: str | None = SUMMARY,
    change: bool = True,
) -> int:
    """Adds a revision to finance.yml (and the policy's version and date to match), with the
    change it records unless `change` is False; returns the line of the new entry."""
    entry = f'  - version: "{version}"\n    effective: "{effective}"\n    approver: {approver}\n'
    if summary is not None:
        entry += f"    summary: {summary}\n"
    line = factory.replace(FINANCE, BASELINE, BASELINE + entry) + 1
    factory.replace(FINANCE, 'version: "1.0"\n  owner', f'version: "{version}"\n  owner')
    factory.replace(FINANCE, 'effective: "2026-01-01"\n  next', f'effective: "{effective}"\n  next')
    if change:
        factory.replace(FINANCE, OLD_RULE, NEW_RULE)
    return line


def _book(factory: ProjectFactory, ledger: bool = True):
    project = Project(factory.root, as_of=TODAY)
    return load_handbook(
        project.root, project.policies, TODAY, ledger=project.ledger if ledger else None
    )


def _errors(problems):
    return [(p.path, p.line, p.message) for p in problems if p.level == "error"]


def _line_of(factory: ProjectFactory, text: str, after: int = 0) -> int:
    lines = (factory.root / FINANCE).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if i >= after and text in line)


# -- proven revisions on the pages ---------------------------------------------------------------
def test_a_revision_the_manager_signed_with_its_change_is_proven_and_shown(factory):
    _revise(factory)
    factory.commit_all("Finance: reimburse within 20 days", "chensiyuan")
    shas = [factory.git("rev-parse", "HEAD").strip()[:7]]
    factory.write("scripts/tidy.py", "print('tidy')\n")
    factory.commit_all("Refactor: code-only tidy-up of the handbook scripts", "chensiyuan")
    shas.append(factory.git("rev-parse", "HEAD").strip()[:7])
    book, problems = _book(factory)
    assert _errors(problems) == []
    assert not [p for p in problems if "修订" in p.message]
    pages = handbook_pages(book)
    finance = pages["handbook/finance.md"]
    history = finance[finance.index("## 修订记录") :]
    assert history.splitlines()[2:6] == [
        "| 版本 | 生效日期 | 批准人 | 修订说明 |",
        "|---|---|---|---|",
        f"| 1.1 | 2026-11-20 | 陈思远 | {SUMMARY} |",
        f"| 1.0 | 2026-01-01 | 陈思远 | {BASELINE.split(': ')[1].strip()} |",
    ]
    assert "版本 1.1 · 负责人 陈思远 · 生效日期 2026-11-20" in finance
    home = pages["handbook/index.md"]
    recent = home[home.index("## 最近的修订") :]
    assert f"| 2026-11-20 | [财务管理](finance.md) | 1.1 | 陈思远 | {SUMMARY} |" in recent
    for uri, text in pages.items():  # no commit, no code-only commit, anywhere
        for trace in ("Finance", "Refactor", "tidy", *shas):
            assert trace not in text, (uri, trace)
    frames = [home.split("\n\n")[1], recent, history, finance[finance.index("!!! info") :]]
    for frame in frames:  # the intro, the info box and the revisions: no folder, no English
        words = re.sub(r"\]\([^)]*\)|!!! info", "", frame)  # a link's address is no word
        assert not re.search(r"[A-Za-z]{2,}|数据文件", words), frame
    assert "最近的修改" not in home


def test_an_entry_at_the_trust_root_is_trusted_with_the_root(factory, monkeypatch):
    _revise(factory)
    factory.commit_all("财务：报销期限改为 20 日", "chensiyuan")
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", factory.git("rev-parse", "HEAD").strip())
    book, problems = _book(factory)
    assert _errors(problems) == [] and book.unproven == set()


# -- the signed history --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("person", "signed", "why"),
    [
        ("chensiyuan", False, "提交没有签名，不是部门经理签名的"),
        ("zhaomin", True, "赵敏 签名，不是部门经理签名的"),
    ],
)
def test_an_entry_added_unsigned_or_by_someone_not_allowed_is_refused(factory, person, signed, why):
    line = _revise(factory)
    factory.commit_all("财务：报销期限改为 20 日", person, signed=signed)
    sha = factory.git("rev-parse", "HEAD").strip()[:7]
    book, problems = _book(factory)
    [(path, at, message)] = _errors(problems)
    assert (path, at) == (FINANCE, line)
    assert message.startswith(f"修订 1.1 由提交 {sha}") and message.endswith(why)
    assert book.unproven == {(FINANCE, "1.1")}
    assert f"{SUMMARY}（**未能证明已经批准**）" in handbook_pages(book)["handbook/finance.md"]


def test_an_entry_whose_commit_changed_nothing_else_is_refused(factory):
    factory.replace(FINANCE, OLD_RULE, NEW_RULE)
    factory.commit_all("财务：报销期限改为 20 日", "chensiyuan")
    line = _revise(factory, change=False)
    factory.commit_all("财务：补记修订记录", "chensiyuan")
    _, problems = _book(factory)
    [(path, at, message)] = _errors(problems)
    assert (path, at) == (FINANCE, line) and message.endswith("但这个提交没有修改制度内容")


def test_an_uncommitted_entry_is_not_proven_and_the_command_says_so(factory, capsys):
    line = _revise(factory)
    assert main(["--as-of", "2026-11-28", "handbook"]) == 1
    err = capsys.readouterr().err
    assert f"{FINANCE}:{line}:1: 错误: 修订 1.1 还没有出现在任何提交中" in err
    assert "Traceback" not in err


def test_without_history_the_revisions_cannot_be_proven_and_nothing_breaks(tmp_path):
    factory = ProjectFactory(tmp_path / "proj", REPO, git=False)
    line = _revise(factory)
    book, problems = _book(factory)
    assert _errors(problems) == []
    [warning] = [p for p in problems if "修订" in p.message and p.path == FINANCE]
    assert (warning.path, warning.line, warning.level) == (FINANCE, line, "warning")
    assert warning.message.startswith("无法证明修订 1.1 经过批准：")
    assert "（**未能证明已经批准**）" in handbook_pages(book)["handbook/finance.md"]


# -- the data, checked with lines ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"approver": "chensiyaun"},
            "approver",
            "未知的批准人（people.yml 中的人员） 'chensiyaun'",
        ),
        ({"approver": "zhaomin"}, "approver", "赵敏 不能批准制度修订"),
        ({"version": "0.9"}, "version", "版本 0.9 应大于上一条修订记录的 1.0"),
        ({"effective": "2026-12-01"}, "effective", "生效日期 2026-12-01 晚于今天（2026-11-28）"),
        ({"effective": "2025-12-31"}, "effective", "生效日期 2025-12-31 早于上一条修订记录的"),
        ({"summary": None}, "", "缺少字段 summary"),
        ({"summary": "Fix typo"}, "summary", "修订说明要用中文写"),
    ],
)
def test_bad_revisions_are_named_with_file_and_line(factory, change, field, message):
    entry = _revise(factory, **change)
    book, problems = _book(factory, ledger=False)
    line = _line_of(factory, f" {field}:", after=entry) if field else entry
    found = [(p, at, m) for p, at, m in _errors(problems) if message in m]
    assert [(p, at) for p, at, _ in found] == [(FINANCE, line)], _errors(problems)
    assert "handbook/finance.md" not in handbook_pages(book)  # a file with errors gets no page


def test_the_baseline_comes_first_and_the_policy_matches_the_latest_revision(factory):
    factory.replace(FINANCE, '  - version: "1.0"', '  - version: "1.1"')
    _, problems = _book(factory, ledger=False)
    messages = {m for _, _, m in _errors(problems)}
    assert "第一条修订记录应是基线版本 1.0，这里是 1.1" in messages
    assert any(re.match(r"policy 写的是版本 1\.0.*最新的修订记录是版本 1\.1", m) for m in messages)
