"""The staff handbook in a real browser: the internal build of this repository's own sample project,
served on 127.0.0.1 and opened in Chromium (Debian's, driven by Playwright; never a downloaded one).

Each handbook page renders with its title and its build-time diagrams, Chinese search finds the
right page, and nothing the browser does leaves localhost: no request to any other host, no failed
request, no console error.

Without chromium or playwright the module is skipped, unless SMILEPRESS_REQUIRE_BROWSER=1 (CI sets
it), in which case it fails: the browser test can never silently not run.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-28"
REQUIRE = os.environ.get("SMILEPRESS_REQUIRE_BROWSER") == "1"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}  # in-page resources, not network requests
TIMEOUT_MS = 15_000  # any single page action
SEARCH_TIMEOUT_MS = 10_000  # the index loads in well under a second; a miss should not cost more
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _unavailable(reason: str):
    if REQUIRE:
        pytest.fail(f"SMILEPRESS_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _chromium() -> str:
    """The path of Debian's chromium, after checking Playwright is importable; else skip (or
    fail)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        _unavailable(
            f"playwright is not installed ({exc}); `make .venv/.installed` installs the test extras"
        )
    path = shutil.which("chromium")
    if not path:
        _unavailable(
            "no `chromium` on PATH; install it with "
            "`apt-get install -y --no-install-recommends chromium` (never `playwright install`)"
        )
    return path


# ----------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return _chromium()


@pytest.fixture(scope="module")
def built_site(chromium_path, tmp_path_factory) -> Path:
    """site/internal of a full-history clone of this repository, built once for the module."""
    shallow = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    if shallow != "false":
        _unavailable("needs the repository's full git history (approvals are proven by git)")
    clone = tmp_path_factory.mktemp("browser") / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    env = {
        k: v for k, v in os.environ.items() if k not in {"SMILEPRESS_PROFILE", "SMILEPRESS_AS_OF"}
    }
    env.update(NO_MKDOCS_2_WARNING="1", GIT_CONFIG_NOSYSTEM="1")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "smilepress"),
            "--as-of",
            AS_OF,
            "build",
            "--profile",
            "internal",
        ],
        cwd=clone,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    site = clone / "site/internal"
    assert (site / "index.html").is_file(), result.stderr[-3000:]
    return site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def base_url(built_site) -> str:
    """The built site served by http.server on 127.0.0.1, on a free port, in a daemon thread."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(built_site))
    )
    thread = threading.Thread(target=server.serve_forever, name="handbook-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class Audit:
    """Everything the browser did in this module: requests, failed requests, console and page
    errors."""

    def __init__(self):
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self._marks = (0, 0, 0)

    def attach(self, page) -> None:
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location})")

    def mark(self) -> None:
        self._marks = (len(self.requests), len(self.failed), len(self.errors))

    def assert_clean(self, since_mark: bool = True) -> None:
        """No request left localhost, none failed, no console error (since the last mark, or
        ever)."""
        r, f, e = self._marks if since_mark else (0, 0, 0)
        external = self.external(self.requests[r:])
        assert not external, f"requests left localhost: {sorted(set(external))}"
        assert not self.failed[f:], f"failed requests: {self.failed[f:]}"
        assert not self.errors[e:], f"console errors: {self.errors[e:]}"

    @staticmethod
    def external(urls: list[str]) -> list[str]:
        """The URLs whose host is not 127.0.0.1 or localhost (data: and blob: URLs are in-page)."""
        out = []
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.scheme not in {"http", "https"} or parts.hostname not in LOCAL_HOSTS:
                out.append(url)
        return out


@pytest.fixture(scope="module")
def audit() -> Audit:
    return Audit()


@pytest.fixture(scope="module")
def context(chromium_path, base_url, audit):
    """One browser and one fresh context for the module; requests to other hosts are recorded, then
    aborted (so a leak can neither reach the network nor slow the test down)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        ctx = browser.new_context(locale="zh-CN", service_workers="block")
        ctx.set_default_timeout(TIMEOUT_MS)

        def route(r):
            parts = urlsplit(r.request.url)
            if parts.scheme in {"http", "https"} and parts.hostname not in LOCAL_HOSTS:
                r.abort()
            else:
                r.continue_()

        ctx.route("**/*", route)
        try:
            yield ctx
        finally:
            ctx.close()
            browser.close()


