"""The one way SmilePress runs git: `run` returns what git printed, or raises GitError.

Every failure is a GitError, whatever went wrong (not a repository, a bad revision, a refused
commit, no git installed): a SmilePressError whose problem says in Chinese which git command failed,
with git's own stderr, so staff see one line and never a traceback. A caller for which a failure is
an ordinary answer (no history, no such file in that commit) catches GitError where it calls.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import git  # GitPython (named by the user): runs the command, finds the git program, no shell

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


def run(root: Path, *args: str, hint: str = "", env: dict[str, str] | None = None) -> str:
    """Run `git args` in `root` and return its output, or raise GitError.

    The output is decoded as UTF-8 and otherwise as git wrote it: not stripped, line ends kept (a
    CRLF file shown from a commit is the same text as on disk). `env`: variables set for this one
    command, over the process's own (a commit made as someone else).
    """
    return _execute(root, args, hint, subprocess.DEVNULL, env).decode("utf-8", "replace")


def blobs(root: Path, ids: list[str]) -> dict[str, bytes]:
    """The bytes of each blob id, read in one `git cat-file --batch`; a missing id is left out."""
    if not ids:
        return {}
    with tempfile.TemporaryFile() as request:
        request.write("".join(f"{i}\n" for i in ids).encode())
        request.seek(0)
        out = _execute(root, ("cat-file", "--batch"), "", request)
    found, pos = {}, 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3:  # "<id> blob <size>"; a missing one is "<id> missing"
            size = int(header[2])
            found[header[0].decode()] = out[pos : pos + size]
            pos += size + 1
    return found


def _execute(
    root: Path, args: tuple[str, ...], hint: str, istream, env: dict[str, str] | None = None
) -> bytes:
    if not Path(root).is_dir():
        raise GitError(root, args, "", f"找不到目录 {root}", hint or "确认项目目录存在")
    try:
        status, out, err = git.cmd.Git(root).execute(
            # Paths as they are: by default git writes a non-ASCII path ("content/口腔/a.md") as a
            # quoted octal escape, which no reader here expects.
            ["git", "-c", "core.quotePath=false", *args],
            with_extended_output=True,
            with_exceptions=False,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
            istream=istream,
            env=env,
        )
    except (OSError, git.GitCommandNotFound) as exc:  # no git program
        raise GitError(root, args, "", f"无法运行 git：{exc}", hint or "确认已安装 git") from None
    if status != 0:
        stderr = (
            err if isinstance(err, str) else err.decode("utf-8", "replace")
        )  # GitPython decodes it
        message = f"git {' '.join(args[:2])} 失败：{stderr.strip()[:300]}"
        raise GitError(root, args, stderr, message, hint)
    return out


def rev_parse(root: Path, *args: str) -> str:
    """`git rev-parse args`, stripped (a commit, a branch, true/false ...); GitError if it fails."""
    return run(root, "rev-parse", *args).strip()


def is_repository(root: Path) -> bool:
    """Whether `root` is in a git work tree: a `.git` folder (or a worktree's `.git` file) in it or
    in a folder above it. Read from the disk, as git finds it, so that a repository git refuses to
    read (another owner's, say) is one, and its GitError says why."""
    folder = Path(root).resolve()
    return any((d / ".git").exists() for d in (folder, *folder.parents))
