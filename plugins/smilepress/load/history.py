"""What git proves: who added each approval, and the audit trail of a file.

Bulk questions are answered with one `git log` pass (a per-file call costs ~60 ms; one pass over
all files costs about as much as one call). Commands run through load/git.py; `_log` is the one
reader of the log's records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import git
from .git import GitError

_APPROVAL_LINE = re.compile(r"^\+\s*-\s*(\{.*\bdigest\s*:.*\})\s*$")
# One record per commit: a record separator, then the fields separated by unit separators.
_LOG_FORMAT = "--format=%x1e%H%x1f%ae%x1f%an%x1f%aI%x1f%s"


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
    """Git facts about a project; `available` is False for a checkout without history (tarball)."""

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

    def _log(self, *args: str) -> Iterator[tuple[Commit, str]]:
        """`git log args`, one (commit, the rest of its record: names or diff) per commit."""
        out = git.run(self.root, "log", _LOG_FORMAT, *args)
        for record in out.split("\x1e")[1:]:
            header, _, rest = record.partition("\n")
            yield Commit(*header.split("\x1f", 4)), rest

    def approval_commits(self, pathspec: str) -> dict[ApprovalKey, list[Commit]]:
        """Every commit that added a one-line approval under `pathspec`, keyed by `approval_key`."""
        if not self.available:
            return {}
        found: dict[ApprovalKey, list[Commit]] = {}
        log = self._log(
            "--no-renames", "--no-color", "-U0", "-p", "-G", "digest", "HEAD", "--", pathspec
        )
        for commit, diff in log:
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
        result = []
        # Newest first, reversed here: git drops the commits before a rename with
        # --follow --reverse.
        for commit, names in self._log("--follow", "--name-only", "HEAD", "--", rel):
            paths = names.split()
            result.append((commit, paths[-1] if paths else rel))
        return result[::-1]

    def commits_by_path(self, pathspec: str) -> dict[str, list[Commit]]:
        """Every file under `pathspec` -> the commits that touched it, newest first (one pass)."""
        if not self.available:
            return {}
        found: dict[str, list[Commit]] = {}
        for commit, names in self._log(
            "--no-renames", "--no-color", "--name-only", "HEAD", "--", pathspec
        ):
            for name in names.split("\n"):
                if name.strip():
                    found.setdefault(name.strip(), []).append(commit)
        return found

    def file_at(self, commit: Commit, path: str) -> str | None:
        """The text of `path` as of `commit`, or None if it did not exist there."""
        try:
            return git.run(self.root, "show", f"{commit.sha}:{path}")
        except GitError:
            return None
