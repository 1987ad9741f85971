"""Bad input: every bad file gets ONE clear error (file, line, in Chinese, with a hint), never a
traceback, and the other files of the project are still loaded.

Line numbers below are file lines. `factory.article(...)` writes:
    1 ---   2 title   3 type   4 status   5 author   6.. extra
    then ---, a blank line and the body.
"""

from __future__ import annotations

import re
import tracemalloc

import pytest

from smilepress.cli import main
from smilepress.project import Project

CJK = re.compile(r"[\u4e00-\u9fff]")
GOOD_FIELDS = "title: 种植牙术后护理\ntype: education\nstatus: draft\nauthor: lixiaoyu\n"
GOOD_DOC = f"---\n{GOOD_FIELDS}---\n\n种植牙术后当天不要刷手术区域，饭后用温盐水漱口。\n"
GOOD_REL = "content/education/good.md"


# -- helpers ---------------------------------------------------------------------------------------


def _write_bytes(factory, rel: str, data: bytes):
    path = factory.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def load_all(factory) -> dict:
    return {a.path: a for a in Project(factory.root).articles}


def the_problem(factory, rel: str):
    """Load the project (which also holds a good article) and return the one error of `rel`."""
    factory.article("education/good.md", title="好文章")
    articles = load_all(factory)
    good = articles[GOOD_REL]
    assert good.ok and good.problems == (), [
        str(p) for p in good.problems
    ]  # the other file still loads
    assert good.title == "好文章"
    errors = [p for p in articles[rel].problems if p.level == "error"]
    assert len(errors) == 1, [str(p) for p in articles[rel].problems]
    problem = errors[0]
    assert problem.path == rel, str(problem)
    assert CJK.search(problem.message), f"message should be in Chinese: {problem}"
    assert problem.hint, f"every message says what to do: {problem}"
    assert "Traceback" not in str(problem)
    return problem


def article_problem(factory, extra: str = "", **fields):
    rel = "content/education/x.md"
    factory.article(
        "education/x.md", title=fields.pop("title", "种植牙术后护理"), extra=extra, **fields
    )
    return the_problem(factory, rel)


def file_problem(factory, data: str | bytes, rel: str = "content/education/x.md"):
    _write_bytes(factory, rel, data if isinstance(data, bytes) else data.encode("utf-8"))
    return the_problem(factory, rel)


# -- field values ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["reviewing", "发布", "drafts"])
def test_unknown_status(factory, status):
    problem = article_problem(factory, status=status)
    assert problem.line == 4
    assert "未知的状态" in problem.message and status in problem.message


def test_status_with_a_capital_suggests_the_lowercase_state(factory):
    problem = article_problem(factory, status="Published")
    assert problem.line == 4
    assert "Published" in problem.message
    assert "'published'" in problem.hint


@pytest.mark.parametrize(
    ("type_", "hint_word"), [("blog", None), ("Education", "'education'"), ("advert", None)]
)
def test_unknown_type(factory, type_, hint_word):
    problem = article_problem(factory, type=type_)
    assert problem.line == 3
    assert "未知的内容类型" in problem.message and type_ in problem.message
    if hint_word:
        assert hint_word in problem.hint
    else:
        assert "education" in problem.hint  # lists what is allowed


@pytest.mark.parametrize(
    ("author", "who", "suggest"),
    [
        ("lixiaoyuu", "lixiaoyuu", "'lixiaoyu'"),
        ("nobody", "nobody", "people.yml"),
        ("[lixiaoyu, nobody]", "nobody", "people.yml"),
        ("[sunhao, lixaoyu]", "lixaoyu", "'lixiaoyu'"),
    ],
)
def test_unknown_person_in_author(factory, author, who, suggest):
    problem = article_problem(factory, author=author)
    assert problem.line == 5
    assert "未知人员" in problem.message and f"'{who}'" in problem.message
    assert suggest in problem.hint


def test_unknown_person_in_a_block_author_list(factory):
    factory.write(
        "content/education/x.md",
        "---\ntitle: 甲\ntype: education\nstatus: draft\n"
        "author:\n  - lixiaoyu\n  - nobody\n---\n\n正文\n",
    )
    problem = the_problem(factory, "content/education/x.md")
    assert problem.line in (5, 7), str(problem)  # the key, or (better) the item
    assert "nobody" in problem.message


