"""Files on disk: the one test of whether SmilePress may read a file under a folder (and reading
or hashing it), the one listing of a folder, and the one way SmilePress replaces a file it owns.

Only regular files are read. A symlink is refused, never followed: it could publish a file from
outside the repository, or one that no approval covers. A named pipe or a device is refused before
anything opens it (opening a pipe waits forever), and so is a folder named like a file, a path that
leaves the folder or a file the process may not read. Each refusal is one Problem naming the file
(line 0) and what to do, and one word for what the path is (MISSING, NOT_REGULAR, OUTSIDE,
UNREADABLE): what an approval's digest records for an asset it could not read (checks/assets.py).
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import BinaryIO, TypeVar

from ..errors import Problem

# What a path is when it is not a regular file SmilePress may read (an asset's state in a digest).
MISSING = "missing"  # nothing there
NOT_REGULAR = "not-regular"  # a symlink (on the way or at the end), a folder, a FIFO, a device
OUTSIDE = "outside"  # the path leaves the folder it must stay in
UNREADABLE = "unreadable"  # a regular file that could not be read (permissions)

FileKey = tuple[int, int, int, int]  # (device, inode, size, mtime_ns): the same bytes while equal

_SPECIAL = {
    stat.S_IFIFO: "命名管道（FIFO）",
    stat.S_IFCHR: "字符设备",
    stat.S_IFBLK: "块设备",
    stat.S_IFSOCK: "套接字",
}
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # a symlink put there since the check: refused, not followed
    | getattr(os, "O_NONBLOCK", 0)  # a pipe put there since the check: opened without waiting
    | getattr(os, "O_CLOEXEC", 0)
)
_NOT_FOUND_HINT = "检查路径和文件名（包括大小写）"
_PERMISSION_HINT = "请检查文件权限（例如 chmod 644）"

T = TypeVar("T")
Refused = tuple[None, str, list[Problem]]  # (no value, what the path is, its one problem)


def regular_file(
    root: Path, rel: str | PurePath, shown: str | None = None
) -> tuple[os.stat_result | None, list[Problem]]:
    """The status of `root`/`rel` if it is a regular file in `root` that SmilePress may read, where
    no folder on the way from `root` is a symlink; else None and the one problem (a symlink, a
    folder, a pipe or device, a file outside `root`, missing or unreadable). Nothing is opened.

    `shown`: how messages name the file (default `rel`).
    """
    rel = _normal(rel)
    st, _, problems = _examine(root, rel, shown or rel)
    return st, problems


def read_bytes(
    root: Path, rel: str | PurePath, shown: str | None = None, limit: int | None = None
) -> tuple[bytes | None, list[Problem]]:
    """The bytes of `root`/`rel` (at most `limit` of them) if `regular_file` accepts it; else None
    and its problem."""
    data, _, problems = _read(
        root, rel, shown, lambda handle, _: handle.read(-1 if limit is None else limit)
    )
    return data, problems


def read_text(
    root: Path, rel: str | PurePath, shown: str | None = None
) -> tuple[str | None, list[Problem]]:
    """`read_bytes` as text the way open() reads it with errors="replace": UTF-8, bytes that are
    not replaced, every line ending read as a line feed. For readers that take any file as it is
    (the originality library, the data checks); articles and policy files use load/source.py."""
    data, problems = read_bytes(root, rel, shown)
    if data is None:
        return None, problems
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n"), []


def sha256_under(
    root: Path, rel: str, known: dict[FileKey, str] | None = None
) -> tuple[str | None, str]:
    """(SHA-256 hex of its bytes, "") for the regular file `rel` (posix, relative) under `root`
    that `read_bytes` would read; else (None, why not): MISSING, NOT_REGULAR, OUTSIDE or
    UNREADABLE. `known`: the digests of files already read, by FileKey (the caller keeps it for a
    run)."""
    digest, state, _ = _read(root, rel, None, lambda handle, st: _sha256(handle, st, known))
    return digest, state


def _sha256(handle: BinaryIO, st: os.stat_result, known: dict[FileKey, str] | None) -> str:
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    if known is not None and key in known:
        return known[key]
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    if known is not None:
        known[key] = digest.hexdigest()
    return digest.hexdigest()


def _normal(rel: str | PurePath) -> str:
    return posixpath.normpath(PurePath(rel).as_posix())


def _refused(state: str, shown: str, message: str, hint: str) -> Refused:
    return None, state, [Problem(shown, 0, message, hint)]


def _read(
    root: Path,
    rel: str | PurePath,
    shown: str | None,
    use: Callable[[BinaryIO, os.stat_result], T],
) -> tuple[T | None, str, list[Problem]]:
    """`use` of the open file `root`/`rel` and its status, if `_examine` accepts it; opened without
    following a symlink or waiting on a pipe, and checked again once open."""
    rel = _normal(rel)
    shown = shown or rel
    st, state, problems = _examine(root, rel, shown)
    if st is None:
        return None, state, problems
    try:
        with os.fdopen(os.open(os.path.join(root, rel), _OPEN_FLAGS), "rb") as handle:
            now = os.fstat(handle.fileno())
            if not stat.S_ISREG(now.st_mode):  # replaced since the check
                return _refused(
                    NOT_REGULAR, shown, f"{shown} 不是普通文件，不会读取", "请换成普通文件"
                )
            return use(handle, now), "", []
    except PermissionError:
        return _refused(UNREADABLE, shown, f"没有权限读取 {shown}", _PERMISSION_HINT)
    except OSError as exc:  # gone, or replaced by a symlink since the check
        return _unreadable(shown, exc)


def _unreadable(shown: str, exc: OSError) -> Refused:
    return _refused(
        UNREADABLE, shown, f"无法读取 {shown}：{exc.strerror or exc}", "检查文件权限与路径"
    )


def _examine(root: Path, rel: str, shown: str) -> tuple[os.stat_result | None, str, list[Problem]]:
    """`regular_file` of the normalised `rel`, with what the path is when refused."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if posixpath.isabs(rel) or not parts or parts[0] == "..":
        where = root.name or str(root)
        return _refused(
            OUTSIDE, shown, f"{shown} 不在 {where}/ 中，不会发布", f"请把文件放进 {where}/"
        )
    path = os.fspath(root)  # joined as text: a run reads thousands of files
    for i, part in enumerate(parts):
        path = os.path.join(path, part)
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return _refused(MISSING, shown, f"找不到文件 {shown}", _NOT_FOUND_HINT)
        except OSError as exc:
            return _unreadable(shown, exc)
        if i < len(parts) - 1 and not stat.S_ISDIR(st.st_mode):  # a symlink is no folder
            return _not_a_folder(st, shown, rel, "/".join(parts[: i + 1]))
    return _the_file(path, st, shown)


