"""What git proves: who added each approval, and the audit trail of a file.

Bulk questions are answered with one `git log` pass (a per-file call costs ~60 ms; one pass over
all files costs about as much as one call). Commands run through load/git.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import git
from .git import GitError

_APPROVAL_LINE = re.compile(r"^\+\s*-\s*(\{.*\bdigest\s*:.*\})\s*$")


@dataclass(frozen=True)
class Commit:
    sha: str
    email: str
    name: str
    date: str  # ISO 8601, author date
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]


ApprovalKey = tuple[str, str, str, str]  # (by, role, digest, review_by of a re-review or "")


def approval_key(by: str, role: str, digest: str, review_by: object = None) -> ApprovalKey:
    """What a commit must have added for an approval to be proven (a re-review's date included)."""
    return (by, role, digest, str(review_by)[:10] if review_by else "")


@dataclass
class History:
    """Git facts about a project; `available` is False for a checkout without history (a tarball)."""

    root: Path
    available: bool
    shallow: bool = False
    reason: str = ""

    @classmethod
    def open(cls, root: Path) -> History:
        if not git.is_repository(root):
            return cls(
                root, False, reason="这不是 git 仓库（例如从压缩包解出），没有历史可以证明批准"
            )
        try:
            top = Path(git.rev_parse(root, "--show-toplevel"))
            try:
                git.rev_parse(root, "--verify", "--quiet", "HEAD")
            except GitError:
                return cls(root, False, reason="git 仓库还没有任何提交")
            shallow = git.rev_parse(root, "--is-shallow-repository") == "true"
        except GitError as exc:
            return cls(root, False, reason=f"无法读取 git 历史：{exc.detail}")
        return cls(
            top,
            True,
            shallow,
            "浅克隆（shallow clone）历史不完整：请 git fetch --unshallow，"
            "或在 CI 中设置 fetch-depth: 0"
            if shallow
            else "",
        )

    def _git(self, *args: str) -> str:
        return git.run(self.root, *args)

    def approval_commits(self, pathspec: str) -> dict[ApprovalKey, list[Commit]]:
        """Every commit that added a one-line approval under `pathspec`, keyed by `approval_key`."""
        if not self.available:
            return {}
        out = self._git(
            "log",
            "--no-renames",
            "--no-color",
            "-U0",
            "-p",
            "-G",
            "digest",
            "--format=%x1e%H%x1f%ae%x1f%an%x1f%aI%x1f%s",
            "HEAD",
            "--",
            pathspec,
        )
        found: dict[ApprovalKey, list[Commit]] = {}
        for record in out.split("\x1e")[1:]:
            header, _, diff = record.partition("\n")
            commit = Commit(*header.split("\x1f", 4))
            for line in diff.splitlines():
                match = _APPROVAL_LINE.match(line)
                if not match:
                    continue
                try:
                    item = yaml.safe_load(match.group(1))
                except yaml.YAMLError:
                    continue
                if isinstance(item, dict) and all(
                    isinstance(item.get(k), str) for k in ("by", "role", "digest")
                ):
                    key = approval_key(
                        item["by"], item["role"], item["digest"], item.get("review_by")
                    )
                    found.setdefault(key, []).append(commit)
        return found

    def file_commits(self, rel: str) -> list[tuple[Commit, str]]:
        """Commits that touched `rel`, oldest first, each with the file's path in that commit."""
        if not self.available:
            return []
        out = self._git(
            "log",
            "--follow",
            "--reverse",
            "--name-only",
            "--format=%x1e%H%x1f%ae%x1f%an%x1f%aI%x1f%s",
            "HEAD",
            "--",
            rel,
        )
        result = []
        for record in out.split("\x1e")[1:]:
            header, _, names = record.partition("\n")
            paths = names.split()
            result.append((Commit(*header.split("\x1f", 4)), paths[-1] if paths else rel))
        return result

    def commits_by_path(self, pathspec: str) -> dict[str, list[Commit]]:
        """Every file under `pathspec` -> the commits that touched it, newest first (one git pass)."""
        if not self.available:
            return {}
        out = self._git(
            "log",
            "--no-renames",
            "--no-color",
            "--name-only",
            "--format=%x1e%H%x1f%ae%x1f%an%x1f%aI%x1f%s",
            "HEAD",
            "--",
            pathspec,
        )
        found: dict[str, list[Commit]] = {}
        for record in out.split("\x1e")[1:]:
            header, _, names = record.partition("\n")
            commit = Commit(*header.split("\x1f", 4))
            for name in names.split("\n"):
                if name.strip():
                    found.setdefault(name.strip(), []).append(commit)
        return found

    def file_at(self, commit: Commit, path: str) -> str | None:
        """The text of `path` as of `commit`, or None if it did not exist there."""
        try:
            return self._git("show", f"{commit.sha}:{path}")
        except GitError:
            return None
