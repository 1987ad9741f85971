"""CI's recorder: forge reviews become approvals and review records, signed with the recorder key.

Offline: throwaway repositories, throwaway SSH keys, and the forges' API answers as JSON files
(fields as the forges' published schemas name them). README: "Reviewers approve pull requests".
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from smilepress.cli import main
from smilepress.load.signatures import Signatures, fingerprint, normalise_key
from smilepress.project import Project

REPO = "example/smilepress"
GITLAB_PROJECT = "4711"
RECORDS = "records/reviews.yml"
ARTICLE = "content/faq/xi-ya.md"
# Numeric forge user ids: what people.yml registers, and what the fixtures' reviews carry.
WANG, CHEN, LIU = 1001, 1002, 1003  # wangliming (dentist), chensiyuan (manager), liufang (two)
WANG_GITLAB = 2001


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def keypair(folder: Path, name: str) -> tuple[Path, str]:
    """A throwaway ed25519 key (no passphrase, mode 600) and its public line."""
    private = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(private)], check=True
    )
    return private, private.with_suffix(".pub").read_text(encoding="utf-8").strip()


@pytest.fixture
def keys(tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    return {"recorder": keypair(folder, "recorder"), "other": keypair(folder, "other")}


@pytest.fixture
def project(factory, keys, monkeypatch):
    """A project whose people.yml registers forge ids and the recorder's key, with one FAQ on main
    (written by lixiaoyu; a FAQ needs a dentist's approval)."""
    path = factory.root / "policies" / "people.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    people = data["people"]
    people["wangliming"]["forge_ids"] = {"github": WANG, "gitlab": WANG_GITLAB}
    people["chensiyuan"]["forge_ids"] = {"github": CHEN}
    people["liufang"]["forge_ids"] = {"github": LIU}
    people["liufang"]["roles"] = ["dentist", "compliance"]
    data["recorder"] = {"keys": [keys["recorder"][1]]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    factory.article(
        "faq/xi-ya.md", title="洗牙多久一次", type="faq", status="review", body="半年到一年一次。"
    )
    factory.commit_all("登记平台编号和记录器密钥；新问答", "chensiyuan")
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("CI_PROJECT_ID", GITLAB_PROJECT)
    monkeypatch.setenv("SMILEPRESS_RECORDER_KEY", str(keys["recorder"][0]))
    return factory


def head(factory) -> str:
    return factory.git("rev-parse", "HEAD").strip()


def on_branch(factory, branch: str, changes: list[tuple[str, str, str]]) -> list[str]:
    """Commit each (path, old, new) replacement (old "" appends new) on `branch` as lixiaoyu."""
    factory.git("checkout", "-q", "-B", branch, "main")
    made = []
    for rel, old, new in changes:
        if old:
            factory.replace(rel, old, new)
        else:
            path = factory.root / rel
            path.write_text(path.read_text(encoding="utf-8") + new, encoding="utf-8")
        factory.commit_all(f"改 {rel}", "lixiaoyu")
        made.append(head(factory))
    factory.git("checkout", "-q", "main")
    return made


def merge(factory, branch: str, how: str = "merge") -> str:
    """Merge `branch` into main as the forge's button does: a merge commit, a squash or a rebase."""
    as_chen = factory.identity("chensiyuan")
    if how == "merge":
        factory.git("merge", "-q", "--no-ff", "-m", "Merge pull request #42", branch, env=as_chen)
    elif how == "squash":
        factory.git("merge", "-q", "--squash", branch, env=as_chen)
        factory.git("commit", "-q", "-m", "PR 42 (#42)", env=as_chen)
    else:
        factory.git("checkout", "-q", branch)
        factory.git("rebase", "-q", "--force-rebase", "main", env=as_chen)
        rebased = head(factory)
        factory.git("checkout", "-q", "main")
        factory.git("merge", "-q", "--ff-only", rebased)
    return head(factory)


# -- fixtures: the forges' answers, with the field names of their published schemas ---------------


def write_json(folder: Path, path: str, data) -> None:
    file = folder / f"{path.strip('/')}.json"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def gh_user(uid: int, login: str) -> dict:
    return {"login": login, "id": uid, "node_id": f"U_{uid}", "type": "User", "site_admin": False}


def gh_review(rid: int, uid: int, login: str, state: str, commit: str, body: str = "") -> dict:
    pulls = f"https://api.github.com/repos/{REPO}/pulls/42"
    return {
        "id": rid,
        "node_id": f"PRR_{rid}",
        "user": gh_user(uid, login),
        "body": body,
        "state": state,
        "html_url": f"https://github.com/{REPO}/pull/42#pullrequestreview-{rid}",
        "pull_request_url": pulls,
        "author_association": "MEMBER",
        "_links": {"html": {"href": f"https://github.com/{REPO}/pull/42"}},
        "submitted_at": "2026-12-03T02:00:00Z",
        "commit_id": commit,
    }


def github_fixtures(tmp_path, merged: str, base: str, commits: list[str], reviews: list) -> Path:
    folder = tmp_path / "github-api"
    pull = {
        "url": f"https://api.github.com/repos/{REPO}/pulls/42",
        "id": 4242,
        "number": 42,
        "state": "closed",
        "locked": False,
        "title": "洗牙问答",
        "user": gh_user(1005, "lixiaoyu"),
        "created_at": "2026-12-02T01:00:00Z",
        "closed_at": "2026-12-03T03:00:00Z",
        "merged_at": "2026-12-03T03:00:00Z",
        "merge_commit_sha": merged,
        "head": {"label": "example:content/xi-ya", "ref": "content/xi-ya", "sha": commits[-1]},
        "base": {"label": "example:main", "ref": "main", "sha": base},
        "author_association": "MEMBER",
        "draft": False,
    }
    write_json(folder, f"repos/{REPO}/commits/{merged}/pulls", [pull])
    write_json(folder, f"repos/{REPO}/pulls/42", pull)
    write_json(folder, f"repos/{REPO}/pulls/42/reviews", reviews)
    write_json(
        folder,
        f"repos/{REPO}/pulls/42/commits",
        [{"sha": c, "node_id": f"C_{c[:8]}", "commit": {"message": "改"}} for c in commits],
    )
    return folder


def record(capsys, fixtures: Path, *more: str, forge: str = "github"):
    return run(capsys, "record-reviews", "--forge", forge, "--api-fixtures", str(fixtures), *more)


def approvals(factory, rel: str = ARTICLE) -> list[dict]:
    text = (factory.root / rel).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1]).get("approvals") or []


