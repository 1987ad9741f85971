"""The editorial workflow through the command line: every transition, every refusal, and every
reason an approval does not count, in throwaway git repositories."""

from __future__ import annotations

import json

import pytest

from smilepress.cli import main
from smilepress.project import Project
from smilepress.workflow.front_matter_edit import append_to_list

A = "content/education/a.md"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def draft(factory):
    factory.article("education/a.md", title="种植牙术后护理", body="术后 24 小时内不要漱口。")
    factory.commit_all("写稿", "lixiaoyu")
    return factory


def approvals(factory, path=A):
    project = Project(factory.root)
    entry = project.entry(project.load(factory.root / path))
    return entry


def to_review(factory, capsys, path=A):
    with factory.acting_as("lixiaoyu"):
        assert run(capsys, "submit", path)[0] == 0


def approve(factory, capsys, person, role, path=A):
    with factory.acting_as(person):
        return run(capsys, "approve", "--role", role, path)


def test_full_cycle_commits_as_each_person(draft, capsys):
    to_review(draft, capsys)
    code, out, _ = approve(draft, capsys, "wangliming", "dentist")
    assert code == 0 and "仍缺：部门经理" in out
    code, out, _ = approve(draft, capsys, "chensiyuan", "manager")
    assert code == 0 and "批准已齐全" in out
    with draft.acting_as("chensiyuan"):
        assert run(capsys, "publish", A)[0] == 0
        assert run(capsys, "archive", A)[0] == 0
    log = draft.git("log", "--format=%ae|%s", "--", A).splitlines()
    assert log == [
        "chensiyuan@example.com|archive: 种植牙术后护理",
        "chensiyuan@example.com|publish: 种植牙术后护理",
        "chensiyuan@example.com|approve: 种植牙术后护理",
        "wangliming@example.com|approve: 种植牙术后护理",
        "lixiaoyu@example.com|submit: 种植牙术后护理",
        "lixiaoyu@example.com|写稿",
    ]
    text = (draft.root / A).read_text(encoding="utf-8")
    assert "status: archived" in text and text.count("digest:") == 2


def test_request_changes_returns_to_draft_with_reason_in_the_commit(draft, capsys):
    to_review(draft, capsys)
    with draft.acting_as("wangliming"):
        code, out, _ = run(capsys, "request-changes", "--reason", "第二段的时间写错了", A)
    assert code == 0
    assert "status: draft" in (draft.root / A).read_text(encoding="utf-8")
    assert "第二段的时间写错了" in draft.git("log", "-1", "--format=%B")


def test_request_changes_needs_a_reason(draft, capsys):
    to_review(draft, capsys)
    with draft.acting_as("wangliming"):
        code, _, err = run(capsys, "request-changes", "--reason", "  ", A)
    assert code == 1 and "--reason" in err


# (who, command, extra args, state before, word in the refusal)
REFUSALS = [
    ("sunhao", "submit", [], "draft", "只有 作者本人"),  # not an author
    ("lixiaoyu", "submit", [], "review", "只有“草稿、已批准、已发布”状态"),
    ("lixiaoyu", "approve", ["--role", "dentist"], "review", "本文作者"),  # self-approval
    ("liufang", "approve", ["--role", "manager"], "review", "没有“部门经理”角色"),
    ("zhaomin", "approve", ["--role", "compliance"], "review", "不需要“合规专员”批准"),
    ("wangliming", "approve", ["--role", "dentist"], "draft", "只有“审核中、已批准、已发布”状态"),
    ("wangliming", "publish", [], "review", "只有 部门经理"),
    ("chensiyuan", "publish", [], "review", "只有“已批准”状态"),
    ("chensiyuan", "archive", [], "draft", "只有“已批准、已发布”状态"),
    ("lixiaoyu", "request-changes", ["--reason", "x"], "review", "不能执行 request-changes"),
]


