"""The gate does not depend on the site generator: this repository's sample, built by MkDocs +
Material and by Zensical from the same staged site (staging.py), has the same pages in each profile,
the same protections, and fails closed under both; Zensical's Chinese search answers the staff
questions of tests/search/staff-questions.yml with the first result."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-28"
SMILEPRESS = str(Path(sys.executable).parent / "smilepress")
QUESTIONS = yaml.safe_load((REPO / "tests/search/staff-questions.yml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(
    subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    != "false",
    reason="needs the repository's full git history (approvals are proven by git)",
)


def _env(clone: Path) -> dict:
    trust_root = re.search(
        r"^export SMILEPRESS_TRUST_ROOT \?= (\S+)$",
        (clone / "Makefile").read_text(encoding="utf-8"),
        re.M,
    ).group(1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMILEPRESS_")}
    return env | {
        "SMILEPRESS_TRUST_ROOT": trust_root,
        "NO_MKDOCS_2_WARNING": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def _build(clone: Path, engine: str, profile: str, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SMILEPRESS, "--as-of", AS_OF, "build", "--engine", engine, "--profile", profile]
        + ["--site-dir", str(site)],
        cwd=clone,
        capture_output=True,
        text=True,
        env=_env(clone),
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(engine, profile) -> the built site, of one clone of this repository."""
    root = tmp_path_factory.mktemp("engines")
    clone = root / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    out = {}
    for engine in ("mkdocs", "zensical"):
        for profile in ("public", "internal"):
            site = root / f"{engine}-{profile}"
            result = _build(clone, engine, profile, site)
            assert result.returncode == 0, result.stderr[-3000:]
            out[engine, profile] = site
    return out


def _pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("index.html")}


@pytest.mark.parametrize("profile", ["public", "internal"])
def test_both_engines_build_the_same_pages(sites, profile):
    mkdocs, zensical = _pages(sites["mkdocs", profile]), _pages(sites["zensical", profile])
    assert mkdocs == zensical
    assert len(mkdocs) >= (
        8 if profile == "public" else 50
    )  # the sample's pages, not an empty site


def test_zensical_sites_keep_the_protections(sites):
    public, internal = sites["zensical", "public"], sites["zensical", "internal"]
    assert not (public / "handbook").exists() and (internal / "handbook/index.html").is_file()
    for path in public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "内部编号" not in text, path  # staff reference numbers, search index included
            assert "md-status" not in text, path  # the editorial status is not the theme's
            assert 'name="robots"' not in text, path
    assert (public / "sitemap.xml").is_file() and not (internal / "sitemap.xml").exists()
    page = (internal / "handbook/finance/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert '<link rel="canonical" href="https://handbook.example.com/handbook/finance/">' in page
    assert 'id="费用报销"' in page  # Chinese anchors under Zensical too
    assert "页面不存在" in (public / "404.html").read_text(encoding="utf-8")
    # a writer's page through the allow-list, the theme's skip-link target kept (not the writer's)
    article = (public / "education/shuaya-fangfa/index.html").read_text(encoding="utf-8")
    assert '<a id="__skip" tabindex="-1"></a>' in article


def test_zensical_fails_closed_on_a_leak_and_keeps_the_last_site(sites, tmp_path):
    """A draft's text put into the static folder (signed by the manager, so the configuration is
    accepted): the guard finds it in Zensical's output and the last site stays."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    draft = (clone / "content/education/xiya-changjian-wuqu.md").read_text(encoding="utf-8")
    body = draft.split("\n---\n", 1)[1]
    notes = clone / "plugins/theme/static/stylesheets/notes.css"  # a kind the folder may hold
    notes.write_text(f"/* {body[:400]} */\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    subprocess.run(
        ["scripts/sign-as", "chensiyuan", "git", "commit", "-qm", "static: notes"],
        cwd=clone,
        check=True,
        env=_env(clone),
    )
    site = tmp_path / "site"
    shutil.copytree(sites["zensical", "public"], site)
    before = _pages(site)
    result = _build(clone, "zensical", "public", site)
    assert result.returncode == 1
    assert "防泄漏检查失败" in result.stderr and "notes.css" in result.stderr
    assert _pages(site) == before and not (site / "stylesheets/notes.css").exists()
    assert not list(tmp_path.glob(".site.zensical*"))  # nothing half-written left beside it


def test_zensical_rebuilds_from_its_cache_and_a_page_taken_down_is_gone(tmp_path):
    """Zensical's cache is kept between builds (the rebuild renders only what changed), but the
    output is new each time: an article edited after its approvals leaves the site at once."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    site = tmp_path / "site"
    assert _build(clone, "zensical", "public", site).returncode == 0
    assert any((clone / ".smilepress-cache/zensical/public").iterdir())
    article = clone / "content/education/shuaya-fangfa.md"
    assert "education/shuaya-fangfa/index.html" in _pages(site)
    article.write_text(article.read_text(encoding="utf-8") + "\n未经批准加上的一句。\n", "utf-8")
    result = _build(clone, "zensical", "public", site)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "education/shuaya-fangfa/index.html" not in _pages(site)
    assert "未经批准加上的一句" not in "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.*")
    )


def test_zensical_refuses_unsigned_configuration(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    css = clone / "plugins/theme/static/stylesheets/extra.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { color: red; }\n", encoding="utf-8")
    result = _build(clone, "zensical", "public", tmp_path / "site")
    assert result.returncode == 1
    assert "未经有权限的人签名" in result.stderr
    assert not (tmp_path / "site").exists()


# -------------------------------------------------------------------------- search, in a browser


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def test_zensical_search_answers_the_staff_questions_first(sites):
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if not chromium or sync_playwright is None:
        if os.environ.get("SMILEPRESS_REQUIRE_BROWSER") == "1":
            pytest.fail("SMILEPRESS_REQUIRE_BROWSER=1 but chromium or playwright is missing")
        pytest.skip("needs Debian's chromium and playwright")
    site = sites["zensical", "internal"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    wrong = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--headless", "--no-sandbox"]
            )
            page = browser.new_page()
            links = page.locator("ol[role=listbox] a")  # in the dialog's shadow root
            for question in QUESTIONS:  # a fresh page each: no earlier question's results
                page.goto(base)
                page.click(".md-search__button")
                page.locator("dialog input[role=combobox]").fill(question["question"])
                links.first.wait_for(timeout=10_000)
                page.wait_for_timeout(300)  # the list is drawn in one go; let it settle
                hrefs = page.eval_on_selector_all(
                    "ol[role=listbox] a", "els => els.map(a => a.href)"
                )
                first = hrefs[0].removeprefix(base).split("#")[0].split("?")[0]
                if first != question["page"]:
                    wrong[question["question"]] = first
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert not wrong, f"first results that do not answer the question: {json.dumps(wrong)}"
