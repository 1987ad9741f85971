"""Trust, played by the attacker: a writer with their own key (or none) tries to put text on the
public site without the approvals the regulation names, in a throwaway repository whose trust root
is its first commit. Every attempt must stay off the public build and say why."""

from __future__ import annotations

import os
import subprocess

import pytest

from helpers import key_file, signing_env
from smilepress.cli import main
from smilepress.project import Project
from smilepress.workflow.front_matter_edit import append_to_list, set_field

A = "content/education/a.md"
BODY = "术后 24 小时内不要漱口。"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def entry(factory, path=A):
    project = Project(factory.root)
    return project.entry(project.load(factory.root / path))


def public(factory, path=A) -> tuple[bool, str]:
    project = Project(factory.root)
    e = project.entry(project.load(factory.root / path))
    decision = e.decision("public", project.today)
    return decision.included, decision.summary


def act(factory, capsys, person, *argv) -> tuple[int, str, str]:
    with factory.acting_as(person):
        return run(capsys, *argv)


@pytest.fixture
def draft(factory):
    factory.article("education/a.md", title="种植牙术后护理", body=BODY)
    factory.commit_all("写稿", "lixiaoyu")
    return factory


@pytest.fixture
def published(draft, capsys):
    """The article through the whole workflow, every step signed by the person allowed to."""
    assert act(draft, capsys, "lixiaoyu", "submit", A)[0] == 0
    assert act(draft, capsys, "wangliming", "approve", "--role", "dentist", A)[0] == 0
    assert act(draft, capsys, "chensiyuan", "approve", "--role", "manager", A)[0] == 0
    assert act(draft, capsys, "chensiyuan", "publish", A)[0] == 0
    assert public(draft) == (True, "")
    return draft


def forge_approval(factory, by, role, path=A) -> None:
    """Append an approval line of the current digest, as the writer's tools could."""
    project = Project(factory.root)
    digest = project.load(factory.root / path).digest
    file = factory.root / path
    item = {"by": by, "role": role, "at": "2026-11-28T09:30:00+08:00", "digest": digest}
    file.write_text(append_to_list(file.read_text(encoding="utf-8"), "approvals", item, path))


def edit_status(factory, status, path=A) -> None:
    file = factory.root / path
    file.write_text(set_field(file.read_text(encoding="utf-8"), "status", status, path))


def commit_with(factory, message, env) -> None:
    factory.git("add", "-A")
    factory.git("commit", "-q", "-m", message, env=env)


def recorder() -> dict[str, str]:
    """git's environment for CI's recorder: its own identity and (sample) key."""
    name, email = "SmilePress 评审记录", "recorder@invalid"
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        **signing_env(key_file("recorder")),
    }


def as_identity_of(factory, person, signed_by):
    """git's environment with `person`'s name and e-mail, signed with `signed_by`'s key."""
    return {**factory.identity(person, signed=False), **signing_env(key_file(signed_by))}


# -- approvals ------------------------------------------------------------------------------
def test_signed_workflow_publishes_and_log_says_who_signed(published, capsys):
    code, out, _ = run(capsys, "log", A)
    assert code == 0
    assert "批准：王立明（口腔医师）  ✓ 王立明 签名" in out
    assert "状态 approved → published  [陈思远 签名]" in out
    assert "创建（状态 draft）  [李晓雨 签名]" in out


def test_approvals_under_a_reviewers_git_identity_unsigned_prove_nothing(draft):
    edit_status(draft, "published")
    forge_approval(draft, "wangliming", "dentist")
    forge_approval(draft, "chensiyuan", "manager")
    commit_with(draft, "批准", {**draft.identity("chensiyuan", signed=False)})
    included, why = public(draft)
    assert not included
    assert "提交没有签名" in why


def test_approvals_signed_by_the_writer_under_a_reviewers_identity_prove_nothing(draft):
    edit_status(draft, "published")
    forge_approval(draft, "wangliming", "dentist")
    forge_approval(draft, "chensiyuan", "manager")
    commit_with(draft, "批准", as_identity_of(draft, "chensiyuan", "lixiaoyu"))
    included, why = public(draft)
    assert not included
    assert "由 李晓雨 签名，不是批准人本人" in why