@pytest.mark.parametrize(("who", "command", "extra", "state", "word"), REFUSALS)
def test_refused_commands_say_why_and_change_nothing(
    draft, capsys, who, command, extra, state, word
):
    if state == "review":
        to_review(draft, capsys)
    before = (draft.root / A).read_bytes()
    head = draft.git("rev-parse", "HEAD")
    with draft.acting_as(who):
        code, _, err = run(capsys, command, *extra, A)
    assert code == 1
    assert word in err
    assert (draft.root / A).read_bytes() == before
    assert draft.git("rev-parse", "HEAD") == head


def test_unregistered_identity_is_refused(draft, capsys, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "stranger@example.org")
    code, _, err = run(capsys, "submit", A)
    assert code == 1 and "stranger@example.org" in err and "people.yml" in err


def approve_then_edit(draft, capsys):
    """Both approvals made, then the writer changes the body and commits."""
    to_review(draft, capsys)
    approve(draft, capsys, "wangliming", "dentist")
    approve(draft, capsys, "chensiyuan", "manager")
    path = draft.root / A
    path.write_text(
        path.read_text(encoding="utf-8").replace("24 小时", "48 小时"), encoding="utf-8"
    )
    draft.commit_all("改正文", "lixiaoyu")


def test_publish_refused_when_an_approval_went_stale(draft, capsys):
    approve_then_edit(draft, capsys)
    with draft.acting_as("chensiyuan"):
        code, _, err = run(capsys, "publish", A)
    assert code == 1 and "批准不全" in err


def test_an_edited_article_is_resubmitted_and_approved_again(draft, capsys):
    approve_then_edit(draft, capsys)
    assert not approvals(draft).approvals.complete
    to_review(draft, capsys)
    assert approve(draft, capsys, "wangliming", "dentist")[0] == 0
    assert approve(draft, capsys, "chensiyuan", "manager")[0] == 0
    entry = approvals(draft)
    assert entry.approvals.complete and entry.article.status == "approved"
    assert [v.code for v in entry.approvals.verdicts] == ["stale", "stale", "", ""]


def test_reviewer_cannot_approve_uncommitted_changes(draft, capsys):
    to_review(draft, capsys)
    path = draft.root / A
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    code, _, err = approve(draft, capsys, "wangliming", "dentist")
    assert code == 1 and "未提交的改动" in err


# -- why an approval does not count -------------------------------------------------------------


def test_approvals_count_when_made_with_the_tool(draft, capsys):
    to_review(draft, capsys)
    approve(draft, capsys, "wangliming", "dentist")
    approve(draft, capsys, "chensiyuan", "manager")
    entry = approvals(draft)
    assert entry.approvals.complete
    assert all(v.counts for v in entry.approvals.verdicts)


def test_stale_after_any_change_of_title_body_or_published_field(draft, capsys):
    to_review(draft, capsys)
    approve(draft, capsys, "wangliming", "dentist")
    path = draft.root / A
    original = path.read_text(encoding="utf-8")
    for changed in (
        original.replace("种植牙术后护理", "种植牙术后护理要点"),
        original.replace("不要漱口", "不要用力漱口"),
        original.replace("author: lixiaoyu", "author: lixiaoyu\ntags: [种植牙]"),
    ):
        path.write_text(changed, encoding="utf-8")
        (verdict,) = approvals(draft).approvals.verdicts
        assert not verdict.counts and verdict.code == "stale"
    # status and approvals are not part of what was approved; comments and quoting are not content
    path.write_text(
        original.replace("title: 种植牙术后护理", "title: '种植牙术后护理'  # 标题"),
        encoding="utf-8",
    )
    (verdict,) = approvals(draft).approvals.verdicts
    assert verdict.counts


def test_show_says_which_commit_made_an_approval_stale(draft, capsys):
    to_review(draft, capsys)
    approve(draft, capsys, "wangliming", "dentist")
    path = draft.root / A
    path.write_text(
        path.read_text(encoding="utf-8").replace("24 小时", "12 小时"), encoding="utf-8"
    )
    draft.commit_all("缩短时间", "lixiaoyu")
    code, out, _ = run(capsys, "show", A)
    assert code == 0 and "缩短时间" in out and "无效" in out


