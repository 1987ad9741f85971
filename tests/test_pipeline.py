"""Backups that are proven: bundle, manifest, verify, restore, build from the restored copy."""

from __future__ import annotations

import datetime as dt
import json

from smilepress.cli import main
from smilepress.ops.backup import backup


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_a_restored_backup_has_every_branch_and_builds_the_same_sites(
    factory, tmp_path, capsys, monkeypatch
):
    factory.page("index.md", title="首页", body="欢迎来到微笑口腔科普网站。")
    factory.article("education/a.md", title="刷牙", body="每天早晚刷牙。", status="published")
    factory.commit_all("稿", "lixiaoyu")
    factory.git("branch", "content/draft-x")
    factory.git("tag", "v1")
    code, out, _ = run(capsys, "backup", "--to", str(tmp_path / "bak"))
    assert code == 0 and "已校验" in out
    (bundle,) = (tmp_path / "bak").glob("*.bundle")
    manifest = json.loads(
        bundle.with_name(bundle.name + ".manifest.json").read_text(encoding="utf-8")
    )
    assert set(manifest["refs"]) == {
        "refs/heads/main",
        "refs/heads/content/draft-x",
        "refs/tags/v1",
    }
    code, out, _ = run(capsys, "restore", str(bundle), str(tmp_path / "restored"))
    assert code == 0
    restored = tmp_path / "restored"
    assert (restored / "content/education/a.md").read_text(encoding="utf-8") == (
        factory.root / "content/education/a.md"
    ).read_text(encoding="utf-8")
    monkeypatch.chdir(restored)
    assert run(capsys, "--as-of", "2026-11-28", "build", "--profile", "public")[0] == 0
    assert "欢迎来到微笑口腔科普网站" in (restored / "site/public/index.html").read_text(
        encoding="utf-8"
    )


def _git_in(repo, *args) -> str:
    import subprocess

    done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    return done.stdout.decode()


def _checkout_like_actions(source, dest):
    """A clone as actions/checkout makes one: `git init`, origin added, the one branch the run is
    about fetched to refs/remotes/origin, a local branch made from it."""
    dest.mkdir()
    _git_in(dest, "init", "-q")
    _git_in(dest, "remote", "add", "origin", f"file://{source}")
    _git_in(dest, "fetch", "-q", "--no-tags", "origin", "+refs/heads/main:refs/remotes/origin/main")
    _git_in(dest, "checkout", "-q", "--force", "-B", "main", "refs/remotes/origin/main")
    return dest


def test_a_backup_made_in_a_ci_clone_brings_every_branch_back(
    factory, tmp_path, capsys, monkeypatch
):
    factory.article("education/a.md", title="刷牙", body="每天早晚刷牙。")
    factory.commit_all("稿", "lixiaoyu")
    factory.git("checkout", "-q", "-b", "content/draft-x")
    factory.article("education/draft.md", title="洗牙", body="洗牙不伤牙釉质。")
    factory.commit_all("草稿", "lixiaoyu")
    factory.git("tag", "-a", "-m", "草稿版", "draft-1")
    factory.git("checkout", "-q", "main")
    wanted = ("refs/heads/main", "refs/heads/content/draft-x", "refs/tags/draft-1")
    source = {name: _git_in(factory.root, "rev-parse", name).strip() for name in wanted}

    monkeypatch.chdir(_checkout_like_actions(factory.root, tmp_path / "ci"))
    assert _git_in(".", "for-each-ref", "--format=%(refname)").split() == [
        "refs/heads/main",
        "refs/remotes/origin/main",
    ]
    code, _, err = run(capsys, "backup", "--to", str(tmp_path / "bak"))
    assert code == 0, err
    (bundle,) = (tmp_path / "bak").glob("*.bundle")
    assert not list((tmp_path / "bak").glob(".staging-*"))  # the staging repository is gone
    code, _, err = run(capsys, "restore", str(bundle), str(tmp_path / "restored"))
    assert code == 0, err
    restored = tmp_path / "restored"
    assert {name: _git_in(restored, "rev-parse", name).strip() for name in wanted} == source
    draft = _git_in(restored, "show", "content/draft-x:content/education/draft.md")
    assert "洗牙不伤牙釉质" in draft
    assert _git_in(restored, "symbolic-ref", "--short", "HEAD").strip() == "main"
    # A plain `git clone` of the bundle (no SmilePress at hand) sees every branch too.
    heads = _git_in(tmp_path, "bundle", "list-heads", str(bundle))
    assert "refs/heads/content/draft-x" in heads


