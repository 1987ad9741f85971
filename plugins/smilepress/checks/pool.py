"""The per-article work of a run, done ahead in worker processes: every core checks articles.

Each article's checks are independent of the others': loading it, the compliance check through the
reader's view (rendering it with Python-Markdown costs most) and the originality check's content
characters and fingerprints. A run that checks many articles hands them to forked workers, which
inherit the project (policies, rules, caches as read) and send back what they computed: findings
go into the findings cache, fingerprints and content characters into the originality library, the
loaded articles and their files' structure (load/markdown.py) to the run. The reviews that follow,
in this process and in the usual order, find it all there and check nothing twice. Each article
is computed by the same code in a worker as in the run's own process: the findings are the same.

Small runs (one changed file) and machines without fork() or with one core are served as before, in
the run's own process; so is a process that runs other threads (forking one is unsafe). The number
of workers is the number of cores this process may use, or SMILEPRESS_WORKERS (1: no workers).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..load import markdown
from ..model.article import Article
from .engine import Checker, Document, FindingsCache
from .originality import Content, Library

WORKERS_ENV = "SMILEPRESS_WORKERS"
MIN_ARTICLES = 40  # fewer: forking and handing results back cost more than it saves
_CHUNK = 16  # articles per task: enough to amortise a task, few enough to balance two workers


@dataclass(frozen=True)
class _Run:
    """What the workers inherit (fork): set just before the pool starts, read only."""

    paths: Sequence[Path]
    load: Callable[[Path], Article]
    checker: Checker
    cache: FindingsCache
    today: dt.date
    library: Library
    unprinted: frozenset[int]  # library documents whose fingerprints are not known yet


@dataclass(frozen=True)
class _Done:
    """One article's results: loaded, and what the caches lacked (None: they had it)."""

    article: Article | None
    structure: markdown.Structure | None  # the article's file as load/markdown.py reads it
    cached: tuple[str, dict] | None  # the findings cache's key and entry (FindingsCache.entry)
    library_index: int | None
    computed: tuple[np.ndarray, Content] | None  # the library's fingerprints and content of it


_RUN: _Run | None = None


def document(article: Article) -> Document:
    """The compliance check's document of an article, as the review builds it."""
    return Document(article.path, article.text, article.type, article.meta)


def workers() -> int:
    """Worker processes for a large run: the cores this process may use (or SMILEPRESS_WORKERS)."""
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted.isdigit():
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def wanted(articles: int) -> bool:
    """Whether a run of this many articles is done ahead by workers (else in its own process)."""
    return (
        articles >= MIN_ARTICLES
        and workers() >= 2
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1  # forking a process that runs threads is unsafe
    )


def check_ahead(
    paths: Sequence[Path],
    load: Callable[[Path], Article],
    checker: Checker,
    cache: FindingsCache,
    today: dt.date,
    library: Library,
    meanwhile: Callable[[], object] = lambda: None,
) -> dict[Path, Article]:
    """The articles at `paths`, loaded, with their findings (into `cache`) and the fingerprints and
    content of the library's texts (into `library`) that were not known, computed by workers. Empty
    when the run is served in this process as before (small, or no fork). `meanwhile` is called
    in this process while the workers run (work of the run that needs no article's results)."""
    if not wanted(len(paths)):
        return {}
    count = workers()
    cache.preload()  # the workers inherit what the cache holds: they look up, never read it
    global _RUN
    _RUN = _Run(paths, load, checker, cache, today, library, frozenset(library.pending()))
    tasks = _tasks(len(paths), sorted(_RUN.unprinted - _article_indexes(paths, library)), count)
    loaded: dict[int, Article] = {}
    structures = []
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            results = pool.imap_unordered(_work, tasks)
            meanwhile()  # the workers are forked: this process may start threads and processes
            for done in results:
                for k, result in done:
                    _keep(result, cache, library)
                    if k is not None and result.article is not None:
                        loaded[k] = result.article
                    if result.structure is not None:
                        structures.append(result.structure)
    finally:
        _RUN = None
    markdown.hand_over(structures)  # the reviews read the files' structure (pictures, links)
    return {path: loaded[k] for k, path in enumerate(paths) if k in loaded}


def _article_indexes(paths: Sequence[Path], library: Library) -> set[int]:
    """The library's documents that are articles of this run (their workers fingerprint them)."""
    root = os.path.join(os.path.abspath(library.root), "")
    names = (os.path.abspath(p) for p in paths)
    indexes = (
        library.by_name.get(name[len(root) :].replace(os.sep, "/"))
        for name in names
        if name.startswith(root)
    )
    return {i for i in indexes if i is not None}


def _tasks(articles: int, others: list[int], count: int) -> list[tuple[str, list[int]]]:
    """Articles in chunks, then the library's other texts (references) to fingerprint."""
    size = max(1, min(_CHUNK, articles // (count * 4) or 1))
    tasks = [("article", list(range(k, min(k + size, articles)))) for k in range(0, articles, size)]
    tasks += [("text", others[k : k + _CHUNK * 4]) for k in range(0, len(others), _CHUNK * 4)]
    return tasks


def _work(task: tuple[str, list[int]]) -> list[tuple[int | None, _Done]]:
    kind, items = task
    if kind == "text":
        return [(None, _fingerprints_only(i)) for i in items]
    return [(k, _article(_RUN.paths[k])) for k in items]


def _article(path: Path) -> _Done:
    run = _RUN
    article = run.load(path)
    doc = document(article)
    cached = None
    if run.cache.get(doc, run.today) is None:
        findings = run.checker.check(doc, run.today)
        cached = run.cache.entry(doc, findings, run.checker.unchanged_days(doc, run.today))
    structure = markdown.read(article.text)  # read by the loader already (pictures)
    i = run.library.by_name.get(article.path)
    if i is None or i not in run.unprinted:
        return _Done(article, structure, cached, None, None)
    # the library's text of the file (read raw) is the article's (read by the loader): the reader's
    # view the check rendered is rendered once
    return _Done(article, structure, cached, i, run.library.computed(i))


def _fingerprints_only(i: int) -> _Done:
    return _Done(None, None, None, i, _RUN.library.computed(i))


def _keep(result: _Done, cache: FindingsCache, library: Library) -> None:
    if result.cached is not None:
        cache.put_entry(*result.cached)
    if result.computed is not None:
        library.provide(result.library_index, *result.computed)