def test_a_key_nobody_registered_proves_nothing(draft, tmp_path):
    key = tmp_path / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    forge_approval(draft, "wangliming", "dentist")
    forge_approval(draft, "chensiyuan", "manager")
    edit_status(draft, "published")
    commit_with(draft, "批准", {**draft.identity("wangliming", signed=False), **signing_env(key)})
    included, why = public(draft)
    assert not included and "没有登记在 policies/people.yml" in why


def test_changed_then_reverted_text_does_not_revive_approvals(published):
    original = (published.root / A).read_text(encoding="utf-8")
    published.replace(A, BODY, "术后 24 小时内可以漱口。")
    published.commit_all("改一句", "lixiaoyu")
    (published.root / A).write_text(original, encoding="utf-8")
    published.commit_all("改回去", "lixiaoyu")
    included, why = public(published)
    assert not included
    assert "改回原文也不能恢复批准" in why


def test_a_request_for_changes_revokes_earlier_approvals(draft, capsys):
    assert act(draft, capsys, "lixiaoyu", "submit", A)[0] == 0
    assert act(draft, capsys, "wangliming", "approve", "--role", "dentist", A)[0] == 0
    assert act(draft, capsys, "chensiyuan", "request-changes", "--reason", "补充", A)[0] == 0
    assert act(draft, capsys, "lixiaoyu", "submit", A)[0] == 0
    dentist = next(v for v in entry(draft).approvals.verdicts if v.approval.role == "dentist")
    assert not dentist.counts and "退回修改" in dentist.reason


def test_approvals_made_before_the_trust_root_are_legacy(published, monkeypatch):
    head = published.git("rev-parse", "HEAD").strip()
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", head)
    included, why = public(published)
    assert not included and "信任根之后" in why


def test_without_a_trust_root_nothing_is_public_and_it_says_why(published, monkeypatch):
    monkeypatch.delenv("SMILEPRESS_TRUST_ROOT")
    included, why = public(published)
    assert not included and "没有指定信任根" in why


def test_a_trust_root_that_is_not_an_ancestor_is_refused(published, monkeypatch):
    published.git("checkout", "-q", "--orphan", "other")
    published.commit_all("另起炉灶", "lixiaoyu")
    other = published.git("rev-parse", "HEAD").strip()
    published.git("checkout", "-q", "main")
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", other)
    included, why = public(published)
    assert not included and "不是当前提交的祖先" in why


def test_approve_without_a_signing_key_is_refused_with_set_up_steps(draft, capsys):
    assert act(draft, capsys, "lixiaoyu", "submit", A)[0] == 0
    before = (draft.root / A).read_bytes()
    with draft.acting_as("wangliming", signed=False):
        code, _, err = run(capsys, "approve", "--role", "dentist", A)
    assert code == 1 and "git config gpg.format ssh" in err
    assert (draft.root / A).read_bytes() == before


def test_approve_with_someone_elses_key_is_refused(draft, capsys):
    assert act(draft, capsys, "lixiaoyu", "submit", A)[0] == 0
    with draft.acting_as("wangliming"):
        os.environ.update(as_identity_of(draft, "wangliming", "lixiaoyu"))
        code, _, err = run(capsys, "approve", "--role", "dentist", A)
    assert code == 1 and "没有登记在 policies/people.yml 王立明 名下" in err


# -- status ---------------------------------------------------------------------------------
def test_an_archived_article_put_back_by_editing_status_stays_off(published, capsys):
    assert act(published, capsys, "chensiyuan", "archive", A)[0] == 0
    edit_status(published, "published")
    published.commit_all("恢复上线", "lixiaoyu")
    included, why = public(published)
    assert not included
    assert "状态 published 未经证明" in why and "李晓雨 签名" in why


def test_a_status_edit_by_a_writer_is_not_a_publication(draft, capsys):
    """Approvals complete and proven, but the writer, not the manager, made it public."""
    assert act(draft, capsys, "lixiaoyu", "submit", A)[0] == 0
    assert act(draft, capsys, "wangliming", "approve", "--role", "dentist", A)[0] == 0
    assert act(draft, capsys, "chensiyuan", "request-changes", "--reason", "再看看", A)[0] == 0
    assert act(draft, capsys, "lixiaoyu", "submit", A)[0] == 0
    assert act(draft, capsys, "wangliming", "approve", "--role", "dentist", A)[0] == 0
    # the manager never approved; the writer adds the status by hand
    edit_status(draft, "published")
    draft.commit_all("上线", "lixiaoyu")
    included, why = public(draft)
    assert not included and "未经证明" in why