def digest(root: Path, rel: str = ARTICLE) -> str:
    return Project(root).load(root / rel).digest


def clean(factory) -> bool:
    return factory.git("status", "--porcelain").strip() == ""


# -- (a) article approvals ------------------------------------------------------------------------


def test_an_approved_review_by_a_dentist_becomes_an_approval_signed_by_the_recorder(
    project, keys, tmp_path, capsys
):
    base = head(project)
    change = (ARTICLE, "半年", "半年（牙结石多的人三个月）")
    reviewed = on_branch(project, "content/xi-ya", [change])
    merged = merge(project, "content/xi-ya")
    reviews = [  # the login is not who: the id is; a later comment does not cancel the approval
        gh_review(555, WANG, "wlm-renamed-2026", "APPROVED", reviewed[-1], "内容准确"),
        gh_review(556, WANG, "wlm-renamed-2026", "COMMENTED", reviewed[-1], "另：措辞可再斟酌"),
    ]
    fixtures = github_fixtures(tmp_path, merged, base, reviewed, reviews)

    code, out, err = record(capsys, fixtures)

    assert code == 0, err
    (line,) = approvals(project)
    assert line == {
        "by": "wangliming",
        "role": "dentist",
        "at": "2026-12-03T10:00:00+08:00",
        "digest": digest(project.root),
        "review": "github:555",
    }
    raw = (project.root / ARTICLE).read_text(encoding="utf-8")
    assert "  - {by: wangliming, role: dentist, at: '2026-12-03T10:00:00+08:00', digest: " in raw
    # One commit, by the recorder, signed with the registered recorder key; the tree is clean.
    sha = head(project)
    assert project.git("rev-parse", "HEAD^").strip() == merged and clean(project)
    who = project.git("log", "-1", "--format=%an <%ae>|%cn <%ce>").strip()
    assert who == "SmilePress 评审记录 <recorder@invalid>|SmilePress 评审记录 <recorder@invalid>"
    signature = Signatures(project.root).of([sha])[sha]
    assert signature.good
    assert signature.fingerprint == fingerprint(normalise_key(keys["recorder"][1]))
    message = project.git("log", "-1", "--format=%B")
    assert "SmilePress-Event: record-reviews" in message
    assert "SmilePress-Review: github:555" in message and "#42" in message
    assert project.git("show", "--name-only", "--format=", "HEAD").split() == [ARTICLE]
    assert "记录：content/faq/xi-ya.md：王立明（口腔医师）批准" in out
    # and the build counts it: the recorder's signature, citing the review, proves it
    p = Project(project.root)
    (verdict,) = p.entry(p.load(project.root / ARTICLE)).approvals.verdicts
    assert verdict.counts, verdict.reason

    # Run again (main has moved on by the recorder's commit): nothing new is committed.
    code, out, _ = record(capsys, fixtures, "--commit", merged)
    assert code == 0 and head(project) == sha and "已经记录过" in out