def _hand_approval(factory, by, role, person_committing, digest=None):
    path = factory.root / A
    digest = digest or approvals(factory).article.digest
    item = {"by": by, "role": role, "at": "2026-11-28T10:00:00+08:00", "digest": digest}
    path.write_text(
        append_to_list(path.read_text(encoding="utf-8"), "approvals", item), encoding="utf-8"
    )
    if person_committing:
        factory.commit_all("加批准", person_committing)


@pytest.mark.parametrize(
    ("by", "role", "committer", "code", "word"),
    [
        ("wangliming", "dentist", "lixiaoyu", "unproven", "李晓雨"),  # typed by the writer
        ("wangliming", "dentist", None, "unproven", "尚未提交"),  # never committed
        ("lixiaoyu", "dentist", "lixiaoyu", "self-approval", "作者"),
        ("liufang", "manager", "liufang", "role-not-held", "部门经理"),
        ("nobody", "dentist", "lixiaoyu", "unknown-person", "nobody"),
        ("zhaomin", "compliance", "zhaomin", "not-required", "不是此类型所需"),
    ],
)
def test_every_reason_an_approval_does_not_count(draft, by, role, committer, code, word):
    _hand_approval(draft, by, role, committer)
    (verdict,) = approvals(draft).approvals.verdicts
    assert not verdict.counts
    assert verdict.code == code
    assert word in verdict.reason


def test_one_person_cannot_fill_two_roles(factory, monkeypatch):
    people = factory.root / "policies" / "people.yml"
    people.write_text(
        people.read_text(encoding="utf-8").replace("roles: [manager]", "roles: [manager, dentist]"),
        encoding="utf-8",
    )
    factory.article("education/a.md", title="种植牙术后护理", status="review")
    factory.commit_all("写稿", "lixiaoyu")
    _hand_approval(factory, "chensiyuan", "dentist", "chensiyuan")
    _hand_approval(factory, "chensiyuan", "manager", "chensiyuan")
    verdicts = approvals(factory).approvals.verdicts
    assert [v.counts for v in verdicts] == [True, False]
    assert verdicts[1].code == "same-person"


def test_no_git_history_means_no_approval_counts(tmp_path, capsys, monkeypatch):

    from conftest import REPO
    from helpers import ProjectFactory

    f = ProjectFactory(tmp_path / "tarball", REPO, git=False)
    f.write(
        A,
        "---\ntitle: 甲\ntype: education\nstatus: published\nauthor: lixiaoyu\napprovals:\n"
        "  - {by: wangliming, role: dentist, at: x, digest: 'sha256:0'}\n---\n\n正文\n",
    )
    monkeypatch.chdir(f.root)
    project = Project(f.root)
    (verdict,) = project.entry(project.articles[0]).approvals.verdicts
    assert verdict.code in ("stale", "unproven")
    digest = project.articles[0].digest
    (f.root / A).write_text(
        (f.root / A).read_text(encoding="utf-8").replace("sha256:0", digest), encoding="utf-8"
    )
    project = Project(f.root)
    (verdict,) = project.entry(project.articles[0]).approvals.verdicts
    assert verdict.code == "unproven" and "git" in verdict.reason


def test_shallow_clone_is_detected(draft, capsys, tmp_path):
    to_review(draft, capsys)
    approve(draft, capsys, "wangliming", "dentist")
    clone = tmp_path / "shallow"
    draft.git("clone", "-q", "--depth", "1", f"file://{draft.root}", str(clone))
    project = Project(clone)
    (verdict,) = project.entry(project.load(clone / A)).approvals.verdicts
    assert verdict.code == "unproven" and "浅克隆" in verdict.reason