@pytest.mark.parametrize("field", ["publish_date", "expiry_date", "review_by"])
@pytest.mark.parametrize("value", ["2026-13-01", "2026/12/01", "明天", "2026-02-30", "12/01/2026"])
def test_bad_dates(factory, field, value):
    problem = article_problem(factory, extra=f"{field}: {value}\n")
    assert problem.line == 6
    assert "日期" in problem.message and value in problem.message and field in problem.message
    assert "YYYY-MM-DD" in problem.hint


def test_a_good_date_is_not_an_error(factory):
    factory.article(
        "education/x.md", title="甲", extra="publish_date: 2026-12-01\nreview_by: '2027-06-01'\n"
    )
    article = load_all(factory)["content/education/x.md"]
    assert article.problems == ()
    assert (
        article.publish_date.isoformat() == "2026-12-01"
        and article.review_by.isoformat() == "2027-06-01"
    )


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("title: 乙\n", "title"),
        ('"status": review\n', "status"),
        ("description: 一\ntags: [a]\ndescription: 二\n", "description"),
    ],
)
def test_duplicate_key_points_at_the_second_occurrence(factory, extra, key):
    problem = article_problem(factory, extra=extra)
    second = 6 + extra.count("\n") - 1
    assert problem.line == second, str(problem)
    assert "重复" in problem.message and f"'{key}'" in problem.message
    first = {"title": 2, "status": 4, "description": 6}[key]
    assert f"第一次在第 {first} 行" in problem.message


def test_unknown_field_suggests_the_right_one(factory):
    problem = article_problem(factory, extra="titel: 乙\n")
    assert problem.line == 6
    assert "未知字段" in problem.message and "'titel'" in problem.message
    assert "'title'" in problem.hint


@pytest.mark.parametrize(
    ("extra", "word"),
    [
        ("descripton: 说明\n", "'description'"),
        ("tag: [a]\n", "'tags'"),
        ("expiry: 2027-01-01\n", "'expiry_date'"),
    ],
)
def test_other_unknown_fields_suggest_too(factory, extra, word):
    problem = article_problem(factory, extra=extra)
    assert problem.line == 6 and "未知字段" in problem.message and word in problem.hint


def test_misspelling_a_required_field_is_one_error(factory):
    factory.write(
        "content/education/x.md",
        "---\ntitel: 种植牙\ntype: education\nstatus: draft\nauthor: lixiaoyu\n---\n\n正文\n",
    )
    problem = the_problem(factory, "content/education/x.md")
    assert problem.line == 2 and "'title'" in problem.hint


def test_ad_without_approval_number(factory):
    factory.article("ads/a.md", title="洗牙特惠", type="ad", author="zhouting")
    problem = the_problem(factory, "content/ads/a.md")
    assert problem.line == 3  # the type line: the type is what requires it
    assert "ad_approval_number" in problem.message and "推广广告" in problem.message


def test_ad_with_an_empty_approval_number(factory):
    factory.article(
        "ads/a.md", title="洗牙特惠", type="ad", author="zhouting", extra="ad_approval_number: ''\n"
    )
    problem = the_problem(factory, "content/ads/a.md")
    assert "ad_approval_number" in problem.message


def test_case_without_consent_ref(factory):
    factory.article("cases/c.md", title="种植牙病例", type="case", author="sunhao")
    problem = the_problem(factory, "content/cases/c.md")
    assert problem.line == 3
    assert "consent_ref" in problem.message and "病例故事" in problem.message


def test_ad_and_case_with_their_fields_are_fine(factory):
    factory.article(
        "ads/a.md",
        title="洗牙特惠",
        type="ad",
        author="zhouting",
        extra="ad_approval_number: 沪医广2026-001\n",
    )
    factory.article(
        "cases/c.md", title="病例", type="case", author="sunhao", extra="consent_ref: ZQ-2026-017\n"
    )
    articles = load_all(factory)
    assert (
        articles["content/ads/a.md"].problems == ()
        and articles["content/cases/c.md"].problems == ()
    )


