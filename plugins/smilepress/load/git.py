"""The one way SmilePress runs git: `run` returns what git printed, or raises GitError.

Every failure is a GitError, whatever went wrong (not a repository, a bad revision, a refused
commit, no git installed): a SmilePressError whose problem says in Chinese which git command failed,
with git's own stderr, so staff see one line and never a traceback. A caller for which a failure is
an ordinary answer (no history, no such file in that commit) catches GitError where it calls.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import Problem, SmilePressError


class GitError(SmilePressError):
    """A git command that failed; `stderr` is what git said, `detail` that or the message."""

    def __init__(self, root: Path, args: tuple[str, ...], stderr: str, message: str, hint: str):
        self.root = root
        self.command = args
        self.stderr = stderr
        super().__init__(Problem(str(root), 0, message, hint))

    @property
    def detail(self) -> str:
        return self.stderr.strip() or self.problems[0].message


def run(root: Path, *args: str, hint: str = "") -> str:
    """Run `git args` in `root` and return its output, or raise GitError.

    The output is decoded as UTF-8 and otherwise as git wrote it: not stripped, line ends kept (a
    CRLF file shown from a commit is the same text as on disk).
    """
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, stdin=subprocess.DEVNULL, capture_output=True
        )
    except OSError as exc:  # no git program, or no such folder
        message = (
            f"找不到目录 {root}"
            if not Path(root).is_dir()
            else f"无法运行 git：{exc.strerror or exc}"
        )
        raise GitError(root, args, "", message, hint or "确认已安装 git") from None
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace")
        message = f"git {' '.join(args[:2])} 失败：{stderr.strip()[:300]}"
        raise GitError(root, args, stderr, message, hint)
    return result.stdout.decode("utf-8", "replace")


def rev_parse(root: Path, *args: str) -> str:
    """`git rev-parse args`, stripped (a commit, a branch, true/false ...); GitError if it fails."""
    return run(root, "rev-parse", *args).strip()


def is_repository(root: Path) -> bool:
    """Whether `root` is in a git work tree: a `.git` folder (or a worktree's `.git` file) in it or
    in a folder above it. Read from the disk, as git finds it, so that a repository git refuses to
    read (another owner's, say) is one, and its GitError says why."""
    folder = Path(root).resolve()
    return any((d / ".git").exists() for d in (folder, *folder.parents))