def test_a_review_of_an_older_commit_does_not_count_for_newer_text(project, tmp_path, capsys):
    base = head(project)
    first, second = on_branch(
        project,
        "content/xi-ya",
        [(ARTICLE, "半年", "半年（医生看过的版本）"), (ARTICLE, "医生看过的版本", "之后改的")],
    )
    merged = merge(project, "content/xi-ya")
    reviews = [gh_review(560, WANG, "wangliming", "APPROVED", first)]
    fixtures = github_fixtures(tmp_path, merged, base, [first, second], reviews)

    code, out, _ = record(capsys, fixtures)

    assert code == 0 and approvals(project) == [] and head(project) == merged
    assert "之后内容又有改动" in out and "没有需要记录的评审" in out


def test_a_later_request_for_changes_cancels_an_approval(project, tmp_path, capsys):
    base = head(project)
    reviewed = on_branch(project, "content/xi-ya", [(ARTICLE, "半年", "半年左右")])
    merged = merge(project, "content/xi-ya")
    reviews = [
        gh_review(561, WANG, "wangliming", "APPROVED", reviewed[-1]),
        gh_review(562, WANG, "wangliming", "CHANGES_REQUESTED", reviewed[-1], "第二段再查"),
    ]
    code, out, _ = record(capsys, github_fixtures(tmp_path, merged, base, reviewed, reviews))
    assert code == 0 and approvals(project) == [] and head(project) == merged
    assert "最后的评审是 CHANGES_REQUESTED" in out


def test_reviewers_are_known_by_their_numeric_id_never_by_their_login(project, tmp_path, capsys):
    base = head(project)
    reviewed = on_branch(project, "content/xi-ya", [(ARTICLE, "半年", "半年左右")])
    merged = merge(project, "content/xi-ya")
    reviews = [
        # Someone else took the name wangliming on the forge: an unregistered id counts for nothing.
        gh_review(570, 9999, "wangliming", "APPROVED", reviewed[-1]),
        # 王立明 renamed his account: the same id is still him.
        gh_review(571, WANG, "li-ming-wang", "APPROVED", reviewed[-1]),
    ]
    code, out, _ = record(capsys, github_fixtures(tmp_path, merged, base, reviewed, reviews))
    assert code == 0
    assert [(a["by"], a["review"]) for a in approvals(project)] == [("wangliming", "github:571")]
    assert re.search(r"github:570.*编号 9999.*没有登记在 policies/people.yml 的 forge_ids", out)


def test_an_author_cannot_approve_their_own_article_by_review(project, tmp_path, capsys):
    project.replace(ARTICLE, "author: lixiaoyu", "author: [lixiaoyu, wangliming]")
    project.commit_all("王医生是合著者", "lixiaoyu")
    base = head(project)
    reviewed = on_branch(project, "content/xi-ya", [(ARTICLE, "半年", "半年左右")])
    merged = merge(project, "content/xi-ya")
    reviews = [gh_review(575, WANG, "wangliming", "APPROVED", reviewed[-1])]
    code, out, _ = record(capsys, github_fixtures(tmp_path, merged, base, reviewed, reviews))
    assert code == 0 and approvals(project) == [] and head(project) == merged
    assert "王立明 是本文作者" in out and "四眼原则" in out