@pytest.mark.parametrize(
    "slug", ["Zhongzhiya", "zhong_zhi_ya", "种植牙", "-zhongzhiya", "a--b", "a b"]
)
def test_bad_slug(factory, slug):
    problem = article_problem(factory, extra=f"slug: '{slug}'\n")
    assert problem.line == 6
    assert "slug" in problem.message and slug in problem.message and "小写" in problem.message


@pytest.mark.parametrize("channels", ["[website, tiktok]", "tiktok", "\n  - website\n  - tiktok"])
def test_unknown_channel(factory, channels):
    problem = article_problem(factory, extra=f"channels: {channels}\n")
    assert problem.line == 6
    assert (
        "未知渠道" in problem.message and "tiktok" in problem.message and "wechat" in problem.hint
    )


def test_internal_audience_on_an_education_article(factory):
    problem = article_problem(factory, extra="audience: internal\n")
    assert problem.line == 6
    assert "internal" in problem.message and "page" in problem.message


def test_internal_audience_is_fine_on_a_page(factory):
    factory.article("pages/p.md", title="员工须知", type="page", extra="audience: internal\n")
    assert load_all(factory)["content/pages/p.md"].problems == ()


@pytest.mark.parametrize("value", ["yes", "wangliming", "'[]'"])
def test_approvals_that_is_not_a_list(factory, value):
    problem = article_problem(factory, extra=f"approvals: {value}\n")
    assert problem.line == 6
    assert "approvals" in problem.message and "列表" in problem.message
    assert "smilepress approve" in problem.hint


@pytest.mark.parametrize(
    "value", ["{by: wangliming, role: dentist}", "\n  by: wangliming\n  role: dentist"]
)
def test_approvals_that_is_a_mapping(factory, value):
    problem = article_problem(factory, extra=f"approvals: {value}\n")
    assert problem.line == 6 and "列表" in problem.message


def test_an_approval_missing_its_digest(factory):
    extra = (
        "approvals:\n"
        "  - {by: wangliming, role: dentist, at: '2026-11-20T10:00:00+08:00', "
        "digest: 'sha256:00'}\n"
        "  - {by: chensiyuan, role: manager, at: '2026-11-21T10:00:00+08:00'}\n"
    )
    problem = article_problem(factory, extra=extra)
    assert problem.line == 8  # the second item
    assert "第 2 条批准" in problem.message and "digest" in problem.message


def test_an_approval_that_is_not_a_mapping(factory):
    problem = article_problem(factory, extra="approvals:\n  - wangliming\n")
    assert problem.line == 7 and "第 1 条批准" in problem.message


# -- the shape of the file -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "words"),
    [
        ("- title\n- type\n", ["映射", "列表"]),
        ("就是一句话\n", ["映射"]),
        ("42\n", ["映射"]),
    ],
)
def test_front_matter_that_is_not_a_mapping(factory, front, words):
    problem = file_problem(factory, f"---\n{front}---\n\n正文\n")
    assert problem.line == 2
    for word in words:
        assert word in problem.message


def test_empty_front_matter(factory):
    problem = file_problem(factory, "---\n---\n\n正文\n")
    assert problem.line == 2 and "空" in problem.message


def test_front_matter_not_closed(factory):
    problem = file_problem(factory, f"---\n{GOOD_FIELDS}\n正文，忘了写结束的 ---。\n")
    assert problem.line == 1
    assert "没有结束" in problem.message and "---" in problem.hint


def test_no_front_matter_at_all(factory):
    problem = file_problem(factory, "# 种植牙术后护理\n\n正文，没有 front matter。\n")
    assert problem.line == 1
    assert "没有 front matter" in problem.message and "---" in problem.hint


def test_gbk_file(factory):
    problem = file_problem(factory, GOOD_DOC.encode("gbk"))
    assert problem.line == 2  # the first line with a non-ASCII byte (the title)
    assert "UTF-8" in problem.message and "GBK" in problem.message
    assert "UTF-8" in problem.hint


def test_gbk_is_reported_on_the_line_of_the_first_chinese_character(factory):
    doc = (
        "---\ntitle: x\ntype: education\nstatus: draft\nauthor: lixiaoyu\n---\n\n"
        "种植牙术后当天不要刷手术区域，饭后用温盐水漱口。\n"
    )
    problem = file_problem(factory, doc.encode("gbk"))
    assert problem.line == 8 and "GBK" in problem.message


