"""Writing a file all or nothing: the one way SmilePress replaces a file it owns."""

from __future__ import annotations

import os
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
