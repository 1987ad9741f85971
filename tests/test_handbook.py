"""The staff handbook: the regulation as data, nothing of it lost, checked references, generated
pages."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smilepress.cli import main
from smilepress.errors import SmilePressError
from smilepress.model.policies import load_policies
from smilepress.model.regulation import FILES, SOURCE, comparable, missing_sentences, parse_source
from smilepress.pages.handbook import CLAUSES_PAGE, expand_embeds, load_handbook, strip_embeds
from smilepress.pages.handbook import pages as handbook_pages
from smilepress.project import Project

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 28)


def _book(root: Path, today: dt.date = TODAY, ledger: bool = False):
    """The handbook of `root`, its later revisions asked of the signed history if `ledger`."""
    proofs = Project(root, as_of=today).ledger if ledger else None
    return load_handbook(root, load_policies(root), today, ledger=proofs)


def _errors(problems):
    return [p for p in problems if p.level == "error"]


# -- nothing of the regulation is lost ------------------------------------------------------------
def test_the_source_parser_finds_every_numbered_clause_of_the_regulation():
    source = parse_source((REPO / SOURCE).read_text(encoding="utf-8"))
    # Counted by hand from the text: sections per chapter and items per section.
    expected_items = {
        "1.3": 4,
        "2.2": 5,
        "3.1": 4,
        "3.2": 4,
        "3.3": 3,
        "3.4": 3,
        "3.5": 5,
        "4.1": 2,
        "4.2": 4,
        "4.3": 3,
        "5.1": 3,
        "5.2": 3,
        "5.3": 2,
        "6.1": 3,
        "6.2": 1,
    }
    sections = {"1.1", "1.2", "2.1", *expected_items}
    assert {c for c in source if c.count(".") == 1} == sections
    for section, n in expected_items.items():
        assert [c for c in source if c.startswith(section + ".")] == [
            f"{section}.{i}" for i in range(1, n + 1)
        ]
    assert source["1.3"].text == "基本原则" and source["2.2"].text == "职责分工"
    assert source["3.2.3"].text.startswith("审核修改内容创作完成后")
    assert source["6.2.1"].text.endswith("防范网络攻击和恶意")  # where the scraped text stops


_han = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), min_size=1, max_size=12)
_NUM = "一二三四五六七八九十"


@settings(max_examples=100, deadline=None)
@given(
    chapters=st.lists(
        st.lists(st.tuples(_han, st.lists(_han, max_size=11)), min_size=1, max_size=4),
        min_size=1,
        max_size=6,
    ),
    full_width=st.booleans(),
    glued=st.booleans(),
)
def test_the_parser_recovers_any_regulation_written_the_usual_ways(chapters, full_width, glued):
    """Chapters 一、, sections (一) or （一）, items 1. or １．, titles glued to the text or not."""
    lines, expected = [], {}
    for c, sections in enumerate(chapters, start=1):
        lines.append(f"{_NUM[c - 1]}、第{c}章")
        for s, (head, items) in enumerate(sections, start=1):
            marker = f"（{_NUM[s - 1]}）" if full_width else f"({_NUM[s - 1]})"
            expected[f"{c}.{s}"] = head + "。"
            numbered = []
            for i, item in enumerate(items, start=1):
                number = (
                    "".join(chr(ord(d) + 0xFEE0) for d in str(i)) + "．" if full_width else f"{i}."
                )
                expected[f"{c}.{s}.{i}"] = item + "。"
                numbered.append(f"{number}{item}。")
            if glued and numbered:  # as the source does: "(三)基本原则1.合法性原则:…"
                numbered[0] = f"{marker}{head}。{numbered[0]}"
            else:
                numbered.insert(0, f"{marker}{head}。")
            lines += numbered
        lines.append("")
    found = parse_source("\n".join(lines))
    assert {cid: comparable(c.text) for cid, c in found.items()} == {
        cid: comparable(x) for cid, x in expected.items()
    }


@given(st.text(max_size=300))
def test_the_parser_takes_any_text(text):
    assert all(c.line >= 1 for c in parse_source(text).values())


def test_every_clause_of_the_regulation_is_in_the_data_and_on_a_page():
    book, problems = _book(REPO)
    assert _errors(problems) == []
    assert set(book.reg.data) == set(FILES)
    source = parse_source((REPO / SOURCE).read_text(encoding="utf-8"))
    pages = handbook_pages(book)
    plain = {
        uri: comparable(re.sub(r"<[^>]+>", "", text))
        for uri, text in pages.items()
        if uri != CLAUSES_PAGE
    }
    for cid, src in source.items():
        clause = book.reg.clauses[cid]
        assert clause.origin != "added"
        assert missing_sentences(src.text, clause.text) == [], cid
        shown_on = [
            uri
            for uri, text in pages.items()
            if uri != CLAUSES_PAGE and re.search(rf">§{re.escape(cid)}[<（]", text)
        ]
        assert shown_on, f"§{cid} is on no page"
        # The wording is on the page that shows the clause, sentence by sentence.
        assert any(
            all(comparable(s) in plain[uri] for s in re.split("[。；;]", clause.wording))
            for uri in shown_on
        ), cid
    assert (
        "| 第三章 | 工作流程与规范 | [工作流程](processes/index.md)、[工作规范](norms.md) |"
        in pages["handbook/index.md"]
    )
    index = pages[CLAUSES_PAGE]
    assert all(f"§{cid} |" in index for cid in book.reg.clauses)
    # Chapter 6 was completed: the clause the source breaks off in, and what the issue asks for.
    added = {c.title or c.id for c in book.reg.clauses.values() if c.origin == "added"}
    assert {"平台后台账号与密码", "安全事件处置", "设备管理"} <= added
    assert book.reg.clauses["6.2.1"].origin == "completed"


def test_a_lost_clause_a_changed_sentence_and_an_unmarked_addition_are_named(factory):
    path = factory.root / "policies/norms.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '      - clause: "3.5.5"\n'
        "        text: 加强团队协作，积极与其他部门沟通配合，共同完成公司整体目标。\n",
        "",
    )
    text = text.replace("不得从事与工作无关的事情", "尽量少做与工作无关的事情")
    text = text.replace(
        '      - clause: "3.5.1"',
        '      - clause: "3.5.6"\n        text: 新增的规范。\n      - clause: "3.5.1"',
    )
    path.write_text(text, encoding="utf-8")
    _, problems = _book(factory.root)
    messages = {(p.path, p.message) for p in _errors(problems)}
    assert (SOURCE, "制度原文 §3.5.5 没有放进任何制度文件") in messages
    assert any(
        p == "policies/norms.yml"
        and "§3.5.2 的文字与制度原文不一致" in m
        and "不得从事与工作无关的事情" in m
        for p, m in messages
    )
    assert not any("没有对应的制度文件" in m for _, m in messages)
    added = next(p for p in problems if "制度原文中没有 §3.5.6" in p.message)
    assert (
        added.line == text.splitlines().index('      - clause: "3.5.6"') + 1
        and "origin: added" in added.hint
    )


def test_a_chapter_without_a_policy_file_is_named(factory):
    factory.replace("policies/finance.yml", "  chapter: 5\n", "  chapter: 4\n")
    _, problems = _book(factory.root)
    found = [p for p in _errors(problems) if "没有对应的制度文件" in p.message]
    assert [(p.path, p.line, p.message) for p in found] == [
        (SOURCE, 66, "第5章《财务管理》没有对应的制度文件")
    ]


# -- schema and references ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, old, new, message",
    [
        ("processes.yml", "owner: promoter", "owner: promotor", "未知的负责角色 'promotor'"),
        (
            "processes.yml",
            "kpis: [ctr, consult-rate, cost-per-lead, roi]",
            "kpis: [ctr, clicks]",
            "未知的指标（kpis.yml） 'clicks'",
        ),
        (
            "processes.yml",
            "unit: promotion\n    kpis",
            "unit: marketing\n    kpis",
            "未知的单位 'marketing'",
        ),
        (
            "processes.yml",
            "back_to: {step: create,",
            "back_to: {step: publish,",
            "未知的前面的步骤 'publish'",
        ),
        (
            "processes.yml",
            "deadline: 每季度第一个月的 10 日前",
            "dedline: 每季度第一个月的 10 日前",
            "未知字段 'dedline'",
        ),
        ("processes.yml", '    clause: "3.1"\n', "    clause: 3.1\n", "clause 应该是文本"),
        (
            "general.yml",
            "owner: chensiyuan",
            "owner: nobody",
            "未知的负责人（people.yml 中的人员） 'nobody'",
        ),
        (
            "general.yml",
            'next_review: "2027-01-01"',
            'next_review: "2027-02-30"',
            "next_review 的日期 2027-02-30 不存在",
        ),
        (
            "personnel.yml",
            "weight: 25, kpi: ctr",
            "weight: 30, kpi: ctr",
            "promotion 的考核指标权重合计为 105，应为 100",
        ),
        (
            "personnel.yml",
            "dimension: 工作业绩, weight: 40, kpi: roi",
            "dimension: 业绩, weight: 40, kpi: roi",
            "未知的考核维度 '业绩'",
        ),
        ("organization.yml", "kind: group", "kind: team", "kind 的值 'team' 无效"),
        (  # approval bands: an overlap, a gap and an open top are each named at their line
            "finance.yml",
            "- {up_to: 2000, ",
            "- {up_to: 5000, ",
            "报销审批第 1 档和第 2 档重叠：2,000 元以上至 5,000 元同时属于两档",
        ),
        (
            "finance.yml",
            "- {over: 2000, up_to: 20000, ",
            "- {over: 3000, up_to: 20000, ",
            "报销审批第 1 档和第 2 档之间有空档：2,000 元以上至 3,000 元的报销没有人审批",
        ),
        (
            "finance.yml",
            "- {over: 20000, approvers",
            "- {over: 20000, up_to: 50000, approvers",
            "报销审批最后一档不应写 up_to：超过 50,000 元的报销没有人审批",
        ),
        (
            "security.yml",
            "who: [dentist, compliance]",
            "who: [dentist, auditor]",
            "未知的角色 'auditor'",
        ),
        (
            "glossary.yml",
            "  - {term: 部门经理, "
            "definition: 口腔网络运营部负责人，审批内容发布、推广计划、预算和报销。}\n",
            "  - {term: 部门经理}\n",
            "terms 缺少字段 definition",
        ),
        (
            "people.yml",
            "group: 网络推广组",
            "group: 网络推广部",
            "未知的单位（organization.yml 的 id 或名称） '网络推广部'",
        ),
        (
            "kpis.yml",
            "group: 客户服务组",
            "group: 客服组",
            "未知的单位（organization.yml 的 id 或名称） '客服组'",
        ),
        (
            "roles.yml",
            "unit: content",
            "unit: contents",
            "未知的单位（organization.yml） 'contents'",
        ),
        ("roles.yml", "unit: content", "unit: [content]", "角色 writer 的 unit 应该是一个单位 id"),
    ],
)
def test_bad_data_is_named_with_file_line_and_what_to_do(factory, name, old, new, message):
    line = factory.replace(f"policies/{name}", old, new)
    _, problems = _book(factory.root)
    found = [p for p in _errors(problems) if message in p.message]
    assert found, [str(p) for p in problems]
    assert found[0].path == f"policies/{name}"
    assert abs(found[0].line - line) <= 1  # the line of the bad value (or its key just above)
    assert found[0].hint or "未知" in found[0].message


def test_a_step_without_a_deadline_or_service_level_is_named_at_the_step(factory):
    factory.replace("policies/processes.yml", "        deadline: 每周一选题会\n", "")
    step_line = factory.replace(
        "policies/processes.yml", "      - id: topic\n", "      - id: topic\n"
    )
    _, problems = _book(factory.root)
    found = [p for p in _errors(problems) if p.message == "步骤“选题策划”没有写时限"]
    assert [(p.path, p.line) for p in found] == [
        ("policies/processes.yml", step_line)
    ] and "deadline" in found[0].hint


def test_budget_data_uses_the_categories_of_the_finance_policy(factory):
    shutil.copytree(REPO / "data/budget", factory.root / "data/budget")
    _, problems = _book(factory.root)
    assert _errors(problems) == []
    path = factory.root / "data/budget/2026.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  内容制作费用:", "  内容制作费:"), encoding="utf-8")
    _, problems = _book(factory.root)
    found = [p for p in _errors(problems) if "预算类别" in p.message]
    assert [(p.path, p.line, p.message) for p in found] == [
        (
            "data/budget/2026.yml",
            text.splitlines().index("  内容制作费用:") + 1,
            "未知的预算类别（policies/finance.yml） '内容制作费'",
        )
    ]
    assert "内容制作费用" in found[0].hint


def test_a_broken_file_is_reported_and_the_other_pages_are_still_built(factory):
    (factory.root / "policies/finance.yml").write_text("policy: [\n", encoding="utf-8")
    book, problems = _book(factory.root)
    assert any(p.path == "policies/finance.yml" and "YAML" in p.message for p in problems)
    pages = handbook_pages(book)
    assert (
        "handbook/finance.md" not in pages
        and "handbook/security.md" in pages
        and "handbook/index.md" in pages
    )


# Adversarial data: any value anywhere in a valid file replaced by any other never crashes the
# loader or the pages; it is reported or harmless.
_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.text(max_size=8),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(value, where=()):
    yield where
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*where, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*where, i))


# Derandomized: the same 150 damaged files on every run (CI must not depend on luck); 20 other seeds
# (3,000 files) were run by hand when it was written.
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_value_replaced_anywhere_is_reported_never_a_crash(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("proj")
    shutil.copytree(REPO / "policies", root / "policies")
    name = data.draw(st.sampled_from([*FILES, "roles.yml", "kpis.yml"]))
    doc = yaml.safe_load((root / "policies" / name).read_text(encoding="utf-8"))
    where = data.draw(st.sampled_from([p for p in _paths(doc) if p]))
    target = doc
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = data.draw(_values)
    (root / "policies" / name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        policies = load_policies(root)
    except SmilePressError:  # roles.yml broken: policies.py reports it (tested elsewhere)
        return
    book, problems = load_handbook(root, policies, TODAY)
    pages = handbook_pages(book)
    assert all(isinstance(p.line, int) and p.line >= 1 and p.path for p in problems)
    assert "handbook/roles.md" in pages


# -- metadata, reviews and history ---------------------------------------------------------------
def test_an_overdue_policy_is_flagged_on_the_home_page_and_in_the_problems(factory):
    book, problems = _book(factory.root, today=dt.date(2027, 1, 2))
    late = {p.path for p in problems if p.level == "warning" and "已过复审日期" in p.message}
    assert late == {
        "policies/norms.yml",
        "policies/general.yml",
        "policies/organization.yml",
        "policies/roles.yml",
        "policies/personnel.yml",
        "policies/finance.yml",
        "policies/glossary.yml",
    }
    home = handbook_pages(book)["handbook/index.md"]
    assert "有 7 项制度已过复审日期" in home
    book, _ = _book(factory.root, today=dt.date(2026, 11, 1))
    assert "已过复审日期" not in handbook_pages(book)["handbook/index.md"]


def test_each_policy_page_shows_its_metadata_and_revisions_never_commits(factory):
    factory.write("scripts/build.sh", "echo build\n")
    factory.commit_all("Code only: build script", "chensiyuan")
    book, problems = _book(factory.root, ledger=True)
    assert _errors(problems) == []
    pages = handbook_pages(book)
    finance = pages["handbook/finance.md"]
    assert (
        "版本 1.0 · 负责人 陈思远 · 生效日期 2026-01-01 · 下次复审 2027-01-01 · "
        "本页由部门制度数据生成"
    ) in finance
    assert "| 1.0 | 2026-01-01 | 陈思远 | 依据制度原文第五章" in finance
    home = pages["handbook/index.md"]
    assert "由部门制度数据生成" in home and "policies/" not in home.split("## ")[0]
    assert "## 最近的修订" in home and "[财务管理](finance.md) | 1.0 | 陈思远" in home
    for text in pages.values():
        assert "Code only" not in text and "初始化" not in text
    # A tarball without history still builds: the baselines need no proof.
    book, problems = _book(factory.root, ledger=False)
    assert _errors(problems) == [] and "## 修订记录" in handbook_pages(book)["handbook/finance.md"]


# -- pages and pieces ----------------------------------------------------------------------------
def test_group_and_process_pages_link_people_kpis_roles_and_steps():
    book, _ = _book(REPO)
    pages = handbook_pages(book)
    promotion = pages["handbook/org/promotion.md"]
    for text in (
        "周婷",
        "赵敏",
        "[点击率](../../kpi/ctr.md)",
        "[网络推广流程](../processes/promotion.md)",
        "推广专员 → 高级推广专员",
    ):
        assert text in promotion
    content = pages["handbook/processes/content.md"]
    assert '<div class="smilepress-diagram"><svg' in content and "退回修改" in content
    assert (
        "| 3. 审核修改 | [口腔医师](../roles.md#dentist)、[部门经理](../roles.md#manager) |"
        in content
    )
    org = pages["handbook/org/index.md"]
    assert org.count("<svg") == 1 and "网络推广组" in org and "医务部" in org
    assert "| 预算执行偏差 | 工作业绩 | 15% | — |" in pages["handbook/personnel.md"]


def test_handwritten_pages_embed_generated_pieces_and_bad_embeds_are_named():
    book, _ = _book(REPO)
    text = (
        "前言\n\n<!-- handbook: steps content -->\n\n"
        "<!-- handbook: duties service -->\n<!-- handbook: role writer -->\n"
    )
    out, problems = expand_embeds(text, "content/handbook/x.md", "handbook/x.md", book)
    assert problems == []
    assert (
        "| 1. 选题策划 | [内容策划](roles.md#writer) |" in out
        and "处理用户的投诉和建议" in out
        and "**内容策划**（`writer`）" in out
    )
    bad = "a\n<!-- handbook: steps marketing -->\n<!-- handbook: chart content -->\n"
    _, problems = expand_embeds(bad, "content/handbook/x.md", "handbook/x.md", book)
    assert [(p.line, p.message) for p in problems] == [
        (2, "嵌入 steps 的参数 'marketing' 无效"),
        (3, "未知的嵌入类型 'chart'"),
    ]
    out, problems = strip_embeds(text, "content/index.md")
    assert (
        "handbook" not in out and len(problems) == 3 and "公开页面不能嵌入" in problems[0].message
    )


def test_the_handbook_is_built_for_staff_searchable_in_words_and_never_public(factory, caplog):
    shutil.copytree(REPO / "data", factory.root / "data")
    factory.commit_all("数据", "chensiyuan")  # data/ is governed: the manager signs
    factory.page("index.md", title="首页", body="欢迎。")
    guide = factory.page(
        "guide.md",
        title="指南",
        body=(
            "流程如下：\n\n<!-- handbook: flowchart content -->\n\n"
            "<!-- handbook: flowchart sales -->\n"
        ),
    )
    assert main(["--as-of", "2026-11-28", "build", "--profile", "internal"]) == 0
    bad_line = (
        guide.read_text(encoding="utf-8").splitlines().index("<!-- handbook: flowchart sales -->")
        + 1
    )
    assert f"content/guide.md:{bad_line}:1: 错误: 嵌入 flowchart 的参数 'sales' 无效" in caplog.text
    site = factory.root / "site/internal"
    assert "<svg" in (site / "handbook/org/index.html").read_text(encoding="utf-8")
    assert "内容策划流程流程图" in (site / "guide/index.html").read_text(encoding="utf-8")
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    words = {w for doc in index["docs"] for w in doc["text"].split("\u200b")}
    assert {"医疗广告审查证明", "部门经理", "报销"} <= words  # whole words, not single characters
    assert main(["--as-of", "2026-11-28", "build", "--profile", "public"]) == 0
    public = factory.root / "site/public"
    assert not (public / "handbook").exists()
    everything = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in public.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".xml")
    )
    for trace in (
        "员工手册",
        "handbook/",
        "内容策划流程",
        "医疗广告审查证明，",
        "smilepress-diagram",
    ):
        assert trace not in everything


def test_the_handbook_command_reports_problems_and_fails_on_errors(factory, capsys):
    assert main(["--as-of", "2026-11-28", "handbook"]) == 0
    out = capsys.readouterr()
    assert "9/9 个制度文件可用" in out.out and "错误 0 个，已过复审日期 1 项" in out.out
    line = factory.replace(
        "policies/processes.yml",
        "owner: analyst\n        inputs: [月度渠道数据]",
        "owner: analyts\n        inputs: [月度渠道数据]",
    )
    assert main(["--as-of", "2026-11-28", "handbook"]) == 1
    err = capsys.readouterr().err
    assert (
        f"policies/processes.yml:{line}:1: 错误: 未知的负责角色 'analyts'（是否想写 'analyst'？）"
        in err
    )
    assert "Traceback" not in err