@pytest.fixture
def page(context, audit):
    """A new page in the module's context, recorded by the module's audit from a fresh mark."""
    pg = context.new_page()
    audit.attach(pg)
    audit.mark()
    yield pg
    pg.close()


# ------------------------------------------------------------------------------------------ helpers


def _open(page, base_url: str, path: str) -> None:
    # networkidle, not load: the search worker fetches its scripts after the load event, and
    # leaving the page then aborts them (recorded as failed requests, a race and not a fault)
    response = page.goto(base_url + path, wait_until="networkidle")
    assert response is not None, path
    assert response.status == 200, f"{path}: HTTP {response.status}"


def _h1(page) -> str:
    return page.evaluate("""() => {
        const h = document.querySelector('.md-content h1') || document.querySelector('h1');
        if (!h) return null;
        const c = h.cloneNode(true);
        c.querySelectorAll('.headerlink').forEach(a => a.remove());
        return c.textContent.replace(/\\u200b/g, '').trim();
    }""")


def _content_text(page) -> str:
    return page.locator(".md-content").inner_text().replace("\u200b", "")


def _diagram_svg_texts(page) -> list[str]:
    """Text content of each inline <svg> inside a .smilepress-diagram element."""
    return page.eval_on_selector_all(
        ".smilepress-diagram svg", "els => els.map(e => e.textContent)"
    )


def _table_texts(page) -> list[str]:
    return page.eval_on_selector_all(".md-content table", "els => els.map(e => e.textContent)")


# ---------------------------------------------------------------------------------------- the pages


def _check_handbook_index(page):
    text = _content_text(page)
    assert "目的" in text and "适用范围" in text, text[:500]


def _check_org(page):
    svgs = _diagram_svg_texts(page)
    assert svgs, "no inline <svg> inside .smilepress-diagram"
    assert any("网络推广组" in t and "部门经理" in t for t in svgs), svgs


def _check_content_process(page):
    assert _diagram_svg_texts(page), "no inline <svg> inside .smilepress-diagram"
    tables = _table_texts(page)
    assert any("审核修改" in t for t in tables), (
        f"no table mentions 审核修改: {[t[:80] for t in tables]}"
    )


def _check_finance(page):
    assert "报销" in _content_text(page)


PAGES = [
    ("/handbook/", "员工手册", _check_handbook_index),
    ("/handbook/org/", "组织架构", _check_org),
    ("/handbook/processes/content/", "内容策划流程", _check_content_process),
    ("/handbook/finance/", "财务管理", _check_finance),
    ("/handbook/security/", "信息安全管理", None),
    ("/handbook/xiezuo-guifan/", "内容写作规范", None),
]


@pytest.mark.parametrize("path, h1, check", PAGES, ids=[p for p, _, _ in PAGES])
def test_handbook_page_renders(page, audit, base_url, path, h1, check):
    _open(page, base_url, path)
    assert _h1(page) == h1, f"{path}: the h1 is {_h1(page)!r}, not {h1!r}"
    if check:
        check(page)
    audit.assert_clean()


def test_chinese_text_is_drawn_with_glyphs_not_boxes(page, audit, base_url):
    """Pixels, not text: without a CJK font every character is drawn as the same empty box, and
    every test that reads text still passes. Two different words in the page's own heading style
    must look different, and unlike a character no font has (always a box)."""
    _open(page, base_url, "/handbook/")
    heading = page.locator(".md-content h1").first

    def drawn(text: str) -> bytes:
        heading.evaluate("(h, t) => { h.textContent = t; }", text)
        return heading.screenshot()

    first, second, missing = drawn("员工手册"), drawn("财务管理"), drawn("\U0010fffd" * 4)
    assert first != second, "两个不同的中文词画得一模一样：系统缺少中文字体（fonts-noto-cjk）"
    assert first != missing, "中文画成了方框：系统缺少中文字体（fonts-noto-cjk）"
    audit.assert_clean()