def _not_a_folder(st: os.stat_result, shown: str, rel: str, folder: str) -> Refused:
    """`folder`, on the way to the file `shown`, is a symlink or no folder at all."""
    folder = (shown[: -len(rel)] if shown.endswith(rel) else "") + folder
    if stat.S_ISLNK(st.st_mode):
        return _refused(
            NOT_REGULAR,
            shown,
            f"{shown} 所在的文件夹 {folder} 是符号链接，不会发布",
            f"请把 {folder} 换成普通文件夹（把内容复制过来）",
        )
    return _refused(NOT_REGULAR, shown, f"找不到文件 {shown}：{folder} 不是文件夹", _NOT_FOUND_HINT)


def _the_file(
    path: str, st: os.stat_result, shown: str
) -> tuple[os.stat_result | None, str, list[Problem]]:
    """`st` if the file at the end of the path is a regular file SmilePress may read."""
    if stat.S_ISLNK(st.st_mode):
        what = "文件夹" if os.path.isdir(path) else "文件"
        return _refused(
            NOT_REGULAR,
            shown,
            f"{shown} 是符号链接，不会发布",
            f"请换成普通{what}（把内容复制过来）：符号链接可能指向仓库以外或未经批准的文件",
        )
    if stat.S_ISDIR(st.st_mode):
        return _refused(
            NOT_REGULAR,
            shown,
            f"{shown} 是文件夹，不是文件",
            "请换成普通文件；确实是文件夹时，请给它改个不以文件扩展名结尾的名字",
        )
    if not stat.S_ISREG(st.st_mode):
        kind = _SPECIAL.get(stat.S_IFMT(st.st_mode), "特殊文件")
        return _refused(
            NOT_REGULAR,
            shown,
            f"{shown} 是{kind}，不是普通文件，不会读取也不会发布",
            "请删除它，换成普通文件",
        )
    if not os.access(path, os.R_OK):
        return _refused(UNREADABLE, shown, f"没有权限读取 {shown}", _PERMISSION_HINT)
    return st, "", []


def listing(folder: Path, wanted: Callable[[str], bool], hidden: bool = False) -> list[Path]:
    """Every entry under `folder` whose name is `wanted`, sorted; symlinks never followed; hidden
    files and folders skipped unless `hidden`. Whatever has such a name is listed, a regular file
    or not (a folder named x.md, a symlink, a pipe), and so is a symlink to a folder of any name,
    which would hide what is in it: whoever reads them asks `regular_file` and reports why not."""
    found = []
    for here, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if hidden or not d.startswith("."))
        for name in [*names, *dirs]:
            full = os.path.join(here, name)
            if (hidden or not name.startswith(".")) and (
                wanted(name) or (name in dirs and os.path.islink(full))
            ):
                found.append(Path(full))
    return sorted(found)


def files_under(folder: Path) -> list[Path]:
    """Every entry under `folder` that is not a folder, hidden ones too, sorted: its files and
    whatever else is there (a symlink, to a folder too; a pipe), never followed: whoever reads
    them asks `regular_file`."""
    listed = listing(folder, lambda name: True, hidden=True)
    return [p for p in listed if p.is_symlink() or not p.is_dir()]


def write_atomically(path: Path, data: str | bytes, newline: str = "") -> None:
    """Write `data` (text as UTF-8, line ends as given unless `newline` says otherwise) to `path`.

    The bytes go to a temporary file in the same folder, which then replaces `path` in one rename:
    readers see the old file or the new one, never half of it. If anything fails, the temporary file
    is removed, `path` is left as it was and the error is raised.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.smilepress-tmp")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            with open(tmp, "w", encoding="utf-8", newline=newline) as handle:
                handle.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # gone already once it has replaced `path`
