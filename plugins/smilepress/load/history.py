"""What git proves: who added each approval, and the audit trail of a file.

Bulk questions are answered with one `git log` pass (a per-file call costs ~60 ms; one pass over
all files costs about as much as one call). Commands run through load/git.py; `_log` is the one
reader of the log's records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import git
from .git import GitError

# One record per commit: a record separator, then the fields separated by unit separators.
_LOG_FORMAT = "--format=%x1e%H%x1f%ae%x1f%an%x1f%aI%x1f%s%x1f%P"
_NO_BLOB = "0" * 40
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id of the empty tree


@dataclass(frozen=True)
class Commit:
    sha: str
    email: str
    name: str
    date: str  # ISO 8601, author date
    subject: str
    parents: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True)
class Change:
    """One file changed by a commit: its blob before (None: added) and after (None: deleted).
    `old_path` differs from `path` for a rename."""

    path: str
    old_path: str
    old_blob: str | None
    new_blob: str | None


# (by, role, digest, review_by of a re-review or "", the recorded forge review or "", at)
ApprovalKey = tuple[str, str, str, str, str, str]


def approval_key(
    by: str,
    role: str,
    digest: str,
    review_by: object = None,
    review: object = None,
    at: object = None,
) -> ApprovalKey:
    """One approval line, as a commit must have added it for the approval to be proven: the
    digest, a re-review's date, a recorded review and the time included, so that re-typing an old
    line is a new line."""
    return (
        by,
        role,
        digest,
        str(review_by)[:10] if review_by else "",
        str(review or ""),
        str(at or ""),
    )


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
            sha, email, name, date, subject, parents = header.split("\x1f", 5)
            yield Commit(sha, email, name, date, subject, tuple(parents.split())), rest

    def changes_since(self, root: str, pathspecs: list[str]) -> list[tuple[Commit, list[Change]]]:
        """Every commit after `root` (reachable from HEAD, not from `root`; with `pathspecs`, those
        that changed a file under them), parents before children, with its changes against its first
        parent (renames followed). A merge lists what it changed beyond all its parents (--cc), so
        an "evil merge" is seen and a clean one is not, and what it undid of one parent's changes
        (`_undone`)."""
        out = []
        log = self._log(
            "--reverse",
            "--topo-order",
            "--raw",
            "--cc",
            "--no-abbrev",
            "-M",
            "--no-color",
            f"{root}..HEAD",
            "--",
            *pathspecs,
        )
        for commit, raw in log:
            changes = [c for c in map(_raw_change, raw.splitlines()) if c]
            if len(commit.parents) > 1:
                changes += self._undone(commit, {c.path for c in changes}, pathspecs)
            out.append((commit, changes))
        return out

    def _undone(self, merge: Commit, seen: set[str], pathspecs: list[str]) -> list[Change]:
        """The files in which `merge` undid what one of its parents had changed since their common
        base: it kept another parent's text (`git merge -s ours`, or a conflict resolved by taking
        one side). --cc shows no change there, but the merge made one: it removed that parent's
        work (an archive, a signed policy change), as a revert would, and answers for it as its
        own change from that parent's text. A clean merge, which takes each parent's changes,
        undoes nothing."""
        try:
            base = git.run(self.root, "merge-base", "--octopus", *merge.parents).strip()
        except GitError:  # unrelated histories: everything each parent has is its change
            base = ""
        found = []
        for parent in merge.parents:
            changed = self._diff(base or _EMPTY_TREE, parent, pathspecs)
            differs = self._diff(parent, merge.sha, pathspecs)
            for path in sorted(changed.keys() & differs.keys() - seen):
                found.append(differs[path])
                seen.add(path)
        return found

    def _diff(self, old: str, new: str, pathspecs: list[str]) -> dict[str, Change]:
        raw = git.run(
            self.root, "diff", "--raw", "--no-renames", "--no-abbrev", old, new, "--", *pathspecs
        )
        return {c.path: c for c in map(_raw_change, raw.splitlines()) if c}

    def is_ancestor(self, older: str, newer: str = "HEAD") -> bool:
        try:
            git.run(self.root, "merge-base", "--is-ancestor", older, newer)
            return True
        except GitError:
            return False

    def resolve(self, rev: str) -> str | None:
        """The full id of commit `rev`, None if there is no such commit."""
        try:
            return git.rev_parse(self.root, "--verify", "--quiet", f"{rev}^{{commit}}")
        except GitError:
            return None

    def blobs(self, ids: list[str]) -> dict[str, bytes]:
        return git.blobs(self.root, ids)

    def tree_files(self, commit: str, folder: str) -> dict[str, str]:
        """path -> blob id of every file under `folder` as of `commit`."""
        try:
            out = git.run(self.root, "ls-tree", "-r", "--full-tree", commit, "--", folder)
        except GitError:
            return {}
        found = {}
        for line in out.splitlines():
            info, _, path = line.partition("\t")
            parts = info.split()
            if len(parts) == 3 and parts[1] == "blob":
                found[path] = parts[2]
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


def _raw_change(line: str) -> Change | None:
    """A `--raw` line: ":old_mode new_mode old new STATUS\tpath[\tnew_path]", or a merge's
    "::m1 m2 m new p1 p2 new STATUS\tpath" (compared with the first parent)."""
    if not line.startswith(":"):
        return None
    info, _, paths = line.partition("\t")
    fields = info.lstrip(":").split()
    names = paths.split("\t")
    colons = len(line) - len(line.lstrip(":"))
    parents = colons  # one old mode and blob per parent
    blobs = fields[parents + 1 : parents + 1 + parents + 1]
    old, new = blobs[0], blobs[-1]
    status = fields[-1][:1]
    return Change(
        names[-1],
        names[0],
        None if old == _NO_BLOB or status == "A" else old,
        None if new == _NO_BLOB or status == "D" else new,
    )