def test_a_pull_request_cannot_register_its_own_reviewer(project, tmp_path, capsys):
    """Who a forge id is comes from people.yml as on main before the merge."""
    base = head(project)
    branch = on_branch(
        project,
        "content/xi-ya",
        [(ARTICLE, "半年", "半年左右"), ("policies/people.yml", f"github: {WANG}", "github: 4242")],
    )
    merged = merge(project, "content/xi-ya")
    reviews = [gh_review(577, 4242, "someone", "APPROVED", branch[-1])]
    code, out, _ = record(capsys, github_fixtures(tmp_path, merged, base, branch, reviews))
    assert code == 0 and approvals(project) == [] and head(project) == merged
    assert "编号 4242" in out and "以合并前的 main 为准" in out


@pytest.mark.parametrize(
    ("body", "role"),
    [
        ("看过了，没问题", None),  # two approving roles, none named: nothing
        ("角色: dentist", "dentist"),
        ("以口腔医师身份批准。", "dentist"),
        ("role: manager", None),  # a role 刘芳 does not hold
    ],
)
def test_a_reviewer_with_two_roles_names_the_one_they_approve_with(
    project, tmp_path, capsys, body, role
):
    base = head(project)
    reviewed = on_branch(project, "content/xi-ya", [(ARTICLE, "半年", "半年左右")])
    merged = merge(project, "content/xi-ya")
    reviews = [gh_review(580, LIU, "liufang", "APPROVED", reviewed[-1], body)]
    code, out, _ = record(capsys, github_fixtures(tmp_path, merged, base, reviewed, reviews))
    assert code == 0
    assert [a["role"] for a in approvals(project)] == ([role] if role else [])
    if role is None:
        assert "未记录：评审 github:580（刘芳）" in out
    if body.startswith("看过了"):
        assert "担任多个审批角色（口腔医师、合规专员）" in out and "角色: dentist" in out


# -- (b) records/reviews.yml ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["merge", "squash", "rebase"])
def test_a_governed_change_reviewed_by_the_manager_is_recorded_with_the_commits_it_brought(
    project, keys, tmp_path, capsys, how
):
    base = head(project)
    branch = on_branch(
        project,
        "config/site",
        [("mkdocs.yml", "", "\n# 站点说明\n"), ("mkdocs.yml", "# 站点说明", "# 网站说明")],
    )
    merged = merge(project, "config/site", how)
    brought = {
        "merge": [*branch, merged],
        "squash": [merged],
        "rebase": project.git("rev-list", "--reverse", f"{base}..{merged}").split(),
    }[how]
    reviews = [
        gh_review(590, CHEN, "chensiyuan", "APPROVED", branch[-1], "同意"),
        gh_review(591, WANG, "wangliming", "APPROVED", branch[-1]),  # may not vouch for mkdocs.yml
    ]
    fixtures = github_fixtures(tmp_path, merged, base, branch, reviews)
    if how == "merge":  # the writer's own commits: refused until the manager's review is recorded
        assert {p.path for p in Project(project.root).config_refusals()} == {"mkdocs.yml"}

    code, out, err = record(capsys, fixtures)

    assert code == 0, err
    assert Project(project.root).config_refusals() == []  # the build trusts the recorded review
    text = (project.root / RECORDS).read_text(encoding="utf-8")
    assert text.startswith("# ") and "\nreviews:\n- {review: 'github:590', pull: 42, " in text
    (entry,) = yaml.safe_load(text)["reviews"]
    assert entry == {
        "review": "github:590",
        "pull": 42,
        "by": "chensiyuan",
        "role": "manager",
        "reviewed": branch[-1],
        "commits": brought,
        "paths": ["mkdocs.yml"],
        "at": "2026-12-03T10:00:00+08:00",
    }
    assert "github:591" in out and "不能为这些改动作保" in out
    sha = head(project)
    assert Signatures(project.root).of([sha])[sha].fingerprint == fingerprint(
        normalise_key(keys["recorder"][1])
    )
    assert "SmilePress-Review: github:590" in project.git("log", "-1", "--format=%B")

    # A later review is appended below; the earlier line stays byte for byte.
    later = on_branch(project, "config/more", [("mkdocs.yml", "", "# 再改\n")])
    merged2 = merge(project, "config/more")
    reviews2 = [gh_review(592, CHEN, "chensiyuan", "APPROVED", later[-1])]
    record(capsys, github_fixtures(tmp_path / "2", merged2, sha, later, reviews2))
    text2 = (project.root / RECORDS).read_text(encoding="utf-8")
    assert text2.startswith(text) and text2.count("\n- {review:") == 2


