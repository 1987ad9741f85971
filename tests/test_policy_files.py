"""policies/*.yml are validated with messages that point at the line; the real ones are clean."""
from __future__ import annotations

import pytest

from conftest import REPO
from smilepress.errors import SmilePressError
from smilepress.policies import load_policies


def test_the_repositorys_policies_load():
    policies = load_policies(REPO)
    assert set(policies.types) == {"education", "ad", "faq", "case", "page"}
    assert policies.types["ad"].approvals == ("dentist", "manager", "compliance")
    assert all(p.email.endswith("@example.com") for p in policies.people.values())


def _break(factory, name, old, new):
    path = factory.root / "policies" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SmilePressError) as caught:
        load_policies(factory.root)
    return caught.value.problems, text.replace(old, new, 1).splitlines()


@pytest.mark.parametrize(("name", "old", "new", "word", "line_has"), [
    ("people.yml", "roles: [manager]", "roles: [boss]", "boss", "roles: [boss]"),
    ("people.yml", "email: liufang@example.com", "email: wangliming@example.com", "已属于", "email: wangliming"),
    ("people.yml", "    email: zhaomin@example.com\n", "", "email", "zhaomin:"),
    ("people.yml", "    group: 医务部\n    public: true\n  liufang", "    grop: 医务部\n    public: true\n  liufang",
     "'group'", "grop:"),
    ("workflow.yml", "to: review", "to: reviewing", "reviewing", "to: reviewing"),
    ("workflow.yml", "approvals: [dentist, manager]", "approvals: [dentist, managr]", "'manager'", "managr"),
    ("workflow.yml", "  publish:\n    from: [approved]", "  publsh:\n    from: [approved]", "publish", "transitions:"),
    ("workflow.yml", "timezone: Asia/Shanghai", "timezone: Asia/Beijing", "时区", "timezone:"),
    ("roles.yml", "  dentist:\n    name: 口腔医师", "  dentist:\n    name: [口腔医师", "YAML", None),
])
def test_broken_policy_files_point_at_the_line(factory, name, old, new, word, line_has):
    problems, lines = _break(factory, name, old, new)
    mine = [p for p in problems if p.path == f"policies/{name}" and word in str(p)]
    assert mine, [str(p) for p in problems]
    if line_has:
        assert line_has in lines[mine[0].line - 1], (str(mine[0]), lines[mine[0].line - 1])


def test_a_missing_policy_file_is_named(factory):
    (factory.root / "policies" / "roles.yml").unlink()
    with pytest.raises(SmilePressError) as caught:
        load_policies(factory.root)
    assert any(p.path == "policies/roles.yml" and "缺少" in p.message for p in caught.value.problems)