def test_less_public_needs_no_proof(published):
    edit_status(published, "archived")
    published.commit_all("下线", "lixiaoyu", signed=False)
    included, why = public(published)
    assert not included and "已归档" in why


def test_a_draft_retyped_as_a_published_page_needs_the_managers_approval(draft):
    draft.replace(A, "type: education", "type: page")
    edit_status(draft, "published")
    draft.commit_all("改成页面", "lixiaoyu")
    included, why = public(draft)
    assert not included and "部门经理" in why


# -- governed configuration -----------------------------------------------------------------
def build_public(factory, capsys, caplog) -> tuple[int, str]:
    """Exit code, and everything the build said (its log included)."""
    caplog.set_level("INFO")
    code, out, err = run(capsys, "build", "--profile", "public")
    return code, out + err + caplog.text


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("policies/people.yml", "roles: [writer]", "roles: [writer, dentist]"),
        ("policies/workflow.yml", "approvals: [dentist, manager]\n", "approvals: []\n"),
        ("mkdocs.yml", "site_name: ", "copyright: 治愈率100%\nsite_name: "),
    ],
)
def test_an_unsigned_change_to_a_governed_path_stops_the_published_builds(
    published, capsys, caplog, path, old, new
):
    published.replace(path, old, new)
    published.commit_all("顺手改一下配置", "lixiaoyu")
    sha = published.git("rev-parse", "--short=7", "HEAD").strip()
    code, said = build_public(published, capsys, caplog)
    assert code == 1
    assert f"提交 {sha}" in said and path in said and "李晓雨 签名" in said
    assert not (published.root / "site" / "public" / "education" / "a" / "index.html").exists()


def test_a_new_rule_pack_by_a_writer_is_refused(published, capsys, caplog):
    published.write("policies/compliance/zz-off.yml", "version: 1\nrules: []\n")
    published.commit_all("新规则包", "lixiaoyu")
    code, said = build_public(published, capsys, caplog)
    assert code == 1 and "policies/compliance/zz-off.yml" in said


def test_the_manager_may_change_the_configuration(published, capsys, caplog):
    published.replace("policies/people.yml", "roles: [writer]", "roles: [writer, service]")
    published.commit_all("调整职责", "chensiyuan")
    assert Project(published.root).config_refusals() == []
    code, _ = build_public(published, capsys, caplog)
    assert code == 0
    assert (published.root / "site" / "public" / "education" / "a" / "index.html").exists()


def test_a_role_granted_by_an_unsigned_change_grants_nothing(draft, capsys):
    """Even where the build would go on, the role comes from the policies before the change."""
    draft.replace("policies/people.yml", "roles: [writer]", "roles: [writer, dentist]")
    draft.commit_all("给自己加角色", "lixiaoyu")
    project = Project(draft.root)
    assert any("policies/people.yml" == p.path for p in project.config_refusals())


# -- recorded reviews -----------------------------------------------------------------------
def test_a_recorder_signed_approval_counts_only_with_a_review(draft, capsys):
    assert act(draft, capsys, "lixiaoyu", "submit", A)[0] == 0
    digest = Project(draft.root).load(draft.root / A).digest
    file = draft.root / A
    item = {
        "by": "wangliming",
        "role": "dentist",
        "at": "2026-11-28T10:00:00+08:00",
        "digest": digest,
        "review": "github:4242",
    }
    file.write_text(append_to_list(file.read_text(encoding="utf-8"), "approvals", item, A))
    item = {**item, "by": "chensiyuan", "role": "manager", "review": ""}
    del item["review"]
    file.write_text(append_to_list(file.read_text(encoding="utf-8"), "approvals", item, A))
    commit_with(draft, "record-reviews", recorder())
    verdicts = {v.approval.role: v for v in entry(draft).approvals.verdicts}
    assert verdicts["dentist"].counts
    assert not verdicts["manager"].counts and "没有注明所记录的评审" in verdicts["manager"].reason


