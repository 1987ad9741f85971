"""policies/*.yml: every mistake is reported against the right file and line, in Chinese, with a
hint where one helps; the repository's own policies are clean."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from smilepress.errors import SmilePressError
from smilepress.load.source import read_source
from smilepress.load.strict_yaml import Loaded, load_yaml
from smilepress.model.policies import load_policies

CJK = re.compile(r"[\u4e00-\u9fff]")


# -- the real policies -----------------------------------------------------------------------------


def test_the_real_policies_load_without_problems():
    p = load_policies(REPO)
    assert set(p.roles) == {
        "manager",
        "dentist",
        "compliance",
        "writer",
        "promoter",
        "service",
        "analyst",
    }
    assert set(p.states) == {"draft", "review", "approved", "published", "archived"}
    assert p.publishable_states == frozenset({"approved", "published"})
    assert set(p.transitions) >= {"submit", "approve", "request-changes", "publish", "archive"}
    assert (
        p.transitions["publish"].by == ("manager",) and p.transitions["publish"].dest == "published"
    )
    assert p.types["case"].required_fields == ("consent_ref",)
    assert p.types["ad"].required_fields == ("ad_approval_number",)
    assert p.timezone == "Asia/Shanghai" and p.review_warning_days == 30
    assert "website" in p.channels
    assert len(p.people) == 9 and len(p.by_email) == 9  # every e-mail distinct
    for person in p.people.values():
        assert set(person.roles) <= set(p.roles)
        assert p.person_by_email(person.email.upper()) is person


@pytest.mark.parametrize("name", ["roles.yml", "people.yml", "workflow.yml"])
def test_the_real_policy_files_are_strict_yaml(name):
    source, problems = read_source(REPO, f"policies/{name}")
    assert source is not None and not problems, problems
    loaded, problems = load_yaml(source.text, f"policies/{name}")
    assert isinstance(loaded, Loaded) and not problems, problems
    assert isinstance(loaded.data, dict) and loaded.data.get("version") == 1


def test_the_factory_copy_loads_too(factory):
    assert load_policies(factory.root).people.keys() == load_policies(REPO).people.keys()


# -- breaking a copy -------------------------------------------------------------------------------


def _break(factory, name: str, old: str, new: str):
    factory.replace(f"policies/{name}", old, new)
    broken = (factory.root / "policies" / name).read_text(encoding="utf-8")
    with pytest.raises(SmilePressError) as caught:
        load_policies(factory.root)
    problems = caught.value.problems
    assert problems, "an error without problems"
    for problem in problems:
        assert CJK.search(problem.message), str(problem)
        assert "Traceback" not in str(problem)
    return problems, broken.splitlines()


def _only(problems, name):
    mine = [p for p in problems if p.path == f"policies/{name}"]
    assert len(mine) == 1 and len(problems) == 1, [str(p) for p in problems]
    return mine[0]


CASES = [
    # id, file, old, new, words in the problem, text on the problem's line
    (
        "unknown role of a person",
        "people.yml",
        "roles: [manager]",
        "roles: [boss]",
        ["未知的角色", "'boss'"],
        "roles: [boss]",
    ),
    (
        "misspelt role of a person",
        "people.yml",
        "    roles: [compliance]",
        "    roles: [compliance, dentst]",
        ["'dentst'", "'dentist'"],
        "dentst",
    ),
    (
        "unknown role in a block list",
        "people.yml",
        "    roles: [service]",
        "    roles:\n      - service\n      - cook",
        ["'cook'"],
        "- cook",
    ),
    (
        "duplicate email",
        "people.yml",
        "email: liufang@example.com",
        "email: wangliming@example.com",
        ["已属于", "wangliming"],
        "email: wangliming@example.com",
    ),
    (
        "duplicate email, other case",
        "people.yml",
        "email: sunhao@example.com",
        "email: LiXiaoYu@Example.com",
        ["已属于"],
        "email: LiXiaoYu@Example.com",
    ),
    (
        "missing email",
        "people.yml",
        "    email: zhaomin@example.com\n",
        "",
        ["zhaomin", "email"],
        "  zhaomin:",
    ),
    (
        "email without @",
        "people.yml",
        "email: wujia@example.com",
        "email: wujia.example.com",
        ["wujia", "email"],
        "email: wujia.example.com",
    ),
    (
        "unknown key of a person",
        "people.yml",
        "    group: 数据分析组",
        "    grop: 数据分析组",
        ["未知字段", "'grop'", "'group'"],
        "grop:",
    ),
    (
        "unknown state in to",
        "workflow.yml",
        "to: review",
        "to: reviewing",
        ["未知的状态", "'reviewing'", "'review'"],
        "to: reviewing",
    ),
    (
        "unknown state in from",
        "workflow.yml",
        "    from: [approved]\n    to: published",
        "    from: [aproved]\n    to: published",
        ["'aproved'", "'approved'"],
        "from: [aproved]",
    ),
    (
        "unknown role in by",
        "workflow.yml",
        "    by: [manager]\n  archive:",
        "    by: [managr]\n  archive:",
        ["未知的角色", "'managr'", "'manager'"],
        "by: [managr]",
    ),
    (
        "unknown role in approvals of a type",
        "workflow.yml",
        "approvals: [dentist, manager, compliance]",
        "approvals: [dentist, manager, legal]",
        ["未知的角色", "'legal'"],
        "approvals: [dentist, manager, legal]",
    ),
    (
        "unknown state in publishable_states",
        "workflow.yml",
        "publishable_states: [approved, published]",
        "publishable_states: [approved, publised]",
        ["'publised'", "'published'"],
        "publishable_states:",
    ),
    (
        "unknown key at the top",
        "workflow.yml",
        "review_warning_days: 30",
        "review_warning_day: 30",
        ["未知字段", "'review_warning_day'", "'review_warning_days'"],
        "review_warning_day: 30",
    ),
    (
        "unknown key of a transition",
        "workflow.yml",
        "  publish:\n    from: [approved]",
        "  publish:\n    form: [approved]",
        ["未知字段", "'form'", "'from'"],
        "form: [approved]",
    ),
    (
        "unknown key of a type",
        "workflow.yml",
        "    approvals: [dentist]\n",
        "    aprovals: [dentist]\n",
        ["未知字段", "'aprovals'", "'approvals'"],
        "aprovals: [dentist]",
    ),
    (
        "unknown key of a role",
        "roles.yml",
        "    name: 口腔医师",
        "    nmae: 口腔医师",
        ["未知字段", "'nmae'", "'name'"],
        "nmae: 口腔医师",
    ),
    (
        "missing transition publish",
        "workflow.yml",
        "  publish:\n    from: [approved]",
        "  publsh:\n    from: [approved]",
        ["缺少流转 publish"],
        "transitions:",
    ),
    (
        "missing transition archive",
        "workflow.yml",
        "  archive:\n",
        "  retire:\n",
        ["缺少流转 archive"],
        "transitions:",
    ),
    (
        "bad timezone",
        "workflow.yml",
        "timezone: Asia/Shanghai",
        "timezone: Asia/Beijing",
        ["时区", "Asia/Beijing"],
        "timezone: Asia/Beijing",
    ),
    (
        "timezone that is a path",
        "workflow.yml",
        "timezone: Asia/Shanghai",
        "timezone: ../../etc/passwd",
        ["时区"],
        "timezone: ../../etc/passwd",
    ),
    (
        "negative review_warning_days",
        "workflow.yml",
        "review_warning_days: 30",
        "review_warning_days: -1",
        ["review_warning_days"],
        "review_warning_days: -1",
    ),
    (
        "duplicate key",
        "workflow.yml",
        "review_warning_days: 30",
        "review_warning_days: 30\ntimezone: UTC",
        ["重复", "'timezone'", "第一次在第 4 行"],
        "timezone: UTC",
    ),
    (
        "yaml syntax error in people",
        "people.yml",
        "    name: 刘芳",
        "    name: [刘芳",
        ["YAML"],
        None,
    ),
    (
        "yaml syntax error in workflow",
        "workflow.yml",
        "    to: published",
        "    to: published: now",
        ["YAML"],
        "to: published: now",
    ),
    (
        "tab in workflow",
        "workflow.yml",
        "    to: published",
        "\tto: published",
        ["制表符"],
        "\tto: published",
    ),
    (
        "anchor in people",
        "people.yml",
        "roles: [manager]",
        "roles: &r [manager]",
        ["锚点"],
        "roles: &r [manager]",
    ),
    (
        "people not a mapping",
        "people.yml",
        "people:\n  chensiyuan:",
        "people: []\nold:\n  chensiyuan:",
        ["people", "映射"],
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "words", "line_has"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_broken_policy_is_reported_at_its_line(factory, name, old, new, words, line_has):
    problems, lines = _break(factory, name, old, new)
    mine = [p for p in problems if p.path == f"policies/{name}"]
    assert mine, [str(p) for p in problems]
    problem = next((p for p in mine if all(w in str(p) for w in words)), None)
    assert problem is not None, [str(p) for p in problems]
    assert 1 <= problem.line <= len(lines), str(problem)
    if line_has:
        assert line_has in lines[problem.line - 1], (str(problem), lines[problem.line - 1])


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("people.yml", "roles: [manager]", "roles: [boss]"),
        ("people.yml", "email: liufang@example.com", "email: wangliming@example.com"),
        ("workflow.yml", "to: review", "to: reviewing"),
        (
            "workflow.yml",
            "approvals: [dentist, manager, compliance]",
            "approvals: [dentist, manager, legal]",
        ),
        ("workflow.yml", "timezone: Asia/Shanghai", "timezone: Asia/Beijing"),
        ("workflow.yml", "    to: published", "\tto: published"),
    ],
)
def test_one_mistake_is_one_problem(factory, name, old, new):
    problems, _ = _break(factory, name, old, new)
    _only(problems, name)


def test_the_yaml_syntax_error_line_is_the_broken_line(factory):
    problems, lines = _break(
        factory,
        "people.yml",
        "    group: 医务部\n    public: true\n  liufang",
        "    group: 医务部\n    public: true\n  liufang: : :",
    )
    problem = _only(problems, "people.yml")
    assert "liufang" in lines[problem.line - 1] and "YAML" in problem.message


def test_a_hint_names_the_allowed_roles(factory):
    problems, _ = _break(factory, "people.yml", "roles: [manager]", "roles: [boss]")
    hint = _only(problems, "people.yml").hint
    assert all(role in hint for role in ("manager", "dentist", "writer"))


def test_several_mistakes_in_several_files_are_all_reported(factory):
    (factory.root / "policies" / "people.yml").write_text(
        (factory.root / "policies" / "people.yml")
        .read_text(encoding="utf-8")
        .replace("roles: [manager]", "roles: [boss]"),
        encoding="utf-8",
    )
    problems, lines = _break(factory, "workflow.yml", "to: review", "to: reviewing")
    assert {p.path for p in problems} == {"policies/people.yml", "policies/workflow.yml"}
    assert len(problems) == 2


@pytest.mark.parametrize("name", ["roles.yml", "people.yml", "workflow.yml"])
def test_a_missing_policy_file(factory, name):
    (factory.root / "policies" / name).unlink()
    with pytest.raises(SmilePressError) as caught:
        load_policies(factory.root)
    problems = [p for p in caught.value.problems if p.path == f"policies/{name}"]
    assert problems and "缺少策略文件" in problems[0].message and problems[0].line == 1


def test_a_policy_file_in_gbk(factory):
    path = factory.root / "policies" / "people.yml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    with pytest.raises(SmilePressError) as caught:
        load_policies(factory.root)
    problem = _only(caught.value.problems, "people.yml")
    assert "UTF-8" in problem.message and "GBK" in problem.message
    assert problem.line == 1  # the first comment line holds Chinese text


@pytest.mark.parametrize(
    ("text", "word"), [("", "空"), ("- a\n- b\n", "映射"), ("just text\n", "映射")]
)
def test_a_policy_file_that_is_empty_or_not_a_mapping(factory, text, word):
    (factory.root / "policies" / "roles.yml").write_text(text, encoding="utf-8")
    with pytest.raises(SmilePressError) as caught:
        load_policies(factory.root)
    mine = [p for p in caught.value.problems if p.path == "policies/roles.yml"]
    assert mine and word in mine[0].message and mine[0].line == 1


def test_a_crlf_and_bom_policy_file_loads(factory):
    path = factory.root / "policies" / "workflow.yml"
    path.write_bytes(path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8-sig"))
    assert load_policies(factory.root).timezone == "Asia/Shanghai"


def test_line_numbers_are_right_in_a_crlf_policy_file(factory):
    path = factory.root / "policies" / "people.yml"
    text = path.read_text(encoding="utf-8").replace("roles: [manager]", "roles: [boss]")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    with pytest.raises(SmilePressError) as caught:
        load_policies(factory.root)
    problem = _only(caught.value.problems, "people.yml")
    assert "roles: [boss]" in text.splitlines()[problem.line - 1]


# -- bugs ------------------------------------------------------------------------------------------


def test_a_bad_timezone_is_reported_with_the_other_problems(factory):
    path = factory.root / "policies" / "workflow.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "timezone: Asia/Shanghai", "timezone: Asia/Beijing"
        ),
        encoding="utf-8",
    )
    problems, _ = _break(factory, "people.yml", "roles: [manager]", "roles: [boss]")
    assert any("时区" in p.message for p in problems), [str(p) for p in problems]


def test_a_syntax_error_in_roles_yml_does_not_cascade(factory):
    problems, _ = _break(
        factory, "roles.yml", "  dentist:\n    name: 口腔医师", "  dentist:\n    name: [口腔医师"
    )
    assert [p.path for p in problems] == ["policies/roles.yml"], [str(p) for p in problems]


def test_review_warning_days_true_is_refused(factory):
    problems, lines = _break(
        factory, "workflow.yml", "review_warning_days: 30", "review_warning_days: true"
    )
    assert "review_warning_days" in lines[_only(problems, "workflow.yml").line - 1]


def test_an_email_that_is_a_list_is_refused(factory):
    problems, lines = _break(
        factory, "people.yml", "email: zhengkai@example.com", "email: [zhengkai@example.com]"
    )
    assert "email" in lines[_only(problems, "people.yml").line - 1]


def test_a_misspelt_top_level_key_of_people_yml_suggests_the_right_one(factory):
    problems, lines = _break(factory, "people.yml", "\npeople:\n", "\npeopel:\n")
    problem = next(p for p in problems if p.path == "policies/people.yml")
    assert "peopel" in lines[problem.line - 1] and "'people'" in problem.hint