def test_a_short_gbk_file_is_named_gbk(factory):
    problem = file_problem(
        factory,
        "---\ntitle: 甲\ntype: education\nstatus: draft\nauthor: lixiaoyu\n---\n\n正文。\n".encode(
            "gbk"
        ),
    )
    assert "GBK" in problem.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file(factory, encoding):
    problem = file_problem(factory, GOOD_DOC.encode(encoding))
    assert "UTF-16" in problem.message and "UTF-8" in problem.hint
    if encoding == "utf-16":  # with a BOM: the very first bytes are wrong
        assert problem.line == 1


@pytest.mark.parametrize("data", [b"", b" ", b"\n\n\n", b"  \n\t\n \r\n"])
def test_empty_or_whitespace_only_file(factory, data):
    problem = file_problem(factory, data)
    assert problem.line == 1 and "空" in problem.message


def test_a_50_mb_file_is_refused_as_too_large(factory):
    path = _write_bytes(factory, "content/education/huge.md", f"---\n{GOOD_FIELDS}---\n\n".encode())
    with open(path, "r+b") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: nothing is written
    problem = the_problem(factory, "content/education/huge.md")
    assert problem.line == 1
    assert "过大" in problem.message and "50.0 MB" in problem.message


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (GOOD_FIELDS + "tags:\n\t- 种植牙\n", 7),
        (GOOD_FIELDS.replace("type:", "\ttype:"), 3),
        (GOOD_FIELDS + "tags:\n  - a\n \t- b\n", 8),
    ],
)
def test_tabs_in_yaml_indentation(factory, fields, line):
    problem = file_problem(factory, f"---\n{fields}---\n\n正文\n")
    assert problem.line == line
    assert "制表符" in problem.message and "空格" in problem.hint


def test_a_tab_inside_a_quoted_value_is_not_indentation(factory):
    factory.write(
        "content/education/x.md", f"---\n{GOOD_FIELDS}description: '术后\t护理'\n---\n\n正文\n"
    )
    article = load_all(factory)["content/education/x.md"]
    assert article.problems == () and article.meta["description"] == "术后\t护理"


def test_a_tab_inside_a_plain_value_is_accepted_or_explained(factory):
    factory.write(
        "content/education/x.md", f"---\n{GOOD_FIELDS}description: 术后\t护理\n---\n\n正文\n"
    )
    problems = load_all(factory)["content/education/x.md"].problems
    assert problems == () or (
        len(problems) == 1 and problems[0].line == 6 and "制表符" in problems[0].message
    )


def test_billion_laughs_is_refused_without_expanding(factory):
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    doc = f"---\n{GOOD_FIELDS}" + "\n".join(levels) + "\n---\n\n正文\n"
    tracemalloc.start()
    try:
        problem = file_problem(factory, doc)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problem.line == 6  # the first anchor
    assert "锚点" in problem.message or "别名" in problem.message
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_a_lone_alias_is_refused_too(factory):
    problem = article_problem(factory, extra="description: *nothing\n")
    assert problem.line == 6 and "别名" in problem.message


def test_yaml_syntax_error_names_the_line(factory):
    problem = article_problem(factory, extra="description: [不成对\ntags: [a]\n")
    assert problem.line in (6, 7)
    assert "YAML" in problem.message


# -- fine inputs -----------------------------------------------------------------------------------


def test_utf8_bom_file_parses_fine(factory):
    _write_bytes(factory, "content/education/bom.md", GOOD_DOC.encode("utf-8-sig"))
    article = load_all(factory)["content/education/bom.md"]
    assert article.problems == ()
    assert article.title == "种植牙术后护理" and article.status == "draft"


def test_crlf_file_parses_fine(factory):
    _write_bytes(factory, "content/education/crlf.md", GOOD_DOC.replace("\n", "\r\n").encode())
    article = load_all(factory)["content/education/crlf.md"]
    assert article.problems == ()
    assert article.title == "种植牙术后护理" and article.authors == ("lixiaoyu",)
    assert article.body.strip() == "种植牙术后当天不要刷手术区域，饭后用温盐水漱口。"


