"""checks/pool.py: a large run's per-article checks computed in worker processes give the same
findings as the run's own process, and the reviews that follow check nothing again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading

import pytest
from test_originality import ORIGINAL

from smilepress.checks import originality, pool
from smilepress.project import Project

REFERENCE = "https://example.com/source"
ARTICLES = pool.MIN_ARTICLES + 5


def _sentence(i: int) -> str:
    """A sentence no other article has (originality must not see copies where there are none)."""
    digits = "零一二三四五六七八九"
    return f"第{''.join(digits[int(d)] for d in f'{i:03d}')}篇讲的是刷牙的第{i}个细节。"


def _many(factory) -> None:
    """Enough articles for the workers: claims, a copy of a reference, near-duplicates, a picture
    without a licence, a waiver, a broken file."""
    factory.write("data/reference/ref.md", f"---\nsource: {REFERENCE}\n---\n\n{ORIGINAL}\n")
    for i in range(ARTICLES):
        body = _sentence(i) * 3
        if i % 7 == 0:
            body += "\n\n本院种植牙保证终身不松动，治愈率100%。"
        if i % 11 == 0:
            body += "\n\n电话：13812345678。"
        factory.article(f"s{i // 20}/a{i:03d}.md", title=f"文章{i}", body=body)
    factory.article("copy/plagiarised.md", title="抄来的", body="写在前面。\n\n" + ORIGINAL)
    factory.article("copy/one.md", title="一", body="前言。" + ORIGINAL)
    factory.article("copy/picture.md", title="图", body="![牙](images/x.png)\n\n" + _sentence(900))
    factory.write("content/copy/broken.md", "---\ntitle: [不闭合\n---\n\n正文。\n")
    factory.commit_all("稿", "lixiaoyu")


def _check(root, workers: str, *args: str) -> list[dict]:
    env = {**os.environ, pool.WORKERS_ENV: workers}
    done = subprocess.run(
        [sys.executable, "-m", "smilepress.cli", "check", "--format", "json", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_workers_find_what_one_process_finds(factory):
    _many(factory)
    alone = _check(factory.root, "1")
    shutil.rmtree(factory.root / ".smilepress-cache")
    cold = _check(factory.root, "2")  # a process of its own: no other threads, so it forks
    warm = _check(factory.root, "2")
    assert cold == alone and warm == alone
    rules = {f["rule"] for f in alone}
    assert {"originality/plagiarism", "originality/self-duplicate"} <= rules
    assert any(f["category"] == "image-licence" for f in alone)
    assert any(f["rule"] == "file/invalid" for f in alone)
    assert sum(f["path"].startswith("content/s") and f["level"] == "error" for f in alone) >= 7


@pytest.fixture
def forkable(monkeypatch):
    """The test runner may run threads of its own (pytest-xdist): the pool runs here anyway."""
    if "fork" not in pool.multiprocessing.get_all_start_methods():
        pytest.skip("no fork() here")
    monkeypatch.setattr(pool.threading, "active_count", lambda: 1)
    monkeypatch.setenv(pool.WORKERS_ENV, "2")


def test_after_the_workers_the_reviews_check_nothing_again(factory, forkable, monkeypatch):
    _many(factory)
    project = Project(factory.root)
    paths = project.markdown_files()
    ahead = project.check_ahead(paths)
    assert list(ahead) == paths  # every article, loaded, in order
    assert project.originality.pending() == []  # the reference's fingerprints too

    def checked_again(*_):
        raise AssertionError("checked twice")

    monkeypatch.setattr(project.checker, "check", checked_again)
    monkeypatch.setattr(originality, "content", checked_again)  # alignments: read in the workers
    for path in paths:
        entry = project.entry(ahead[path])
        assert entry.article == project.load(path)
    assert any(
        f.category == "plagiarism"
        for f in project.entry(ahead[project.content_root / "copy/plagiarised.md"]).review.findings
    )


def test_small_runs_and_threaded_processes_are_served_in_process(factory, monkeypatch):
    _many(factory)
    project = Project(factory.root)
    paths = project.markdown_files()
    monkeypatch.setenv(pool.WORKERS_ENV, "2")
    assert project.check_ahead(paths[: pool.MIN_ARTICLES - 1]) == {}
    monkeypatch.setenv(pool.WORKERS_ENV, "1")
    assert project.check_ahead(paths) == {}
    monkeypatch.setenv(pool.WORKERS_ENV, "2")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert project.check_ahead(paths) == {}  # forking a process with threads is unsafe
    finally:
        stop.set()
        other.join()