def test_without_the_fetch_a_ci_clone_backs_up_only_what_it_holds(
    factory, tmp_path, capsys, monkeypatch
):
    factory.commit_all("一", "lixiaoyu")
    factory.git("branch", "content/draft-x")
    monkeypatch.chdir(_checkout_like_actions(factory.root, tmp_path / "ci"))
    code, _, err = run(capsys, "backup", "--no-fetch", "--to", str(tmp_path / "bak"))
    (bundle,) = (tmp_path / "bak").glob("*.bundle")
    manifest = json.loads(
        bundle.with_name(bundle.name + ".manifest.json").read_text(encoding="utf-8")
    )
    assert code == 0 and set(manifest["refs"]) == {"refs/heads/main"}, err


def test_an_unreachable_origin_stops_the_backup_saying_what_to_do(
    factory, tmp_path, capsys, monkeypatch
):
    factory.commit_all("一", "lixiaoyu")
    ci = _checkout_like_actions(factory.root, tmp_path / "ci")
    _git_in(ci, "remote", "set-url", "origin", f"file://{tmp_path / 'gone'}")
    monkeypatch.chdir(ci)
    code, _, err = run(capsys, "backup", "--to", str(tmp_path / "bak"))
    assert code == 1 and "--no-fetch" in err and not list((tmp_path / "bak").glob("*.bundle"))


def test_a_damaged_bundle_is_refused_and_nothing_is_restored(factory, tmp_path, capsys):
    factory.article("education/a.md", title="刷牙", body="每天早晚刷牙。")
    factory.commit_all("稿", "lixiaoyu")
    done = backup(factory.root, tmp_path / "bak")
    data = bytearray(done.bundle.read_bytes())
    data[-10] ^= 0xFF
    done.bundle.write_bytes(bytes(data))
    code, _, err = run(capsys, "restore", str(done.bundle), str(tmp_path / "r"))
    assert code == 1 and "SHA-256" in err and not (tmp_path / "r").exists()


def test_only_the_newest_backups_are_kept(factory, tmp_path):
    factory.commit_all("一", "lixiaoyu")
    for day in range(1, 5):
        done = backup(
            factory.root,
            tmp_path / "bak",
            keep=2,
            now=dt.datetime(2026, 11, day, tzinfo=dt.UTC),
        )
    names = sorted(p.name for p in (tmp_path / "bak").glob("*.bundle"))
    assert len(names) == 2 and names[-1] == done.bundle.name and len(done.removed) == 1
    assert len(list((tmp_path / "bak").glob("*.manifest.json"))) == 2


def test_restore_into_a_non_empty_folder_is_refused(factory, tmp_path, capsys):
    factory.commit_all("一", "lixiaoyu")
    done = backup(factory.root, tmp_path / "bak")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    code, _, err = run(capsys, "restore", str(done.bundle), str(tmp_path / "busy"))
    assert code == 1 and "不是空的" in err


def test_a_shallow_clone_is_not_a_backup(factory, tmp_path, capsys, monkeypatch):
    factory.commit_all("一", "lixiaoyu")
    factory.commit_all("二", "lixiaoyu")
    import subprocess

    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{factory.root}", str(tmp_path / "shallow")],
        check=True,
    )
    monkeypatch.chdir(tmp_path / "shallow")
    code, _, err = run(capsys, "backup", "--to", str(tmp_path / "bak"))
    assert code == 1 and "浅克隆" in err and not list((tmp_path / "bak").glob("*.bundle"))