def test_a_governed_change_edited_after_the_review_is_not_recorded(project, tmp_path, capsys):
    base = head(project)
    branch = on_branch(
        project, "config/site", [("mkdocs.yml", "", "# 一\n"), ("mkdocs.yml", "# 一", "# 二")]
    )
    merged = merge(project, "config/site")
    reviews = [gh_review(593, CHEN, "chensiyuan", "APPROVED", branch[0])]
    code, out, _ = record(capsys, github_fixtures(tmp_path, merged, base, branch, reviews))
    assert code == 0 and not (project.root / RECORDS).exists() and head(project) == merged
    assert "之后又有改动：mkdocs.yml" in out


# -- refusals: nothing changes --------------------------------------------------------------------


def _reviewed_merge(project, tmp_path) -> tuple[Path, str]:
    base = head(project)
    reviewed = on_branch(project, "content/xi-ya", [(ARTICLE, "半年", "半年左右")])
    merged = merge(project, "content/xi-ya")
    reviews = [gh_review(600, WANG, "wangliming", "APPROVED", reviewed[-1])]
    return github_fixtures(tmp_path, merged, base, reviewed, reviews), merged


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        (None, "没有记录器私钥：环境变量 SMILEPRESS_RECORDER_KEY 未设置（把 CI 的密钥"),
        ("other", "不是 policies/people.yml 登记的记录器密钥"),
        ("content", "应是私钥文件的路径，不是私钥内容"),
        ("missing", "找不到记录器私钥文件"),
    ],
)
def test_without_the_registered_key_the_recorder_refuses_and_changes_nothing(
    project, keys, tmp_path, capsys, monkeypatch, setting, says
):
    fixtures, merged = _reviewed_merge(project, tmp_path)
    before = (project.root / ARTICLE).read_text(encoding="utf-8")
    if setting is None:
        monkeypatch.delenv("SMILEPRESS_RECORDER_KEY")
    elif setting == "other":
        monkeypatch.setenv("SMILEPRESS_RECORDER_KEY", str(keys["other"][0]))
    elif setting == "content":
        private = keys["recorder"][0].read_text(encoding="utf-8")
        monkeypatch.setenv("SMILEPRESS_RECORDER_KEY", private)
    else:
        monkeypatch.setenv("SMILEPRESS_RECORDER_KEY", str(tmp_path / "nowhere"))

    code, out, err = record(capsys, fixtures)

    assert code == 1 and says in err and "错误" in err
    assert head(project) == merged and clean(project)
    assert (project.root / ARTICLE).read_text(encoding="utf-8") == before
    # A dry run needs no key: it says what would be recorded and writes nothing.
    monkeypatch.delenv("SMILEPRESS_RECORDER_KEY", raising=False)
    code, out, _ = record(capsys, fixtures, "--dry-run")
    assert code == 0 and "将记录：content/faq/xi-ya.md：王立明（口腔医师）批准" in out
    assert head(project) == merged and clean(project)


def test_a_dirty_working_tree_is_refused(project, tmp_path, capsys):
    fixtures, merged = _reviewed_merge(project, tmp_path)
    project.replace(ARTICLE, "半年左右", "半年")
    code, _, err = record(capsys, fixtures)
    assert code == 1 and "工作区有未提交的改动" in err and head(project) == merged


def test_a_commit_that_fails_leaves_every_file_as_it_was(project, tmp_path, capsys):
    fixtures, merged = _reviewed_merge(project, tmp_path)
    before = (project.root / ARTICLE).read_text(encoding="utf-8")
    project.git("config", "gpg.ssh.program", "false")  # signing fails
    code, _, err = record(capsys, fixtures)
    assert code == 1 and "提交失败，文件已恢复原样" in err
    assert head(project) == merged and clean(project)
    assert (project.root / ARTICLE).read_text(encoding="utf-8") == before