@pytest.mark.parametrize(
    "transform",
    [
        lambda s: s.replace("\n", "\r\n").encode(),
        lambda s: s.encode("utf-8-sig"),
        lambda s: s.replace("\n", "\r\n").encode("utf-8-sig"),
    ],
    ids=["crlf", "bom", "bom+crlf"],
)
def test_line_numbers_stay_right_with_bom_and_crlf(factory, transform):
    doc = f"---\n{GOOD_FIELDS.replace('draft', 'drafty')}slug: 坏\n---\n\n正文\n"
    _write_bytes(factory, "content/education/x.md", transform(doc))
    problems = sorted(load_all(factory)["content/education/x.md"].problems, key=lambda p: p.line)
    assert [(p.line, p.path) for p in problems] == [
        (4, "content/education/x.md"),
        (6, "content/education/x.md"),
    ]
    assert "drafty" in problems[0].message and "slug" in problems[1].message


# -- a project with bad files ----------------------------------------------------------------------

BAD_FILES = {
    "content/education/bad-status.md": (
        f"---\n{GOOD_FIELDS.replace('draft', 'Published')}---\n\n正文\n"
    ).encode(),
    "content/education/bad-yaml.md": "---\ntitle: [坏\n---\n".encode(),
    "content/education/bad-gbk.md": GOOD_DOC.replace("种植牙术后护理", "编码错误").encode("gbk"),
    "content/education/bad-open.md": f"---\n{GOOD_FIELDS}\n没有结束\n".encode(),
    "content/education/bad-empty.md": b"",
}


def _project_with_bad_files(factory):
    factory.article("education/good1.md", title="好文章一")
    factory.article("faq/good2.md", title="好问答二", type="faq", author="wujia")
    for rel, data in BAD_FILES.items():
        _write_bytes(factory, rel, data)


def test_one_bad_file_and_two_good_ones(factory):
    factory.article("education/good1.md", title="好文章一")
    factory.article("faq/good2.md", title="好问答二", type="faq", author="wujia")
    factory.write(
        "content/education/bad.md",
        "---\ntitle: 坏\ntype: education\nstatus: Draft\nauthor: lixiaoyu\n---\n",
    )
    articles = load_all(factory)
    assert set(articles) == {
        "content/education/good1.md",
        "content/faq/good2.md",
        "content/education/bad.md",
    }
    assert (
        articles["content/education/good1.md"].problems == ()
        and articles["content/faq/good2.md"].problems == ()
    )
    assert articles["content/education/good1.md"].title == "好文章一"
    assert articles["content/faq/good2.md"].type == "faq"
    assert len(articles["content/education/bad.md"].problems) == 1


def test_many_bad_files_each_get_their_own_single_problem(factory):
    _project_with_bad_files(factory)
    articles = load_all(factory)
    good = {p for p, a in articles.items() if a.ok}
    assert good == {"content/education/good1.md", "content/faq/good2.md"}
    for rel in BAD_FILES:
        assert len(articles[rel].problems) == 1 and articles[rel].problems[0].path == rel


def test_cli_list_with_bad_files(factory, capsys):
    _project_with_bad_files(factory)
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert "好文章一" in out and "好问答二" in out
    assert "content/education/good1.md" in out and "content/faq/good2.md" in out
    assert "Traceback" not in out + err and "内部错误" not in out + err


def test_cli_list_json_reports_the_problems(factory, capsys):
    import json

    _project_with_bad_files(factory)
    assert main(["list", "--format", "json"]) == 0
    rows = {r["path"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["content/education/good1.md"]["problems"] == []
    assert any(
        "content/education/bad-status.md:4" in p
        for p in rows["content/education/bad-status.md"]["problems"]
    )
    assert any("GBK" in p for p in rows["content/education/bad-gbk.md"]["problems"])


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        (
            "content/education/bad-status.md",
            ["content/education/bad-status.md:4", "Published", "'published'"],
        ),
        ("content/education/bad-gbk.md", ["content/education/bad-gbk.md:2", "GBK"]),
        ("content/education/bad-open.md", ["content/education/bad-open.md:1", "没有结束"]),
        ("content/education/bad-yaml.md", ["content/education/bad-yaml.md:", "YAML"]),
        ("content/education/bad-empty.md", ["content/education/bad-empty.md:1", "空"]),
    ],
)
def test_cli_show_prints_the_problem(factory, capsys, rel, expected):
    _project_with_bad_files(factory)
    assert main(["show", rel]) == 0
    out, err = capsys.readouterr()
    for word in expected:
        assert word in out, out
    assert "不收录" in out
    assert "Traceback" not in out + err and "内部错误" not in out + err