def record_manager_review_of_head(factory) -> None:
    """records/reviews.yml: the manager's review covering HEAD's change to people.yml (who writes
    and signs the file decides whether it counts)."""
    sha = factory.git("rev-parse", "HEAD").strip()
    factory.write(
        "records/reviews.yml",
        "reviews:\n"
        f"  - {{review: 'github:1', pull: 1, by: chensiyuan, role: manager, reviewed: {sha}, "
        f"commits: [{sha}], paths: [policies/people.yml], at: '2026-11-28'}}\n",
    )


def test_reviews_written_by_a_writer_vouch_for_nothing(published, capsys):
    published.replace("policies/people.yml", "roles: [writer]", "roles: [writer, dentist]")
    published.commit_all("给自己加角色", "lixiaoyu")
    record_manager_review_of_head(published)
    published.commit_all("记录评审", "lixiaoyu")
    assert any(p.path == "policies/people.yml" for p in Project(published.root).config_refusals())


def test_a_review_recorded_by_the_recorder_vouches_for_a_governed_change(published):
    published.replace("policies/people.yml", "roles: [writer]", "roles: [writer, service]")
    published.commit_all("调整职责（合并请求 #1）", "lixiaoyu")
    record_manager_review_of_head(published)
    commit_with(published, "record-reviews", recorder())
    assert Project(published.root).config_refusals() == []


# -- keys -----------------------------------------------------------------------------------
def test_a_registered_private_key_in_the_repository_is_reported(published):
    from smilepress.workflow.trust import exposed_keys

    published.write("notes/backup-key", key_file("wangliming").read_text())
    published.commit_all("备份", "lixiaoyu")
    project = Project(published.root)
    found = exposed_keys(project.history, project.policies)
    assert [p.path for p in found] == ["notes/backup-key"]
    assert "王立明" in found[0].message and found[0].level == "warning"


def test_the_sample_keys_are_a_note_not_a_warning(factory):
    """people.yml's `sample_keys: sample-keys/` (copied from the sample) marks them."""
    from smilepress.workflow.trust import exposed_keys

    factory.write("sample-keys/chensiyuan", key_file("chensiyuan").read_text())
    factory.commit_all("示例密钥", "chensiyuan")
    project = Project(factory.root)
    (found,) = exposed_keys(project.history, project.policies)
    assert found.level == "info" and "示例" in found.message


def test_uncommitted_changes_to_governed_paths_are_refused(published):
    published.replace("mkdocs.yml", "site_name: ", "copyright: 治愈率100%\nsite_name: ")
    published.write("policies/compliance/zz-new.yml", "version: 1\n")
    refused = {p.path for p in Project(published.root).config_refusals()}
    assert refused == {"mkdocs.yml", "policies/compliance/zz-new.yml"}


def test_text_hidden_after_a_yaml_document_end_is_text_the_approval_did_not_cover(published):
    """MkDocs ends the front matter at `...`; what follows renders, so it is body: the approval
    is stale and the article leaves the site."""
    published.replace(A, "status: published\n", "status: published\n...\n本院种植牙治愈率100%\n")
    published.commit_all("加一句", "lixiaoyu")
    included, why = public(published)
    assert not included and "缺少有效批准" in why and "第 6 行" in why


def test_a_cache_committed_to_the_branch_is_not_believed(published, capsys):
    """A signature cache (or findings cache) that came with the checkout could claim anything."""
    from smilepress.load.signatures import CACHE_NAME

    published.replace(A, BODY, "本院种植牙治愈率100%。")
    edit_status(published, "published")
    forge_approval(published, "wangliming", "dentist")
    forge_approval(published, "chensiyuan", "manager")
    published.commit_all("批准", "lixiaoyu")
    head = published.git("rev-parse", "HEAD").strip()
    manager = Project(published.root).policies.people["chensiyuan"].fingerprints
    cache = published.root / ".smilepress-cache"
    cache.mkdir(exist_ok=True)
    (cache / CACHE_NAME).write_text(f'{{"{head}": ["good", "{next(iter(manager))}"]}}')
    published.git("add", "-f", ".smilepress-cache")
    published.commit_all("缓存", "lixiaoyu")
    verdicts = {v.approval.role: v for v in entry(published).approvals.verdicts if v.commit}
    assert not verdicts["manager"].counts and "李晓雨 签名" in verdicts["manager"].reason