# -- GitLab ---------------------------------------------------------------------------------------


def gitlab_fixtures(
    tmp_path, merged: str, base: str, commits: list[str], approved: list, versions: list
) -> Path:
    folder = tmp_path / "gitlab-api"
    pre = f"projects/{GITLAB_PROJECT}"
    mr = {
        "id": 90007,
        "iid": 7,
        "project_id": int(GITLAB_PROJECT),
        "title": "洗牙问答",
        "state": "merged",
        "merged_at": "2026-12-03T03:00:00.000Z",
        "target_branch": "main",
        "source_branch": "content/xi-ya",
        "author": {"id": 2005, "username": "lixiaoyu", "name": "李晓雨", "state": "active"},
        "sha": commits[-1],
        "merge_commit_sha": merged,
        "squash_commit_sha": None,
        "diff_refs": {"base_sha": base, "head_sha": commits[-1], "start_sha": base},
    }
    write_json(folder, f"{pre}/repository/commits/{merged}/merge_requests", [mr])
    write_json(folder, f"{pre}/merge_requests/7", mr)
    write_json(
        folder,
        f"{pre}/merge_requests/7/approvals",
        {"id": 90007, "iid": 7, "project_id": int(GITLAB_PROJECT), "state": "merged"}
        | {"approved": bool(approved), "user_has_approved": False, "approved_by": approved},
    )
    write_json(folder, f"{pre}/merge_requests/7/versions", versions)
    write_json(
        folder,
        f"{pre}/merge_requests/7/commits",
        [{"id": c, "short_id": c[:8], "title": "改", "message": "改"} for c in commits],
    )
    return folder


def gl_version(vid: int, head_sha: str, base: str, created: str) -> dict:
    return {
        "id": vid,
        "head_commit_sha": head_sha,
        "base_commit_sha": base,
        "start_commit_sha": base,
        "created_at": created,
        "merge_request_id": 90007,
        "state": "collected",
        "real_size": "1",
    }


def gl_approval(uid: int, username: str, at: str) -> dict:
    user = {"id": uid, "username": username, "name": username, "state": "active"}
    return {"user": user, "approved_at": at}


def test_a_gitlab_approval_counts_for_the_version_it_was_given_on(project, tmp_path, capsys):
    base = head(project)
    first, second = on_branch(
        project,
        "content/xi-ya",
        [(ARTICLE, "半年", "半年左右"), ("mkdocs.yml", "", "# 与文章无关的改动\n")],
    )
    merged = merge(project, "content/xi-ya")
    versions = [
        gl_version(2, second, base, "2026-12-03T01:30:00.000Z"),
        gl_version(1, first, base, "2026-12-02T08:00:00.000Z"),
    ]
    approved = [gl_approval(WANG_GITLAB, "wangliming", "2026-12-03T02:00:00.000Z")]
    fixtures = gitlab_fixtures(tmp_path, merged, base, [first, second], approved, versions)

    code, out, err = record(capsys, fixtures, forge="gitlab")

    assert code == 0, err
    (line,) = approvals(project)
    assert line["review"] == f"gitlab:7:{WANG_GITLAB}:{second[:12]}"
    assert line["by"] == "wangliming" and line["digest"] == digest(project.root)
    assert f"SmilePress-Review: gitlab:7:{WANG_GITLAB}:{second[:12]}" in project.git(
        "log", "-1", "--format=%B"
    )


def test_a_gitlab_approval_given_before_the_last_push_does_not_count(project, tmp_path, capsys):
    base = head(project)
    first, second = on_branch(
        project,
        "content/xi-ya",
        [(ARTICLE, "半年", "半年左右"), (ARTICLE, "半年左右", "半年到一年")],
    )
    merged = merge(project, "content/xi-ya")
    versions = [
        gl_version(2, second, base, "2026-12-03T05:00:00.000Z"),  # pushed after the approval
        gl_version(1, first, base, "2026-12-02T08:00:00.000Z"),
    ]
    approved = [gl_approval(WANG_GITLAB, "wangliming", "2026-12-03T02:00:00.000Z")]
    fixtures = gitlab_fixtures(tmp_path, merged, base, [first, second], approved, versions)
    code, out, _ = record(capsys, fixtures, forge="gitlab")
    assert code == 0 and approvals(project) == [] and head(project) == merged
    assert f"gitlab:7:{WANG_GITLAB}:{first[:12]}" in out and "之后内容又有改动" in out


