"""Every bad input gets one clear message (file, line, what to do), and the other files still load."""
from __future__ import annotations

import pytest

from smilepress.cli import main
from smilepress.project import Project

GOOD = "title: 甲\ntype: education\nstatus: draft\nauthor: lixiaoyu\n"


def problems_of(factory, rel: str, text: str | bytes):
    path = factory.root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    (article,) = [a for a in Project(factory.root).articles if a.path == f"content/{rel}"]
    return [p for p in article.problems if p.level == "error"]


def one_problem(factory, text, rel="education/x.md"):
    problems = problems_of(factory, rel, text)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.path == f"content/{rel}"
    assert problem.hint, "every message says what to do"
    return problem


@pytest.mark.parametrize(("front", "line", "words"), [
    (GOOD.replace("draft", "reviewing"), 4, ["未知的状态", "reviewing"]),
    (GOOD.replace("draft", "Published"), 4, ["Published", "'published'"]),
    (GOOD.replace("education", "blog"), 3, ["未知的内容类型", "blog"]),
    (GOOD.replace("lixiaoyu", "lixiaoyuu"), 5, ["未知人员", "lixiaoyu"]),
    (GOOD.replace("author: lixiaoyu", "author: [lixiaoyu, nobody]"), 5, ["nobody"]),
    (GOOD + "publish_date: 2026-13-01\n", 6, ["日期", "YYYY-MM-DD"]),
    (GOOD + "publish_date: 2026/12/01\n", 6, ["日期"]),
    (GOOD + "expiry_date: 明天\n", 6, ["日期"]),
    (GOOD + "title: 乙\n", 6, ["重复", "第一次在第 2 行"]),
    (GOOD + "titel: 乙\n", 6, ["未知字段", "'title'"]),
    (GOOD + "slug: 中文\n", 6, ["slug"]),
    (GOOD + "channels: [website, tiktok]\n", 6, ["tiktok"]),
    (GOOD + "audience: internal\n", 6, ["internal"]),
    (GOOD + "approvals: yes\n", 6, ["approvals"]),
    (GOOD + "approvals:\n  - {by: wangliming, role: dentist}\n", 7, ["批准格式"]),
    (GOOD + "tags:\n\t- a\n", 7, ["制表符"]),
    (GOOD + "description: [不成对\n", 7, ["YAML"]),
    ("- title\n- type\n", 2, ["映射", "列表"]),
    ("就是一句话\n", 2, ["映射"]),
])
def test_bad_front_matter(factory, front, line, words):
    problem = one_problem(factory, f"---\n{front}---\n\n正文\n")
    assert problem.line == line, str(problem)
    for word in words:
        assert word in str(problem), str(problem)


def test_anchors_and_aliases_are_refused_before_they_expand(factory):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    problem = one_problem(factory, f"---\n{GOOD}{bomb}---\n\n正文\n")
    assert "锚点" in problem.message and problem.line == 6


@pytest.mark.parametrize(("text", "line", "word"), [
    ("正文，没有 front matter。\n", 1, "没有 front matter"),
    (f"---\n{GOOD}\n正文，忘了结束。\n", 1, "没有结束"),
    ("", 1, "空"),
    ("  \n\n\t\n", 1, "空"),
])
def test_bad_file_shapes(factory, text, line, word):
    problem = one_problem(factory, text)
    assert problem.line == line and word in problem.message


@pytest.mark.parametrize(("encoding", "name"), [("gbk", "GBK"), ("big5", "Big5"), ("utf-16", "UTF-16")])
def test_files_not_in_utf8_say_which_encoding_they_look_like(factory, encoding, name):
    text = f"---\n{GOOD}---\n\n种植牙术后护理：术后当天不要刷手术区域，饭后用温盐水漱口。\n"
    if encoding == "big5":
        text = text.replace("种植牙术后护理", "種植牙術後護理").replace("术后当天不要刷手术区域", "術後當天不要刷手術區域")
        text = text.replace("饭后用温盐水漱口", "飯後用溫鹽水漱口")
    problem = one_problem(factory, text.encode(encoding))
    assert name in problem.message and "UTF-8" in problem.hint


def test_a_50_mb_file_is_refused_without_reading_it(factory):
    path = factory.root / "content" / "education" / "huge.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(f"---\n{GOOD}---\n".encode())
        handle.truncate(50 * 1024 * 1024)
    (article,) = Project(factory.root).articles
    (problem,) = article.problems
    assert "过大" in problem.message and "50.0 MB" in problem.message


