"""Backups that are proven (regulation §6(一)1): a git bundle of every branch and tag, a SHA-256
manifest beside it, `git bundle verify`, and a restore that recreates a working repository.

The bundle carries the whole history, so a restored repository still proves every approval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, SmilePressError
from ..load import git
from ..load.files import write_atomically
from ..load.git import GitError

MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class Backup:
    bundle: Path
    manifest: Path
    sha256: str
    refs: dict[str, str]
    removed: tuple[Path, ...] = ()  # older bundles removed to keep the last N


def _git(*args: str, cwd: Path) -> str:
    return git.run(cwd, *args, hint="确认这是一个 git 仓库，且磁盘可写")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _refs(repo: Path, *patterns: str) -> dict[str, str]:
    """refname -> commit of the refs under `patterns` (symbolic ones such as origin/HEAD left
    out)."""
    out = _git("for-each-ref", "--format=%(objectname) %(refname) %(symref)", *patterns, cwd=repo)
    refs = {}
    for line in out.splitlines():
        sha, name, symref = (line.split(" ", 2) + [""])[:3]
        if not symref.strip():
            refs[name] = sha
    return refs


def _fetch_every_head(repo: Path) -> None:
    """A CI clone (actions/checkout, a GitLab runner) holds one local branch and sees the others, if
    at all, under refs/remotes/origin: fetch every branch and tag of origin there first."""
    if "origin" not in _git("remote", cwd=repo).split():
        return
    git.run(
        repo,
        "fetch",
        "--quiet",
        "--prune",
        "origin",
        "+refs/heads/*:refs/remotes/origin/*",
        "+refs/tags/*:refs/tags/*",
        hint="备份前要从 origin 取回所有分支：检查网络和凭据，或加 --no-fetch 只备份本地已有的分支",
    )


def _branches_and_tags(repo: Path) -> dict[str, str]:
    """What the backup holds: origin's branches (as seen after the fetch), the local branches over
    them (a local branch may hold commits not pushed yet), and every tag."""
    refs = {
        "refs/heads/" + name.removeprefix("refs/remotes/origin/"): sha
        for name, sha in _refs(repo, "refs/remotes/origin").items()
    }
    refs.update(_refs(repo, "refs/heads"))
    refs.update(_refs(repo, "refs/tags"))
    return refs


def _bundle(repo: Path, refs: dict[str, str], head: str, out: Path) -> None:
    """A bundle whose refs are `refs`, made in a staging repository that borrows `repo`'s objects
    (git alternates: nothing copied, `repo` untouched), so a remote-tracking branch goes in as a
    branch and `git clone` of the bundle alone brings every branch back."""
    objects = Path(_git("rev-parse", "--git-common-dir", cwd=repo).strip())
    objects = (objects if objects.is_absolute() else repo / objects).resolve() / "objects"
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=out.parent) as staging:
        stage = Path(staging)
        _git("init", "--quiet", "--bare", str(stage), cwd=out.parent)
        (stage / "objects" / "info" / "alternates").write_text(f"{objects}\n", encoding="utf-8")
        for name, sha in refs.items():
            _git("update-ref", name, sha, cwd=stage)
        if head and f"refs/heads/{head}" in refs:
            _git("symbolic-ref", "HEAD", f"refs/heads/{head}", cwd=stage)
        else:  # detached HEAD: no branch to check out
            _git("update-ref", "--no-deref", "HEAD", next(iter(refs.values())), cwd=stage)
        _git("bundle", "create", "--quiet", str(out), "--all", cwd=stage)
        _git("bundle", "verify", "--quiet", str(out), cwd=stage)


def backup(
    repo: Path, to: Path, keep: int = 7, now: dt.datetime | None = None, fetch: bool = True
) -> Backup:
    """Bundle every branch and tag of `repo` (and, first, of its origin unless `fetch` is off)
    into `to`, verify it, write its manifest, keep the newest `keep`."""
    if _git("rev-parse", "--is-shallow-repository", cwd=repo).strip() == "true":
        raise SmilePressError(
            Problem(
                str(repo),
                0,
                "这是浅克隆（shallow clone），历史不完整，不能作为备份",
                "先运行 git fetch --unshallow（CI 中 checkout 设 fetch-depth: 0）",
            )
        )
    if fetch:
        _fetch_every_head(repo)
    refs = _branches_and_tags(repo)
    if not refs:
        raise SmilePressError(Problem(str(repo), 0, "仓库里还没有任何提交，没有可备份的内容"))
    to = to.resolve()
    to.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    bundle = to / f"{repo.resolve().name}-{stamp}.bundle"
    try:
        head = git.run(repo, "symbolic-ref", "-q", "--short", "HEAD").strip()
    except GitError:  # detached HEAD: no branch to restore
        head = ""
    partial = bundle.with_suffix(".bundle.partial")
    _bundle(repo, refs, head, partial)
    partial.replace(bundle)  # a bundle only gets its name once it is whole and verified
    digest = _sha256(bundle)
    manifest = bundle.with_name(bundle.name + MANIFEST_SUFFIX)
    write_atomically(
        manifest,
        json.dumps(
            {"bundle": bundle.name, "sha256": digest, "created": stamp, "head": head, "refs": refs},
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
    )
    bundles = sorted(to.glob(f"{repo.resolve().name}-*.bundle"))
    removed = tuple(bundles[:-keep]) if keep > 0 else ()
    for old in removed:
        old.unlink(missing_ok=True)
        old.with_name(old.name + MANIFEST_SUFFIX).unlink(missing_ok=True)
    return Backup(bundle, manifest, digest, refs, removed)


def restore(bundle: Path, dest: Path) -> dict[str, str]:
    """Check the bundle against its manifest, then clone it into `dest` with every branch as a local
    one."""
    bundle, dest = bundle.resolve(), dest.resolve()
    if not bundle.is_file():
        raise SmilePressError(Problem(str(bundle), 0, "找不到备份文件"))
    if dest.exists() and any(dest.iterdir()):
        raise SmilePressError(
            Problem(str(dest), 0, "恢复的目标目录不是空的", "换一个新目录，以免覆盖现有文件")
        )
    manifest_path = bundle.with_name(bundle.name + MANIFEST_SUFFIX)
    if not manifest_path.is_file():
        raise SmilePressError(
            Problem(
                str(manifest_path),
                0,
                "找不到备份的清单文件（.manifest.json），无法证明备份完整",
                "清单与备份文件放在同一目录，由 smilepress backup 生成",
            )
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        expected, refs, head = manifest["sha256"], manifest["refs"], manifest.get("head", "")
    except (ValueError, KeyError, TypeError):
        raise SmilePressError(
            Problem(str(manifest_path), 1, "备份清单无法读取", "清单文件已损坏")
        ) from None
    if _sha256(bundle) != expected:
        raise SmilePressError(
            Problem(
                str(bundle),
                0,
                "备份文件的 SHA-256 与清单不符：文件已损坏或被改动",
                "请使用另一份备份",
            )
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    _git("clone", "-q", "--no-checkout", str(bundle), str(dest), cwd=dest.parent)
    try:
        _git(
            "bundle", "verify", str(bundle), cwd=dest
        )  # verify needs a repository: the fresh clone
    except GitError:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    for ref, sha in refs.items():
        if ref.startswith("refs/heads/"):
            _git("update-ref", ref, sha, cwd=dest)
    _git("remote", "remove", "origin", cwd=dest)
    if head:
        _git("checkout", "-q", head, cwd=dest)
    restored = dict(
        line.split(" ", 1)[::-1]
        for line in _git(
            "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags", cwd=dest
        ).splitlines()
    )
    if restored != refs:
        shutil.rmtree(dest, ignore_errors=True)
        raise SmilePressError(
            Problem(str(bundle), 0, "恢复出的分支和标签与清单不一致，已删除恢复目录")
        )
    return restored