# ---------------------------------------------------------------------------------- accessibility

# The pages staff meet first, and the kinds of SmilePress markup on them: tables, charts, the KPI
# labels, process diagrams, the editorial lists.
A11Y_PAGES = [
    "/",
    "/handbook/",
    "/handbook/finance/",
    "/handbook/processes/content/",
    "/kpi/",
    "/kpi/deals/",
    "/reports/2026-11/",
    "/plans/budget/",
    "/editorial/",
    "/editorial/queue/",
    "/editorial/calendar/",
    "/editorial/compliance/",
]
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


def _axe_script() -> Path:
    """axe-core as axe-playwright-python ships it (a file in the wheel: nothing is downloaded)."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or spec.origin is None:
        _unavailable("axe-playwright-python is not installed; the test extras install it")
    return Path(spec.origin).with_name("axe.min.js")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_finds_nothing_in_smilepress_markup(context, audit, base_url, viewport):
    """axe-core on the page content (SmilePress's and the writers' markup; Material's own frame is
    not ours to fix), on a desktop and a phone screen."""
    width, height = VIEWPORTS[viewport]
    pg = context.new_page()
    pg.set_viewport_size({"width": width, "height": height})
    audit.attach(pg)
    audit.mark()
    found = {}
    try:
        for path in A11Y_PAGES:
            _open(pg, base_url, path)
            pg.add_script_tag(path=str(_axe_script()))
            violations = pg.evaluate(
                """async () => (await axe.run({include: [[".md-content"]]},
                                              {resultTypes: ["violations"]})).violations
                   .map(v => `${v.id}（${v.impact}）：` +
                             v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("；"))"""
            )
            if violations:
                found[path] = violations
    finally:
        pg.close()
    assert not found, f"axe ({viewport}): {found}"
    audit.assert_clean()


# ------------------------------------------------------------------------------------------- search

# What staff ask, written from the regulation, and the page that answers each: the FIRST result.
QUESTIONS = yaml.safe_load((REPO / "tests/search/staff-questions.yml").read_text(encoding="utf-8"))


def _search(page, base_url: str, query: str) -> None:
    _open(page, base_url, "/")
    box = page.locator("input.md-search__input")
    box.click()  # opens the search (on a narrow screen the input is hidden behind the icon)
    box.fill(query)
    box.press("End")  # Material reads the query on keyup; fill() of Chinese text sends none


def _results(page) -> list[tuple[str, str]]:
    """(title without U+200B, absolute href) of each listed result."""
    return page.eval_on_selector_all(
        "li.md-search-result__item a.md-search-result__link",
        "els => els.map(a => ["
        "(a.querySelector('h1, h2') || a).textContent.replace(/\\u200b/g, '').trim(), a.href])",
    )


def _result_pages(page, base_url: str) -> list[str]:
    """The site-relative page of each listed result, best first (no anchor, no ?h=)."""
    return [
        href.removeprefix(base_url + "/").split("#")[0].split("?")[0] for _, href in _results(page)
    ]


def _wait_for_results(page, query: str) -> None:
    from playwright.sync_api import Error as PlaywrightError

    try:  # the worker answers once; the list is then complete
        page.wait_for_selector(
            "li.md-search-result__item a.md-search-result__link", timeout=SEARCH_TIMEOUT_MS
        )
    except PlaywrightError as exc:  # its TimeoutError, mostly: say what the page showed
        meta = page.locator(".md-search-result__meta").all_inner_texts()
        pytest.fail(
            f"searching {query!r} listed no result within {SEARCH_TIMEOUT_MS} ms "
            f"({type(exc).__name__}); {meta}",
            pytrace=False,
        )


def _answered_first(page, base_url: str, question: dict) -> bool:
    _search(page, base_url, question["question"])
    _wait_for_results(page, question["question"])
    return _result_pages(page, base_url)[:1] == [question["page"]]


@pytest.mark.parametrize(
    "question",
    [q for q in QUESTIONS if not q.get("known_miss")],
    ids=[q["question"] for q in QUESTIONS if not q.get("known_miss")],
)
def test_staff_question_is_answered_by_the_first_result(page, audit, base_url, question):
    if not _answered_first(page, base_url, question):
        ranked = _result_pages(page, base_url)
        rank = ranked.index(question["page"]) + 1 if question["page"] in ranked else "-"
        pytest.fail(
            f"searching {question['question']!r}: the first result is {ranked[:1]}, not "
            f"{question['page']} ({question['why']}); it is result {rank} of {len(ranked)}",
            pytrace=False,
        )
    audit.assert_clean()


@pytest.mark.parametrize(
    "question",
    [q for q in QUESTIONS if q.get("known_miss")],
    ids=[q["question"] for q in QUESTIONS if q.get("known_miss")],
)
def test_known_search_misses_are_still_misses(page, base_url, question):
    """A question the data file admits is not answered first: when it starts to be, this fails,
    so the admission is removed rather than left standing."""
    assert not _answered_first(page, base_url, question), (
        f"{question['question']!r} is now answered first: remove known_miss from the data file"
    )


def _wait_for_result(page, base_url: str, query: str, target: str) -> None:
    from playwright.sync_api import Error as PlaywrightError

    wanted = f"{base_url}/{target}"
    try:
        page.wait_for_function(
            "wanted => [...document.querySelectorAll("
            "'li.md-search-result__item a.md-search-result__link')]"
            ".some(a => a.href.split('#')[0].split('?')[0] === wanted)",
            arg=wanted,
            timeout=SEARCH_TIMEOUT_MS,
        )
    except PlaywrightError as exc:  # its TimeoutError, mostly: say what was listed instead
        meta = page.locator(".md-search-result__meta").all_inner_texts()
        pytest.fail(
            f"searching {query!r} listed no result linking to {target} "
            f"within {SEARCH_TIMEOUT_MS} ms "
            f"({type(exc).__name__}); {meta}; results: {_results(page)}",
            pytrace=False,
        )


def test_search_query_from_the_url(page, audit, base_url):
    """Material also honours ?q= on any page (a bookmarked search)."""
    _open(page, base_url, "/handbook/xiezuo-guifan/?q=" + quote("写作规范"))
    _wait_for_result(page, base_url, "写作规范", "handbook/xiezuo-guifan/")
    audit.assert_clean()


def test_the_audit_sees_requests_to_other_hosts(context, base_url):
    """The audit is not vacuous: a page that reaches for another host is caught (and the request
    aborted). Its own page and audit, so the module's audit stays clean."""
    own = Audit()
    pg = context.new_page()
    own.attach(pg)
    try:
        _open(pg, base_url, "/handbook/xiezuo-guifan/")
        pg.evaluate("""() => Promise.all([
            new Promise(done => { const i = new Image(); i.onload = i.onerror = done;
                                  i.src = 'https://fonts.googleapis.com/css?family=Roboto'; }),
            fetch('http://example.com/x').catch(() => null)])""")
    finally:
        pg.close()
    assert {urlsplit(u).hostname for u in Audit.external(own.requests)} == {
        "fonts.googleapis.com",
        "example.com",
    }
    assert len(own.failed) >= 2  # aborted by the context's route, never reached the network
    with pytest.raises(AssertionError, match="requests left localhost"):
        own.assert_clean(since_mark=False)


# --------------------------------------------------------------------------------- the whole module


def test_nothing_left_localhost_and_nothing_failed(page, audit, base_url):
    """Across everything this module's browser did (this test runs last in the module; run alone, it
    still opens the home page and searches, so the audit is never empty)."""
    _search(page, base_url, "写作规范")
    _wait_for_result(page, base_url, "写作规范", "handbook/xiezuo-guifan/")
    assert any(u.startswith(base_url) and "search_index.json" in u for u in audit.requests), (
        "the search index was never fetched: the audit would prove little"
    )
    audit.assert_clean(since_mark=False)