@pytest.mark.parametrize(
    "rel",
    [
        "content/education/bad-status.md",
        "content/education/bad-gbk.md",
        "content/education/bad-open.md",
    ],
)
def test_cli_submit_on_a_broken_file_refuses_and_changes_nothing(factory, capsys, rel):
    _project_with_bad_files(factory)
    factory.commit_all("坏文件", "lixiaoyu")
    path = factory.root / rel
    before = path.read_bytes()
    head = factory.git("rev-parse", "HEAD")
    with factory.acting_as("lixiaoyu"):
        assert main(["submit", rel]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("错误：") and rel in err and "文件有错误" in err
    assert "Traceback" not in out + err and "内部错误" not in out + err
    assert path.read_bytes() == before
    assert factory.git("rev-parse", "HEAD") == head  # nothing committed
    assert factory.git("status", "--porcelain") == ""


def test_cli_submit_on_a_broken_file_by_absolute_path(factory, capsys):
    _project_with_bad_files(factory)
    factory.commit_all("坏文件", "lixiaoyu")
    path = factory.root / "content/education/bad-status.md"
    before = path.read_bytes()
    with factory.acting_as("lixiaoyu"):
        assert main(["submit", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "content/education/bad-status.md:4" in err and "Traceback" not in out + err
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "command", [["submit"], ["show"], ["publish"], ["approve", "--role", "dentist"]]
)
def test_cli_on_a_nonexistent_file(factory, capsys, command):
    with factory.acting_as("lixiaoyu"):
        assert main([*command, "content/education/nope.md"]) == 1
    out, err = capsys.readouterr()
    assert "找不到文件" in err and "content/education/nope.md" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("command", [["list"], ["show", "x.md"], ["submit", "x.md"]])
def test_cli_outside_a_project(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.md").write_text(GOOD_DOC, encoding="utf-8")
    assert main(command) == 1
    out, err = capsys.readouterr()
    assert "policies/workflow.yml" in err and "不是 SmilePress 项目" in err
    assert "Traceback" not in out + err


# -- bugs: inputs that crash the whole project -----------------------------------------------------


@pytest.mark.parametrize("key", ["1", "null", "true", "1.5"])
def test_a_non_text_key_is_one_problem_not_a_crash(factory, key):
    problem = article_problem(factory, extra=f"{key}: x\n")
    assert problem.line == 6 and "字段" in problem.message


def test_an_explicit_timestamp_tag_does_not_crash_list(factory, capsys):
    factory.article("education/good.md", title="好文章")
    factory.article(
        "education/x.md", title="甲", extra="publish_date: !!timestamp 2026-12-01T10:00:00\n"
    )
    rc = main(["list"])
    out, err = capsys.readouterr()
    assert rc == 0 and "内部错误" not in err and "好文章" in out


def test_a_list_where_text_is_expected_says_what_to_do(factory):
    problem = article_problem(factory, extra="description: [术后, 护理]\n")
    assert problem.line == 6 and "description" in problem.message


def test_an_internal_error_is_one_line_for_staff_and_an_exception_for_the_test_suite(
    factory, capsys, monkeypatch
):
    from smilepress.cli import commands

    def broken(*args, **kwargs):
        raise RuntimeError("程序缺陷")

    monkeypatch.setattr(commands, "_list", broken)
    with pytest.raises(RuntimeError):  # the suite runs with SMILEPRESS_DEBUG=1 (conftest)
        main(["list"])
    monkeypatch.delenv("SMILEPRESS_DEBUG")
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert "内部错误：RuntimeError: 程序缺陷" in err and "Traceback" not in err
