"""The one git runner (load/git.py): git's output, or a GitError that says in Chinese which command
failed, with git's own words; and the commands built on it never show staff a traceback."""

from __future__ import annotations

import stat
import subprocess

import pytest

from smilepress.cli import main
from smilepress.errors import SmilePressError
from smilepress.load import git
from smilepress.load.git import GitError
from smilepress.load.history import Commit, History
from smilepress.project import Project

A = "content/education/a.md"


def test_the_output_is_what_git_wrote(factory):
    sha = git.run(factory.root, "rev-parse", "HEAD")
    assert sha.endswith("\n") and git.rev_parse(factory.root, "HEAD") == sha.strip()
    text = "---\r\ntitle: 甲\r\n---\r\n\r\n正文。\r\n"
    (factory.root / "crlf.md").write_bytes(text.encode("utf-8"))
    factory.commit_all("CRLF", "lixiaoyu")
    assert git.run(factory.root, "show", "HEAD:crlf.md") == text  # line ends kept


def test_outside_a_repository_a_command_is_a_git_error_with_git_own_words(tmp_path):
    assert not git.is_repository(tmp_path)
    with pytest.raises(GitError) as caught:
        git.run(tmp_path, "status", "--porcelain")
    error = caught.value
    assert isinstance(error, SmilePressError)  # the CLI tells it as one line, like any problem
    assert error.stderr.strip() and error.detail == error.stderr.strip()
    (problem,) = error.problems
    assert problem.path == str(tmp_path)
    assert problem.message == f"git status --porcelain 失败：{error.stderr.strip()[:300]}"


def test_a_failing_command_in_a_repository_carries_its_stderr(factory):
    assert git.is_repository(factory.root) and git.is_repository(factory.root / "content")
    with pytest.raises(GitError) as caught:
        git.run(factory.root, "show", "HEAD:content/nope.md")
    assert "content/nope.md" in caught.value.stderr
    assert "git show HEAD:content/nope.md 失败" in str(caught.value)
    with pytest.raises(GitError):
        git.rev_parse(factory.root, "--verify", "no-such-branch")


def test_no_folder_and_no_git_program_are_git_errors_too(factory, tmp_path, monkeypatch):
    with pytest.raises(GitError) as caught:
        git.run(tmp_path / "gone", "status")
    assert "找不到目录" in str(caught.value)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(GitError) as caught:
        git.run(factory.root, "status")
    assert "无法运行 git" in str(caught.value) and caught.value.problems[0].hint == "确认已安装 git"


def test_history_says_why_there_is_none(factory, tmp_path):
    assert "不是 git 仓库" in History.open(tmp_path).reason
    empty = tmp_path / "empty"
    empty.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=empty, check=True)
    assert History.open(empty).reason == "git 仓库还没有任何提交"
    inner = History.open(factory.root / "content")  # a project in a subfolder of its repository
    assert inner.available and not inner.shallow
    assert inner.root.resolve() == factory.root.resolve()


def test_the_log_records_are_read_into_commits(factory):
    factory.article("education/a.md", title="甲")
    factory.commit_all("写稿：甲", "lixiaoyu")
    factory.article("education/a.md", title="甲", body="改过的正文。")
    factory.commit_all("修改", "wangliming")
    history = History.open(factory.root)
    (written, edited) = [c for c, _ in history.file_commits(A)]  # oldest first
    assert isinstance(written, Commit) and len(written.sha) == 40
    assert (written.email, written.name, written.subject) == (
        "lixiaoyu@example.com",
        factory.people()["lixiaoyu"]["name"],
        "写稿：甲",
    )
    assert (edited.email, edited.subject) == ("wangliming@example.com", "修改")
    assert edited.date >= written.date
    factory.git("mv", A, "content/education/b.md")
    factory.commit_all("改名", "lixiaoyu")
    by_path = History.open(factory.root).commits_by_path("content")  # newest first
    assert [c.subject for c in by_path[A]] == ["改名", "修改", "写稿：甲"]
    assert [c.subject for c in by_path["content/education/b.md"]] == ["改名"]


def test_paths_outside_ascii_are_read_as_written(factory):
    """git quotes a non-ASCII path as octal escapes unless told not to: an approval of an article
    in a folder named in Chinese could then never be proven."""
    rel = "content/口腔护理/关于.md"
    factory.page("口腔护理/关于.md", "关于我们", "正文。")
    history = History.open(factory.root)
    assert rel in history.commits_by_path("content")
    assert rel in {
        c.path for _, changes in history.changes_since(factory.trust_root, []) for c in changes
    }
    project = Project(factory.root)
    entry = project.entry(project.load(factory.root / rel))
    assert [v.counts for v in entry.approvals.verdicts] == [True]


def _refuse_commits(factory) -> None:
    hook = factory.root / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho '钩子拒绝了这次提交' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)


def test_a_refused_commit_is_one_line_for_staff_and_the_file_goes_back(factory, capsys):
    factory.article("education/a.md", title="甲", body="术后 24 小时内不要漱口。")
    factory.commit_all("写稿", "lixiaoyu")
    before = (factory.root / A).read_bytes()
    _refuse_commits(factory)
    with factory.acting_as("lixiaoyu"):
        code = main(["submit", A])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    assert "提交失败，文件已恢复原样" in err and "钩子拒绝了这次提交" in err
    assert (factory.root / A).read_bytes() == before


def test_a_refused_commit_of_a_new_article_is_a_message_not_an_internal_error(factory, capsys):
    _refuse_commits(factory)
    with factory.acting_as("sunhao"):
        code = main(["new", "--type", "education", "--title", "涂氟", "--slug", "tu-fu"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err and "内部错误" not in err
    assert err.startswith("错误：") and "钩子拒绝了这次提交" in err