def test_bom_and_crlf_files_are_fine(factory):
    assert problems_of(factory, "education/bom.md", ("\ufeff---\n" + GOOD + "---\n\n正文\n").encode("utf-8")) == []
    crlf = ("---\n" + GOOD + "---\n\n正文\n").replace("\n", "\r\n")
    assert problems_of(factory, "education/crlf.md", crlf) == []


def test_required_fields_per_type(factory):
    ad = one_problem(factory, "---\ntitle: 广告\ntype: ad\nstatus: draft\nauthor: zhouting\n---\n\n> 广告\n", "ads/a.md")
    assert "ad_approval_number" in ad.message
    case = one_problem(factory, "---\ntitle: 病例\ntype: case\nstatus: draft\nauthor: sunhao\n---\n\n正文\n", "cases/c.md")
    assert "consent_ref" in case.message


def test_one_bad_file_does_not_stop_the_others(factory, capsys):
    factory.article("education/good1.md", title="好文章一")
    factory.article("faq/good2.md", title="好问答二", type="faq", author="wujia")
    factory.write("content/education/bad.md", "---\ntitle: [坏\n---\n")
    factory.write("content/education/gbk.md", "---\ntitle: 坏\n---\n".encode("gbk").decode("latin-1"))
    (factory.root / "content/education/gbk.md").write_bytes("---\ntitle: 编码\n---\n".encode("gbk"))
    project = Project(factory.root)
    good = [a for a in project.articles if a.ok]
    assert {a.path for a in good} == {"content/education/good1.md", "content/faq/good2.md"}
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert "好文章一" in out and "好问答二" in out and "Traceback" not in out + err


def test_commands_on_a_broken_file_refuse_and_change_nothing(factory, capsys):
    path = factory.write("content/education/bad.md", "---\ntitle: 坏\ntype: education\nstatus: Draft\nauthor: lixiaoyu\n---\n\n正文\n")
    factory.commit_all("坏文件", "lixiaoyu")
    before = path.read_bytes()
    with factory.acting_as("lixiaoyu"):
        assert main(["submit", "content/education/bad.md"]) == 1
    out, err = capsys.readouterr()
    assert "content/education/bad.md:4" in err and "Traceback" not in out + err
    assert path.read_bytes() == before
    assert main(["show", "content/education/bad.md"]) == 0
    assert "未知的状态 'Draft'" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["submit", "content/nope.md"], ["show", "README.md"], ["log", "content"]])
def test_wrong_paths_get_a_clear_answer(factory, capsys, argv):
    (factory.root / "README.md").write_text("x", encoding="utf-8")
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert err.startswith("错误：") and "Traceback" not in out + err


def test_outside_a_project(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["list"]) == 1
    assert "policies/workflow.yml" in capsys.readouterr().err


def test_bad_as_of_date(factory, capsys):
    assert main(["--as-of", "2026-02-30", "list"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.parametrize(("extra", "word"), [
    ('run: !!python/object/apply:os.system ["echo hi"]\n', "constructor"),
    ("deep: " + "[" * 3000 + "]" * 3000 + "\n", "嵌套"),
    ("nul: a\x00b\n", "YAML"),
    ("? [a, b]\n: c\n", "键"),
])
def test_hostile_yaml_is_refused_cleanly(factory, extra, word):
    problem = one_problem(factory, f"---\n{GOOD}{extra}---\n\n正文\n")
    assert word in problem.message


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=400),
                 st.text(max_size=400).map(lambda t: ("---\n" + t).encode("utf-8", "surrogatepass")),
                 st.lists(st.sampled_from(["---", "title: 甲", "type: faq", "status: draft", "author: wujia",
                                           "  - x", "tags: [", "approvals:", "- {by: a}", "\t", "&a [1]", "*a", ""]),
                          max_size=12).map(lambda ls: "\n".join(ls).encode())))
def test_no_input_makes_the_loader_raise(factory, data):
    path = factory.root / "content" / "fuzz.md"
    path.write_bytes(data)
    article = Project(factory.root).load(path)
    for problem in article.problems:
        assert problem.path == "content/fuzz.md" and problem.line >= 1 and problem.message
