"""One bad file never stops the site.

A symlink (to a file or a folder, inside or outside the repository, dangling, a loop), a named pipe,
a file the process may not read, a folder named like a file: each is one error naming the file
(line 0, what to do), refused and never followed or opened (load/files.py), and keeps only its own
article off the sites. Every other file is processed and the public build succeeds, strict too.

Each case is made in a throwaway project holding one good approved FAQ (and, for pictures, sidecars
and linked files, an approved FAQ that shows a picture and links a leaflet). A symlink points at a
complete published page outside the repository: followed, it would be read as an article (its
text checked, reported and, were it approved, published).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from conftest import REPO
from smilepress.cli import main
from smilepress.load.files import read_bytes, regular_file
from smilepress.report import leak_guard

AS_OF = "2026-11-28"
GOOD = "content/faq/good.md"
GOOD_MARK = "GOODMARKPUBLIC"
PICTURED = "content/faq/pictured.md"
PICTURED_MARK = "PICTUREDMARK"
OUTSIDE_MARK = "OUTSIDEMARKSECRET"  # the text of the page outside content/ the symlinks point at
PICTURE, SIDECAR, LEAFLET = "images/photo.png", "images/photo.png.yml", "files/leaflet.pdf"
SIDECAR_TEXT = "licence: own\nsource: 本院设计组绘制\n"
ROOT_SKIP = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="runs as root: chmod 000 does not stop root from reading, so there is nothing to refuse",
)


@pytest.fixture(autouse=True)
def _never_hang():
    """Opening a named pipe waits for a writer forever: fail instead of hanging the suite."""

    def hung(signum, frame):
        raise TimeoutError("hung for 300 s (a named pipe opened?)")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(300)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _page(title: str, mark: str) -> str:
    """A complete published page: read as an article, it would be checked and shown."""
    return f"---\ntitle: {title}\ntype: page\nstatus: published\n---\n\n标记 {mark} 在这里。\n"


def _png(seed: int) -> bytes:
    im = Image.new("RGB", (64, 64), (240, 240, 235))
    ImageDraw.Draw(im).ellipse([8 + seed, 8, 50, 40 + seed], fill=(200, 30, 40))
    out = io.BytesIO()
    im.save(out, format="PNG")
    return out.getvalue()


def _project(factory) -> Path:
    """Two approved FAQs (one showing a licensed picture and linking a leaflet), and outside the
    repository a complete published page, a folder holding one, a picture and a sidecar."""
    factory.article(
        "faq/good.md",
        title="洗牙多久洗一次好",
        type="faq",
        author="wujia",
        body=f"一般建议每半年到一年洗一次牙，标记 {GOOD_MARK} 在这里。",
    )
    factory.article(
        "faq/pictured.md",
        title="种植牙的步骤有哪些",
        type="faq",
        author="wujia",
        body=f"步骤见下图，标记 {PICTURED_MARK} 在这里。\n\n![步骤]({PICTURE})\n\n"
        f"[下载说明]({LEAFLET})",
    )
    faq = factory.root / "content/faq"
    (faq / "images").mkdir()
    (faq / "files").mkdir()
    (faq / PICTURE).write_bytes(_png(0))
    (faq / SIDECAR).write_text(SIDECAR_TEXT, encoding="utf-8")
    (faq / LEAFLET).write_bytes(b"%PDF-1.4 leaflet\n")
    factory.commit_all("两篇问答", "wujia")
    for rel in (GOOD, PICTURED):
        with factory.acting_as("wujia"):
            assert main(["submit", rel]) == 0
        with factory.acting_as("liufang"):
            assert main(["approve", "--role", "dentist", rel]) == 0
    outside = factory.root.parent / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "page.md").write_text(_page("仓库外的页面", OUTSIDE_MARK), encoding="utf-8")
    (outside / "folder" / "page.md").write_text(_page("仓库外文件夹的页面", OUTSIDE_MARK))
    (outside / "photo.png").write_bytes(_png(3))
    (outside / "photo.png.yml").write_text(SIDECAR_TEXT, encoding="utf-8")
    (outside / "secret.pdf").write_bytes(f"%PDF-1.4 {OUTSIDE_MARK}\n".encode())
    return outside


def _link(path: Path, target: Path | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def _fifo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _replace(path: Path, make) -> None:
    """Put a bad entry where a good file was."""
    path.unlink()
    make(path)


# name -> (the bad entry, relative to the project root; what its message says; how to make it)
ARTICLES = {
    "symlink-outside": (
        "content/education/bad.md",
        "符号链接",
        lambda p, o: _link(p, o / "page.md"),
    ),
    "symlink-inside": ("content/faq/copy.md", "符号链接", lambda p, o: _link(p, "good.md")),
    "symlink-to-folder": (
        "content/education/bad.md",
        "符号链接",
        lambda p, o: _link(p, o / "folder"),
    ),
    "symlinked-folder": ("content/more", "符号链接", lambda p, o: _link(p, o / "folder")),
    "dangling": ("content/education/bad.md", "符号链接", lambda p, o: _link(p, o / "gone.md")),
    "loop": ("content/education/bad.md", "符号链接", lambda p, o: _link(p, p.name)),
    "fifo": ("content/education/bad.md", "命名管道", lambda p, o: _fifo(p)),
    "folder": ("content/education/bad.md", "文件夹", lambda p, o: p.mkdir(parents=True)),
}
# name -> (the bad entry, relative to content/faq/; what the message says; how to make it)
PICTURES = {
    "picture-symlink": (
        PICTURE,
        "符号链接",
        lambda p, o: _replace(p, lambda q: _link(q, o / "photo.png")),
    ),
    "picture-fifo": (PICTURE, "命名管道", lambda p, o: _replace(p, os.mkfifo)),
    "picture-folder": (PICTURE, "文件夹", lambda p, o: _replace(p, Path.mkdir)),
    "picture-in-symlinked-folder": (
        PICTURE,
        "images 是符号链接",
        lambda p, o: _replace_folder(p.parent, o),
    ),
    "sidecar-symlink": (
        SIDECAR,
        "符号链接",
        lambda p, o: _replace(p, lambda q: _link(q, o / "photo.png.yml")),
    ),
    "sidecar-fifo": (SIDECAR, "命名管道", lambda p, o: _replace(p, os.mkfifo)),
    "linked-file-symlink": (
        LEAFLET,
        "符号链接",
        lambda p, o: _replace(p, lambda q: _link(q, o / "secret.pdf")),
    ),
    "linked-file-fifo": (LEAFLET, "命名管道", lambda p, o: _replace(p, os.mkfifo)),
}


def _replace_folder(folder: Path, outside: Path) -> None:
    """content/faq/images becomes a symlink to a folder outside holding the same picture."""
    (outside / "images").mkdir()
    for f in folder.iterdir():
        (outside / "images" / f.name).write_bytes(f.read_bytes())
        f.unlink()
    folder.rmdir()
    _link(folder, outside / "images")


def _check_json(capsys) -> list[dict]:
    capsys.readouterr()  # what the set-up printed
    code = main(["--as-of", AS_OF, "check", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1, (code, out[-2000:], err[-2000:])  # error findings, not "could not run" (2)
    assert "Traceback" not in out + err and "内部错误" not in out + err
    return json.loads(out)


def _site(root: Path, profile: str = "public") -> str:
    parts = []
    for path in sorted((root / "site" / profile).rglob("*")):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".txt", ".pdf"):
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def _build(root: Path, *options: str, profile: str = "public") -> str:
    assert main(["--as-of", AS_OF, "build", "--profile", profile, *options]) == 0
    return _site(root, profile)


# -- articles: content/ Markdown files -------------------------------------------------------------


@pytest.mark.parametrize("case", list(ARTICLES))
def test_a_bad_article_file_is_one_error_and_the_site_is_built(factory, capsys, case):
    rel, words, make = ARTICLES[case]
    make(factory.root / rel, _project(factory))

    findings = _check_json(capsys)
    errors = [f for f in findings if f["level"] == "error"]
    assert [(f["path"], f["line"]) for f in errors] == [(rel, 0)], errors
    assert rel in errors[0]["message"] and words in errors[0]["message"]
    assert errors[0]["suggestion"]  # what to do
    assert OUTSIDE_MARK not in json.dumps(findings, ensure_ascii=False)  # never read

    assert main(["--as-of", AS_OF, "show", rel]) == 0
    out = capsys.readouterr().out
    assert rel in out and words in out and "不收录" in out

    assert main(["--as-of", AS_OF, "list", "--format", "json"]) == 0
    rows = {r["path"]: r for r in json.loads(capsys.readouterr().out)}
    assert any(words in p for p in rows[rel]["problems"]), rows[rel]
    assert rows[GOOD]["problems"] == []

    assert main(["--as-of", AS_OF, "drops"]) == 0  # named among what is off the sites
    assert rel in capsys.readouterr().out

    site = _build(factory.root, "--strict")
    assert GOOD_MARK in site and PICTURED_MARK in site
    assert OUTSIDE_MARK not in site
    assert not (factory.root / "site/public" / rel.removeprefix("content/")).exists()
    assert not (factory.root / "site/public/education/bad").exists()


@ROOT_SKIP
def test_an_article_the_process_may_not_read(factory, capsys):
    _project(factory)
    rel = "content/education/bad.md"
    path = factory.write(rel, _page("读不了的页面", OUTSIDE_MARK))
    path.chmod(0)
    try:
        errors = [f for f in _check_json(capsys) if f["level"] == "error"]
        assert [(f["path"], f["line"]) for f in errors] == [(rel, 0)], errors
        assert "没有权限" in errors[0]["message"]
        site = _build(factory.root, "--strict")
        assert GOOD_MARK in site and OUTSIDE_MARK not in site
    finally:
        path.chmod(0o644)


def test_the_build_log_names_the_bad_file_and_the_drop(factory, caplog):
    make = ARTICLES["symlink-outside"][2]
    make(factory.root / "content/education/bad.md", _project(factory))
    site = _build(factory.root)  # not strict
    assert GOOD_MARK in site and OUTSIDE_MARK not in site
    assert "content/education/bad.md 是符号链接，不会发布" in caplog.text


# -- pictures, their sidecars, linked files --------------------------------------------------------


@pytest.mark.parametrize("case", list(PICTURES))
def test_a_bad_picture_sidecar_or_linked_file_keeps_its_article_off(factory, capsys, case):
    rel, words, make = PICTURES[case]
    make(factory.root / "content/faq" / rel, _project(factory))  # public with a regular file
    shown = f"content/faq/{rel}"

    findings = _check_json(capsys)
    errors = [f for f in findings if f["level"] == "error" and f["path"] == PICTURED]
    assert len(errors) == 1, errors
    assert shown in errors[0]["message"] and words in errors[0]["message"], errors[0]
    assert not [f for f in findings if f["level"] == "error" and f["path"] == GOOD]

    site = _build(factory.root, "--strict")
    assert GOOD_MARK in site
    assert PICTURED_MARK not in site and OUTSIDE_MARK not in site
    assert not (factory.root / "site/public/faq" / rel).exists()
    assert not (factory.root / "site/public/faq/pictured").exists()


# -- data/ files: the reference texts, the data of the internal pages ------------------------------


def test_a_bad_reference_text_is_one_error_and_the_rest_still_compared(factory, capsys):
    outside = _project(factory)
    reference = factory.root / "data/reference"
    reference.mkdir(parents=True)
    (reference / "good.md").write_text("来源：https://example.com/\n\n参考文本。\n")
    _link(reference / "bad.md", outside / "page.md")
    os.mkfifo(reference / "pipe.txt")
    factory.commit_all("参考文本", "chensiyuan")  # data/ is governed: the manager's signed commit
    errors = [f for f in _check_json(capsys) if f["level"] == "error"]
    assert sorted((f["path"], f["line"]) for f in errors) == [
        ("data/reference/bad.md", 0),
        ("data/reference/pipe.txt", 0),
    ], errors
    site = _build(factory.root, "--strict")
    assert GOOD_MARK in site and PICTURED_MARK in site
    assert main(["check", "data"]) == 1  # the data check reads them too (personal data, secrets)
    out = capsys.readouterr().out
    assert out.count("data/reference/bad.md:0:1: 错误") == 1 and "pipe.txt:0:1: 错误" in out


def test_bad_data_files_of_the_internal_pages_are_reported_and_the_sites_built(factory, caplog):
    outside = _project(factory)
    metrics, reports = factory.root / "data/metrics", factory.root / "data/reports"
    metrics.mkdir(parents=True)
    reports.mkdir(parents=True)
    (metrics / "2026-09.yml").write_bytes((REPO / "data/metrics/2025-12.yml").read_bytes())
    factory.replace("data/metrics/2026-09.yml", "month: 2025-12", "month: 2026-09")
    os.mkfifo(reports / "2026-09.md")  # the month's narrative
    (outside / "2026-10.yml").write_text("month: 2026-10\nchannels: {}\n", encoding="utf-8")
    _link(metrics / "2026-10.yml", outside / "2026-10.yml")
    factory.commit_all("数据", "chensiyuan")  # data/ is governed: the manager's signed commit
    site = _build(factory.root, profile="internal")  # not strict: a broken data file is logged
    assert GOOD_MARK in site and "2026-09" in site
    assert "data/metrics/2026-10.yml 是符号链接" in caplog.text
    assert "data/reports/2026-09.md 是命名管道" in caplog.text
    assert GOOD_MARK in _build(factory.root, "--strict")  # the public site never reads data/


# -- every way of building ------------------------------------------------------------------------


def _all_bad(factory) -> None:
    outside = _project(factory)
    for rel, _, make in ARTICLES.values():
        if not os.path.lexists(factory.root / rel):
            make(factory.root / rel, outside)
    os.mkfifo(factory.root / "content/faq/pipe.md")


def test_the_mkdocs_plugin_and_the_publish_build_with_every_bad_file(factory):
    _all_bad(factory)
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    env = {**os.environ, "SMILEPRESS_PROFILE": "public", "SMILEPRESS_AS_OF": AS_OF}
    done = subprocess.run(
        [mkdocs, "build"], cwd=factory.root, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "content/education/bad.md" in done.stderr and "Traceback" not in done.stderr
    site = _site(factory.root)
    assert GOOD_MARK in site and PICTURED_MARK in site and OUTSIDE_MARK not in site

    publish = [sys.executable, str(REPO / "scripts" / "publish"), "--as-of", AS_OF]
    done = subprocess.run(
        publish, cwd=factory.root, env=env, capture_output=True, text=True, timeout=400
    )
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
    for profile in ("public", "internal"):
        site = _site(factory.root, profile)
        assert GOOD_MARK in site and OUTSIDE_MARK not in site, profile


# -- the one place that decides, and the leak guard that reads the built site ----------------------


def test_regular_file_refuses_without_following_or_opening(tmp_path, monkeypatch):
    (tmp_path / "ok.md").write_text("正文", encoding="utf-8")
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "x.md").write_text("正文", encoding="utf-8")
    _link(tmp_path / "linked", tmp_path / "real")
    os.mkfifo(tmp_path / "pipe.md")
    assert regular_file(tmp_path, "ok.md")[1] == [] and read_bytes(tmp_path, "ok.md")[0]
    for rel, words in {
        "linked/x.md": "所在的文件夹 linked 是符号链接",
        "pipe.md": "命名管道",
        "real": "文件夹",
        "../ok.md": "不在",
        "gone.md": "找不到",
    }.items():
        data, (problem,) = read_bytes(tmp_path, rel)
        assert data is None and problem.line == 0 and words in problem.message, problem
    monkeypatch.setattr(os, "access", lambda *a, **k: False)  # as if chmod 000 as another user
    _, (problem,) = regular_file(tmp_path, "ok.md")
    assert "没有权限读取 ok.md" in problem.message and problem.hint


def test_the_leak_guard_fails_on_what_it_cannot_read_in_a_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>欢迎</p>", encoding="utf-8")
    watch = leak_guard.Watch("public", (leak_guard.Watched("x", "不该公开的标题文字" * 4),), ())
    assert leak_guard.scan(site, watch) == []
    (tmp_path / "secret.html").write_text("<p>不该公开的标题文字</p>", encoding="utf-8")
    _link(site / "linked.html", tmp_path / "secret.html")
    with pytest.raises(OSError, match="符号链接"):
        leak_guard.scan(site, watch)
    (site / "linked.html").unlink()
    os.mkfifo(site / "pipe.html")
    with pytest.raises(OSError, match="命名管道"):
        leak_guard.scan(site, watch)