def test_a_commit_pushed_directly_has_nothing_to_record(project, tmp_path, capsys):
    folder = tmp_path / "api"
    write_json(folder, f"repos/{REPO}/commits/{head(project)}/pulls", [])
    code, out, _ = record(capsys, folder)
    assert code == 0 and "不是合并拉取请求产生的" in out


# -- CI -------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "record-reviews.yml"


def test_the_recorder_workflow_runs_only_after_a_push_to_main_with_pinned_actions():
    tool = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    result = subprocess.run(
        [tool, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = WORKFLOW.read_text(encoding="utf-8")
    flow = yaml.safe_load(text)
    assert list(flow[True]) == ["push"] and flow[True]["push"]["branches"] == ["main"]  # `on:`
    dumped = json.dumps(flow, default=str)  # what the forge reads: comments aside
    assert "pull_request_target" not in dumped and "workflow_run" not in dumped
    assert flow["permissions"] == {}  # nothing at workflow level: the job names what it needs
    (job,) = flow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "read"}
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses)
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert "record-reviews --forge github" in text and "git push" in text
    # The key's secret is in this job only, and in no other workflow.
    for other in WORKFLOW.parent.glob("*.yml"):
        if other != WORKFLOW:
            assert "SMILEPRESS_RECORDER_KEY" not in other.read_text(encoding="utf-8")


def test_the_gitlab_recorder_job_runs_only_on_pushes_to_the_default_branch():
    ci = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    job = ci["record-reviews"]
    (rule,) = job["rules"]
    assert '$CI_PIPELINE_SOURCE == "push"' in rule["if"]
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in rule["if"]
    script = "\n".join(job["script"])
    assert "record-reviews --forge gitlab" in script and "git push" in script
    others = [k for k, v in ci.items() if isinstance(v, dict) and k != "record-reviews"]
    assert all("SMILEPRESS_RECORDER_KEY" not in json.dumps(ci[k]) for k in others)


# -- the forge's API over HTTPS (urlopen replaced: what is asked, with which token) ---------------


def test_the_api_client_sends_the_token_and_reads_every_page(monkeypatch):
    import io

    from smilepress.load import forge

    asked = []

    def urlopen(request, timeout):
        asked.append((request.full_url, dict(request.header_items())))
        page = int(request.full_url.rsplit("page=", 1)[1])
        items = [{"id": i} for i in range(100 if page == 1 else 3)]
        return io.BytesIO(json.dumps(items).encode())

    monkeypatch.setattr(forge.urllib.request, "urlopen", urlopen)
    env = {
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_TOKEN": "t0ken",
        "GITHUB_API_URL": "https://ghe.x/api",
    }
    github = forge.open_forge("github", None, env)
    assert len(github.api.pages(f"{github.prefix}/pulls/42/reviews")) == 103
    (url1, headers), (url2, _) = asked
    assert url1 == f"https://ghe.x/api/repos/{REPO}/pulls/42/reviews?per_page=100&page=1"
    assert url2.endswith("page=2") and headers["Authorization"] == "Bearer t0ken"
    gitlab = forge.open_forge("gitlab", None, {"CI_PROJECT_ID": "7", "CI_JOB_TOKEN": "j0b"})
    assert gitlab.prefix == "/projects/7" and gitlab.api.headers["JOB-TOKEN"] == "j0b"
    with pytest.raises(forge.SmilePressError, match="不是 https"):
        forge.open_forge("github", None, {**env, "GITHUB_API_URL": "file:///etc"})
    with pytest.raises(forge.SmilePressError, match="没有 GITHUB_TOKEN"):
        forge.open_forge("github", None, {"GITHUB_REPOSITORY": REPO})
