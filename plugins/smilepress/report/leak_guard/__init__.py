"""The leak guard: after a public or internal build, look in the written site for anything that
must not be there.

Defence in depth, independent of how pages were kept out: every file the build wrote is read,
whatever its suffix (site.py), through the one normalisation (view/normalise.py), and compared
with the whole text of everything that must not be in the site (watchlist.py: what the gate keeps
out, the handbook's and the internal pages, policies/, data/) by the originality check's
fingerprints (passages.py): a passage of at least `min_passage` content characters
(policies/leak-guard.yml) of a forbidden text that no page the site may show also has is a leak,
and so is the name or e-mail of staff not marked public (scanner.py). A leak fails the build; the
plugin keeps the last good site.

The scan runs in a second process while MkDocs writes the pages (BackgroundScan): the fingerprints
are made there too, so the build itself only gathers the texts.
"""

from __future__ import annotations

import os
from pathlib import Path

from ...project import Project
from .scanner import Leak, Scanner, Stats
from .site import read_site_file, site_file_content, site_files, site_texts
from .watchlist import POLICY_FILE, Policy, Staff, Watch, Watched, load_policy, watch

__all__ = [
    "POLICY_FILE",
    "BackgroundScan",
    "Leak",
    "Policy",
    "Scanner",
    "Staff",
    "Stats",
    "Watch",
    "Watched",
    "check_site",
    "load_policy",
    "scan",
    "site_file_content",
    "site_files",
    "site_texts",
    "watch",
]


def scan(site_dir: Path, watched: Watch) -> list[Leak]:
    """Every leak in the files of `site_dir`, in this process."""
    scanner = Scanner(watched)
    for path in site_files(site_dir):
        scanner.feed(path.relative_to(site_dir).as_posix(), read_site_file(path))
    return scanner.leaks()


def check_site(
    project: Project, site_dir: Path, profile: str = "public", chrome: tuple[str, ...] = ()
) -> list[Leak]:
    return scan(site_dir, watch(project, profile, chrome))


# -- scanning on the second core while the site is being written ----------------------------------

_worker_scanner: Scanner | None = None


def _worker_ready() -> None:
    """Nothing: the worker has imported the guard by the time it runs this."""


def _worker_start(watched: Watch) -> None:
    global _worker_scanner  # one scanner per worker process, which exists for one build
    _worker_scanner = Scanner(watched)


def _worker_feed(site_dir: str, rels: list[str]) -> None:
    for rel in rels:
        _worker_scanner.feed(rel, read_site_file(Path(site_dir) / rel))


def _worker_leaks() -> tuple[list[Leak], Stats]:
    return _worker_scanner.leaks(), _worker_scanner.stats()


def _state(path: Path) -> tuple:
    """What tells that a file changed: its size and modification time (a symlink's own)."""
    try:
        found = os.lstat(path)
    except OSError:
        return ()
    return (found.st_size, found.st_mtime_ns)


class BackgroundScan:
    """Scans the written files of a site in a worker process as they are written.

    The worker starts (and imports the guard) when the scan is made, early in the build; `begin`
    hands it the watch, whose texts it fingerprints first; the build hands over each file once it is
    on disk; `finish` then scans whatever else is in the site (search index, sitemap, static files,
    anything another plugin wrote) and returns the leaks. Every file in the site is scanned as it is
    on disk after being written, and again if it changed by the end of the build. Tasks run in the
    order they are given (one worker), so the watch is read before any file.
    """

    def __init__(self):
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self.site_dir: Path | None = None
        self.submitted: dict[str, tuple] = {}  # rel -> size and time when handed over
        self.pending: list[str] = []
        self.stats: Stats | None = None
        self.pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"))
        self.futures = [self.pool.submit(_worker_ready)]

    def begin(self, site_dir: Path, watched: Watch) -> None:
        self.site_dir = site_dir
        self.futures.append(self.pool.submit(_worker_start, watched))

    def written(self, path: Path, batch: int = 20) -> None:
        rel = path.relative_to(self.site_dir).as_posix()
        state = _state(path)
        if self.submitted.get(rel) == state:
            return
        self.submitted[rel] = state
        self.pending.append(rel)
        if len(self.pending) >= batch:
            self._flush()

    def written_before_pages(self, pages: set[Path]) -> None:
        """Everything in the site before its first page is written (static files, the theme's
        templates), but what will be a page (a file from an older build would be read stale)."""
        for path in site_files(self.site_dir):
            if path not in pages:
                self.written(path)

    def _flush(self) -> None:
        if self.pending:
            self.futures.append(self.pool.submit(_worker_feed, str(self.site_dir), self.pending))
            self.pending = []

    def finish(self) -> list[Leak]:
        """All leaks in the site; raises if the worker failed, so a failed scan never passes. A
        file changed since it was handed over (by a later hook) is read again."""
        try:
            if self.site_dir is None:
                raise RuntimeError("防泄漏检查没有收到要检查的内容（begin 未调用）")
            for path in site_files(self.site_dir):
                self.written(path)
            self._flush()
            for future in self.futures:
                future.result()
            leaks, self.stats = self.pool.submit(_worker_leaks).result()
            return leaks
        finally:
            self.pool.shutdown(cancel_futures=True)

    def cancel(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