def test_approval_survives_a_rename(draft, capsys):
    to_review(draft, capsys)
    approve(draft, capsys, "wangliming", "dentist")
    draft.git("mv", A, "content/education/b.md")
    draft.commit_all("改文件名", "lixiaoyu")
    (verdict,) = approvals(draft, "content/education/b.md").approvals.verdicts
    assert verdict.counts
    code, out, _ = run(
        capsys, "log", "content/education/b.md"
    )  # the trail reaches back past the rename
    assert code == 0 and "创建（状态 draft）" in out and "批准：王立明（口腔医师）" in out


# -- new, list, log -------------------------------------------------------------------------------


def test_new_creates_a_file_on_its_own_branch(factory, capsys):
    with factory.acting_as("sunhao"):
        code, out, _ = run(capsys, "new", "--type", "education", "--title", "儿童涂氟：多大开始")
    assert code == 0
    path = factory.root / "content/education/er-tong-tu-fu-duo-da-kai-shi.md"
    assert path.is_file(), out
    assert factory.git("branch", "--show-current").strip() == "content/er-tong-tu-fu-duo-da-kai-shi"
    assert factory.git("log", "-1", "--format=%ae").strip() == "sunhao@example.com"
    article = Project(factory.root).load(path)
    assert article.ok and article.status == "draft" and article.authors == ("sunhao",)


def test_new_ad_has_the_approval_number_field_to_fill(factory, capsys):
    with factory.acting_as("zhouting"):
        assert (
            run(
                capsys,
                "new",
                "--type",
                "ad",
                "--title",
                "冬季口腔检查",
                "--slug",
                "dongji",
                "--no-branch",
            )[0]
            == 0
        )
    article = Project(factory.root).load(factory.root / "content/ads/dongji.md")
    assert any("ad_approval_number" in p.message for p in article.problems)


def test_new_refuses_an_existing_file(draft, capsys):
    with draft.acting_as("lixiaoyu"):
        code, _, err = run(
            capsys, "new", "--type", "education", "--title", "x", "--slug", "a", "--no-branch"
        )
    assert code == 1 and "已存在" in err


def test_list_filters_and_json(draft, capsys):
    draft.article("faq/q.md", title="洗牙疼吗？", type="faq", author="wujia", status="review")
    draft.commit_all("faq", "wujia")
    code, out, _ = run(capsys, "list", "--format", "json")
    rows = json.loads(out)
    assert {r["path"] for r in rows} == {A, "content/faq/q.md"}
    code, out, _ = run(capsys, "list", "--status", "review", "--format", "json")
    assert [r["path"] for r in json.loads(out)] == ["content/faq/q.md"]
    code, out, _ = run(capsys, "list", "--reviewer", "liufang", "--format", "json")
    assert [r["path"] for r in json.loads(out)] == ["content/faq/q.md"]
    code, out, _ = run(capsys, "list", "--reviewer", "chensiyuan", "--format", "json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "list", "--author", "wujia", "--type", "faq")
    assert "洗牙疼吗" in out and "种植牙" not in out


def test_log_is_the_audit_trail_from_git(draft, capsys):
    to_review(draft, capsys)
    approve(draft, capsys, "wangliming", "dentist")
    _hand_approval(draft, "chensiyuan", "manager", "lixiaoyu")
    code, out, _ = run(capsys, "log", "--format", "json", A)
    events = json.loads(out)
    whats = [(e["email"], e["event"], e["proven"]) for e in events]
    assert whats == [
        ("lixiaoyu@example.com", "创建（状态 draft）", None),
        ("lixiaoyu@example.com", "状态 draft → review", None),
        ("wangliming@example.com", "批准：王立明（口腔医师）", True),
        ("lixiaoyu@example.com", "批准：陈思远（部门经理）", False),
    ]
    code, out, _ = run(capsys, "log", A)
    assert "✗ 李晓雨 签名，不能证明这条批准" in out and "✓ 王立明 签名" in out