def test_the_committed_codeowners_files_are_up_to_date(capsys, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    code, _, err = run(capsys, "codeowners", "--check")
    assert code == 0, err


def test_codeowners_follow_the_workflow_and_notice_a_change(factory, capsys):
    assert run(capsys, "codeowners")[0] == 0
    github = (factory.root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/content/faq/ @liufang @wangliming\n" in github  # faq: dentists only
    assert "/policies/compliance/ @chensiyuan @zhaomin\n" in github
    gitlab = (factory.root / ".gitlab/CODEOWNERS").read_text(encoding="utf-8")
    assert "[推广广告][3]\n/content/ads/" in gitlab  # three roles must approve an ad
    people = factory.root / "policies/people.yml"
    people.write_text(
        people.read_text(encoding="utf-8").replace("forge: zhaomin", "forge: zhao-min"),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "codeowners", "--check")
    assert code == 1 and ".github/CODEOWNERS" in err


def test_a_bad_forge_name_is_reported_with_its_line(factory, capsys):
    people = factory.root / "policies/people.yml"
    people.write_text(
        people.read_text(encoding="utf-8").replace("forge: zhaomin", "forge: 'zhao min!'"),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "codeowners")
    assert code == 1 and "policies/people.yml:" in err and "forge" in err


REPO_ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
TEMPLATES = {
    ".github/workflows/smilepress.yml": "vendor.github-workflows",
    ".gitlab-ci.yml": "vendor.gitlab-ci",
}


def test_the_ci_templates_are_valid_for_their_forges():
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    tool = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    for rel, schema in TEMPLATES.items():
        result = subprocess.run(
            [tool, "--builtin-schema", schema, str(REPO_ROOT / rel)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_every_command_the_templates_run_exists():
    import re

    from smilepress.cli.parser import _parser

    commands = set(_parser()._subparsers._group_actions[0].choices)
    for rel in TEMPLATES:
        text = (REPO_ROOT / rel).read_text(encoding="utf-8")
        used = set(re.findall(r"bin/smilepress (\w[\w-]*)", text))
        assert used and used <= commands, used - commands
        assert "make test" in text or "make build" in text
        assert re.search(
            r"fetch-depth: 0|GIT_DEPTH: \"0\"", text
        )  # full history: approvals are proven from it
        assert (REPO_ROOT / "scripts/publish").is_file() and "scripts/publish" in text


def test_python_dash_m_runs_the_command(factory):
    """`python -m smilepress.cli` runs every command, not only those defined before the module's
    end."""
    import subprocess
    import sys

    factory.article("education/a.md", title="刷牙", body="每天刷牙两次。")
    for args, code in (
        (["--help"], 0),
        (["check", "--help"], 0),
        (["check"], 0),
        (["list", "--format", "json"], 0),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "smilepress.cli", *args],
            cwd=factory.root,
            capture_output=True,
            text=True,
        )
        assert result.returncode == code and "内部错误" not in result.stderr, (
            args,
            result.stdout,
            result.stderr,
        )


def test_publish_deploys_atomically_keeps_the_previous_release_and_rolls_back(factory, tmp_path):
    import subprocess
    import sys

    factory.page("index.md", title="首页", body="第一版首页。")
    target = tmp_path / "www"

    def publish(*extra):
        return subprocess.run(
            [sys.executable, str(REPO_ROOT / "scripts/publish"), "--as-of", "2026-11-28", *extra],
            cwd=factory.root,
            capture_output=True,
            text=True,
        )

    assert publish("--target", str(target)).returncode == 0
    first = (target / "current").resolve()
    assert "第一版首页" in (target / "current/public/index.html").read_text(encoding="utf-8")
    assert (target / "current/internal").is_dir()
    factory.page("index.md", title="首页", body="第二版首页。")
    assert publish("--target", str(target)).returncode == 0
    assert "第二版首页" in (target / "current/public/index.html").read_text(encoding="utf-8")
    assert (target / "previous").resolve() == first
    result = publish("--rollback", "--target", str(target))
    assert result.returncode == 0, result.stderr
    assert "第一版首页" in (target / "current/public/index.html").read_text(encoding="utf-8")
    assert len(list((target / "releases").iterdir())) == 2


def test_the_review_summary_names_who_must_approve_and_shows_the_changed_characters(
    factory, capsys
):
    factory.article("education/a.md", title="刷牙方法", body="每天早晚各刷牙一次，每次两分钟。")
    factory.commit_all("写稿", "lixiaoyu")
    with factory.acting_as("lixiaoyu"):
        assert main(["submit", "content/education/a.md"]) == 0
    with factory.acting_as("wangliming"):
        assert main(["approve", "--role", "dentist", "content/education/a.md"]) == 0
    factory.git("checkout", "-q", "-b", "content/a-edit")
    path = factory.root / "content/education/a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("两分钟", "三分钟"), encoding="utf-8")
    factory.commit_all("改时长", "lixiaoyu")
    capsys.readouterr()
    code, out, _ = run(capsys, "review-summary", "--base", "main")
    assert code == 0 and "`content/education/a.md` 刷牙方法" in out
    assert "<del>两</del><ins>三</ins>" in out  # one character, not the whole line
    assert "还需批准：口腔医师（王立明、刘芳）；部门经理（陈思远）" in out


def test_the_board_shows_articles_on_main_and_on_content_branches(factory, capsys):
    factory.article("education/a.md", title="刷牙方法", body="每天早晚刷牙。", status="review")
    factory.commit_all("写稿", "lixiaoyu")
    factory.git("checkout", "-q", "-b", "content/new-faq")
    factory.article(
        "faq/q.md", title="洗牙疼吗？", type="faq", body="大多数人只有轻微不适。", author="wujia"
    )
    factory.commit_all("写问答", "wujia")
    factory.git("checkout", "-q", "main")
    code, out, _ = run(capsys, "--as-of", "2026-12-05", "board", "--format", "json")
    found = {i["path"]: i for i in json.loads(out)}
    assert code == 0 and found["content/education/a.md"]["branch"] == ""
    assert found["content/education/a.md"]["waiting_for"] == ["口腔医师", "部门经理"]
    faq = found["content/faq/q.md"]
    assert (
        faq["branch"] == "content/new-faq"
        and faq["status"] == "draft"
        and faq["waiting_for"] == ["口腔医师"]
    )
    assert faq["days"] >= 0 and faq["since"]
    code, out, _ = run(capsys, "board")
    assert "［分支 content/new-faq］" in out and "审核中（1）" in out
