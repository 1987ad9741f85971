"""Writing a file all or nothing: the one way SmilePress replaces a file it owns; reading a file
under a folder without following a symlink or opening anything but a regular file."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


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


# What `sha256_under` says about a path that is not a regular file it could read.
MISSING = "missing"  # nothing there
NOT_REGULAR = "not-regular"  # a symlink (on the way or at the end), a folder, a FIFO, a device
OUTSIDE = "outside"  # the path leaves the folder it must stay in
UNREADABLE = "unreadable"  # a regular file that could not be read (permissions)

FileKey = tuple[int, int, int, int]  # (device, inode, size, mtime_ns): the same bytes while equal


def sha256_under(
    root: Path, rel: str, known: dict[FileKey, str] | None = None
) -> tuple[str | None, str]:
    """(SHA-256 hex of its bytes, "") for the regular file `rel` (posix, relative) under `root`;
    else (None, why not): MISSING, NOT_REGULAR, OUTSIDE or UNREADABLE.

    Nothing is followed or opened that is not a regular file inside `root`: each part of the path is
    looked at with lstat (a symlink anywhere on the way is NOT_REGULAR), a FIFO is never opened (it
    could block), and the file is opened with O_NOFOLLOW and checked again once open. `known`: the
    digests of files already read, by FileKey (the caller keeps it for a run).
    """
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None, OUTSIDE
    path = Path(root)
    for i, part in enumerate(parts):
        path = path / part
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None, MISSING
        except OSError:
            return None, UNREADABLE
        wanted = stat.S_ISREG if i == len(parts) - 1 else stat.S_ISDIR
        if not wanted(st.st_mode):  # a symlink is neither
            return None, NOT_REGULAR
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    if known is not None and key in known:
        return known[key], ""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:  # gone, replaced by a symlink since, or not allowed
        return None, UNREADABLE
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, NOT_REGULAR
        digest = hashlib.sha256()
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        except OSError:
            return None, UNREADABLE
    if known is not None:
        known[key] = digest.hexdigest()
    return digest.hexdigest(), ""
