"""Hostile and random inputs: the loader never raises, and the CLI answers wrong paths and dates
clearly.

The catalogue of ordinary bad inputs is in test_bad_input.py."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def test_traditional_chinese_in_big5_is_named_big5(factory):
    text = f"---\n{GOOD}---\n\n種植牙術後護理：術後當天不要刷手術區域，飯後用溫鹽水漱口。\n"
    problem = one_problem(factory, text.encode("big5"))
    assert "Big5" in problem.message and "UTF-8" in problem.hint


@pytest.mark.parametrize(
    "argv", [["submit", "content/nope.md"], ["show", "README.md"], ["log", "content"]]
)
def test_wrong_paths_get_a_clear_answer(factory, capsys, argv):
    (factory.root / "README.md").write_text("x", encoding="utf-8")
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert err.startswith("错误：") and "Traceback" not in out + err


def test_bad_as_of_date(factory, capsys):
    assert main(["--as-of", "2026-02-30", "list"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "word"),
    [
        ('run: !!python/object/apply:os.system ["echo hi"]\n', "constructor"),
        ("deep: " + "[" * 3000 + "]" * 3000 + "\n", "嵌套"),
        ("nul: a\x00b\n", "YAML"),
        ("? [a, b]\n: c\n", "键"),
    ],
)
def test_hostile_yaml_is_refused_cleanly(factory, extra, word):
    problem = one_problem(factory, f"---\n{GOOD}{extra}---\n\n正文\n")
    assert word in problem.message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: ("---\n" + t).encode("utf-8", "surrogatepass")),
        st.lists(
            st.sampled_from(
                [
                    "---",
                    "title: 甲",
                    "type: faq",
                    "status: draft",
                    "author: wujia",
                    "  - x",
                    "tags: [",
                    "approvals:",
                    "- {by: a}",
                    "\t",
                    "&a [1]",
                    "*a",
                    "",
                ]
            ),
            max_size=12,
        ).map(lambda ls: "\n".join(ls).encode()),
    )
)
def test_no_input_makes_the_loader_raise(factory, data):
    path = factory.root / "content" / "fuzz.md"
    path.write_bytes(data)
    article = Project(factory.root).load(path)
    for problem in article.problems:
        assert problem.path == "content/fuzz.md" and problem.line >= 1 and problem.message
