"""Zensical as the site generator: the staged site written to a folder and built there.

Zensical reads mkdocs.yml but runs no third-party MkDocs plugin, so SmilePress does not run inside
it: the gate's staged site (staging.py) is written to a folder of its own with a configuration made
from mkdocs.yml (only the search plugin, the staged nav, the profile's site name and address),
Zensical builds that folder, and then what the MkDocs plugin does to each page happens to the HTML
it wrote: the writer's HTML through the allow-list, reference numbers off the public site, credit
captions. The leak guard reads every file before the site replaces the last one; a staging, build
or guard failure leaves the last site as it was and publishes nothing (fails closed).

Zensical is pre-1.0: the version measured here is pinned in pyproject.toml.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from . import staging
from .checks import pool
from .project import Project
from .report import leak_guard
from .workflow import site_chrome, site_config

SLUGIFY = "!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}"
# A page's content in Zensical's HTML: after the theme's skip-link target (the theme's markup, not
# the writer's: the allow-list would strip its id and tabindex)
ARTICLE = re.compile(
    r'(<article class="md-content__inner md-typeset">\s*(?:<a id="__skip" tabindex="-1"></a>)?)'
    r"(.*?)(</article>)",
    re.S,
)
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


class BuildError(Exception):
    """Why the Zensical build did not replace the site (a message for staff, in Chinese)."""


def build(project: Project, profile: str, site_dir: Path, log) -> None:
    """Build the `profile` site into `site_dir` with Zensical; raises BuildError, leaving
    `site_dir` as it was."""
    project.decisions(profile)  # the checks first: their workers run while the history is read
    refusals = project.config_refusals() if profile != "preview" else []
    if refusals:  # the branch does not change the rules it is judged by (fails closed)
        raise BuildError(
            f"部门配置有 {len(refusals)} 处未经有权限的人签名的改动，拒绝构建 {profile} 版本：\n"
            + "\n".join(f"  {p}" for p in refusals)
        )
    if not project.ledger.available and profile != "preview":
        log.warning("所有需要审批的文章都未公开：%s", project.ledger.reason)
    site = site_config.read(project.root)
    options = plugin_options(site.data)
    staged = staging.stage(project, profile, options)
    for problem in staged.data_problems:  # as the MkDocs plugin reports them
        (log.warning if problem.level == "error" else log.info)(
            "员工手册、指标、计划或预算数据：%s", problem
        )
    for problem in staged.problems:  # one page's problem, never the build's
        log.info("%s", problem)
    resolved = _resolved(site.data, options, profile)
    chrome, errors, notes = site_chrome.review_frame(project, site, resolved, profile, None)
    for note in notes:
        log.info("网站框架文字：%s", note)
    if errors:
        raise BuildError(
            f"{profile} 版不接受这份网站配置（mkdocs.yml）：\n"
            + "\n".join(f"  {p}" for p in errors)
        )
    work = site_dir.parent / f".{site_dir.name}.zensical"
    shutil.rmtree(work, ignore_errors=True)
    # The guard's process fingerprints what must not be public while Zensical builds, then reads
    # each file as it is final (the writers' pages once finished), as in the MkDocs build.
    # The finishing workers are forked before the guard starts its process (and threads).
    finisher = _Finisher(project, staged)
    guard = _Guard(project, profile, staged, chrome, work / "site")
    try:
        out = _build_staged(project, site, staged, resolved, work)
        if profile != "public":
            for name in SITEMAPS:
                (out / name).unlink(missing_ok=True)
        pages = _writers_pages(staged, out)
        guard.written_before(set(pages.values()))
        for path in finisher.finish(pages):
            guard.written(path)
        guard.finish(log)
        _replace(site_dir, out)
    finally:
        finisher.close()
        guard.cancel()
        if not os.environ.get("SMILEPRESS_KEEP_STAGE"):  # kept for a developer who asks
            shutil.rmtree(work, ignore_errors=True)
    log.info(
        "SmilePress %s 版（Zensical）：收录 %d 篇文章，共 %d 页（截至 %s）",
        profile,
        sum(1 for p in staged.pages.values() if p.source is not None),
        len(staged.pages),
        project.today.isoformat(),
    )


def plugin_options(data: dict) -> staging.SiteOptions:
    """The SmilePress plugin's options in mkdocs.yml's data."""
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("smilepress"), dict):
            return staging.site_options(plugin["smilepress"])
    return staging.SiteOptions()


def _resolved(data: dict, options: staging.SiteOptions, profile: str) -> dict:
    """The frame's settings as this build resolves them (site_chrome.review_frame)."""
    out = {key: data.get(key) for key in site_chrome.CHROME_KEYS}
    out["site_name"] = options.site_names.get(profile) or data.get("site_name")
    out |= {
        "extra": dict(data.get("extra") or {}),
        "nav": None,
        "theme": data.get("theme"),
        "site_names": dict(options.site_names),
        "section_titles": dict(options.section_titles),
    }
    return out


def _build_staged(project, site, staged: staging.StagedSite, resolved: dict, work: Path) -> Path:
    docs, out = work / "docs", work / "site"
    static = site_config.folders(site)
    if site.data.get("docs_dir") and static:  # the static folder's files: stylesheets, scripts
        shutil.copytree(static[0], docs, dirs_exist_ok=True)
    for uri, page in staged.pages.items():
        _write(docs / uri, page.text())
    for uri, source in staged.assets.items():
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, docs / uri)
    config = work / "mkdocs.yml"
    _write(config, _config_text(project, site.data, staged, resolved, docs, out))
    # (docs and out sit beside the configuration: it names them relative to itself)
    with _kept_cache(project, staged.profile, work):
        result = subprocess.run(
            [_zensical(), "build", "-f", str(config)], cwd=work, capture_output=True, text=True
        )
    if result.returncode != 0:
        raise BuildError("Zensical 构建失败：\n" + (result.stderr or result.stdout).strip()[-3000:])
    return out


@contextlib.contextmanager
def _kept_cache(project: Project, profile: str, work: Path):
    """Zensical's cache (rendered pages by content hash, in `.cache` beside its configuration)
    kept in the project's cache folder between builds of a profile, so that a rebuild renders
    only what changed. The output folder is always new: a page the gate no longer lets through
    cannot survive in it, and the guard reads every file of it anyway."""
    kept = project.cache_root / "zensical" / profile
    used = work / ".cache"
    try:
        if kept.is_dir():
            shutil.move(kept, used)  # a rename where both are on one file system
    except OSError:
        shutil.rmtree(used, ignore_errors=True)  # no cache: a cold build, nothing worse
    try:
        yield
    finally:
        try:
            if used.is_dir():
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.rmtree(kept, ignore_errors=True)
                shutil.move(used, kept)
        except OSError:
            pass  # where it cannot be kept, the next build is cold


def _config_text(project, data: dict, staged, resolved: dict, docs: Path, out: Path) -> str:
    """mkdocs.yml for Zensical: the site's own settings, the staged nav, no SmilePress plugin."""
    theme = dict(data.get("theme") or {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((project.root / theme["custom_dir"]).resolve())
    extra = dict(resolved["extra"])
    if staged.profile != "public":  # staff pages: no search engine lists them
        extra["robots"] = "noindex, nofollow"
    options = plugin_options(data)
    config = {
        "site_name": resolved["site_name"],
        "site_url": options.site_urls.get(staged.profile) or data.get("site_url"),
        "docs_dir": docs.name,  # relative: Zensical 0.0.73 panics on absolute ones
        "site_dir": out.name,
        "use_directory_urls": data.get("use_directory_urls", True),
        "theme": theme,
        "plugins": [{"search": _search_options(data)}],
        "markdown_extensions": _extensions(data),
        "extra_css": data.get("extra_css") or [],
        "extra_javascript": data.get("extra_javascript") or [],
        "extra": extra,
        "nav": staged.nav,
    }
    for key in ("site_description", "site_author", "copyright"):
        if data.get(key):
            config[key] = data[key]
    if not staged.nav:
        del config["nav"]  # nothing to show: Zensical's own empty site (a 404 page)
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    # Chinese heading anchors, as the MkDocs plugin sets them (a tag: written as text)
    return re.sub(
        r"(?m)^( *)- toc:\n", lambda m: f"{m.group(0)}{m.group(1)}    slugify: {SLUGIFY}\n", text
    )


def _search_options(data: dict) -> dict:
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("search"), dict):
            return plugin["search"]
    return {"lang": "zh"}


def _extensions(data: dict) -> list:
    out, has_toc = [], False
    for ext in data.get("markdown_extensions") or []:
        if ext == "toc" or (isinstance(ext, dict) and "toc" in ext):
            has_toc = True
            ext = {"toc": {k: v for k, v in (ext.get("toc") or {}).items() if k != "slugify"}}
        out.append(ext)
    if not has_toc:
        out.append({"toc": {}})
    return out


def _zensical() -> str:
    found = shutil.which("zensical") or str(Path(sys.executable).with_name("zensical"))
    if not Path(found).exists():
        raise BuildError(
            "没有安装 Zensical：运行 make build（或 pip install -e '.[zensical]'）后再试"
        )
    return found


class _Finisher:
    """What the MkDocs plugin does to each writer's page, done to the HTML Zensical wrote, by
    worker processes when there are many pages (forked now, before the guard's process starts:
    they inherit the project and the staged site, and wait while Zensical builds)."""

    def __init__(self, project: Project, staged: staging.StagedSite):
        global _FINISHING
        entries = {e.article.src_uri: e for e, d in project.decisions(staged.profile) if d.included}
        _FINISHING = (project, staged, entries)
        self.pool = None
        if pool.wanted(sum(1 for p in staged.pages.values() if p.source)):
            self.pool = multiprocessing.get_context("fork").Pool(pool.workers())

    def finish(self, pages: dict[str, Path]):
        """Each page (src_uri -> the HTML file) finished in place; yields its path once it is."""
        items = list(pages.items())
        if self.pool is None:
            yield from map(_finish_page, items)
        else:
            yield from self.pool.imap_unordered(_finish_page, items, chunksize=8)

    def close(self) -> None:
        global _FINISHING
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None
        _FINISHING = None


_FINISHING: tuple | None = None  # (project, staged site, entries): what the workers inherit


def _finish_page(item: tuple[str, Path]) -> Path:
    uri, path = item
    project, staged, entries = _FINISHING
    html = path.read_text(encoding="utf-8")

    def finish(m: re.Match) -> str:
        body = staging.finish_html(
            m.group(2), entries.get(uri), project, staged.profile, staged.pieces
        )
        return m.group(1) + body + m.group(3)

    path.write_text(ARTICLE.sub(finish, html, count=1), encoding="utf-8")
    return path


def _writers_pages(staged: staging.StagedSite, out: Path) -> dict[str, Path]:
    """src_uri -> the HTML file Zensical wrote, of each writer's page (a README.md beside an
    index.md is no page: MkDocs keeps the index too)."""
    pages = {uri: out / _page_path(uri) for uri, p in staged.pages.items() if p.source}
    indexes = {path for uri, path in pages.items() if not uri.endswith("README.md")}
    return {u: p for u, p in pages.items() if not u.endswith("README.md") or p not in indexes}


def _page_path(uri: str) -> str:
    """Where a page is written with directory URLs: education/a.md -> education/a/index.html; an
    index.md or README.md is its folder's index (as MkDocs names them)."""
    folder, _, name = uri[: -len(".md")].rpartition("/")
    if name in ("index", "README"):
        return f"{folder}/index.html" if folder else "index.html"
    return f"{folder}/{name}/index.html" if folder else f"{name}/index.html"


class _Guard:
    """The leak guard of a Zensical build (report/leak_guard's BackgroundScan): none for the
    preview, whose pages are for staff who may see everything."""

    def __init__(self, project, profile: str, staged, chrome: list[str], out: Path):
        self.profile, self.scan = profile, None
        if profile in site_config.CHECKED_PROFILES:
            self.scan = leak_guard.BackgroundScan()
            self.scan.begin(out, leak_guard.watch(project, profile, chrome, staged.generated()))

    def written_before(self, pages: set[Path]) -> None:
        """Every file Zensical wrote but the writers' pages, which are finished first."""
        if self.scan:
            self.scan.written_before_pages(pages)

    def written(self, path: Path) -> None:
        if self.scan:
            self.scan.written(path)

    def finish(self, log) -> None:
        """Raises BuildError on a leak, or when the guard could not look (never passes then)."""
        if self.scan is None:
            return
        scan, self.scan = self.scan, None
        waited = time.perf_counter()
        try:
            leaks = scan.finish()
        except Exception as exc:  # noqa: BLE001 (deliberate: a guard that failed fails the build)
            raise BuildError(
                f"防泄漏检查未能完成（{type(exc).__name__}: {exc}），构建视为失败"
            ) from None
        if scan.stats is not None:
            log.info(
                "防泄漏检查（%s 版，Zensical）：读了 %d 个文件，扫描进程用时 %.2f 秒，"
                "页面完成后等待 %.2f 秒",
                self.profile,
                scan.stats.files,
                scan.stats.seconds,
                time.perf_counter() - waited,
            )
        if leaks:
            more = f"\n  ……另有 {len(leaks) - 50} 处" if len(leaks) > 50 else ""
            raise BuildError(
                f"防泄漏检查失败：{self.profile} 版网站中出现了不应出现的内容"
                "（没有替换现有网站，请勿部署）：\n"
                + "\n".join(f"  {leak}" for leak in leaks[:50])
                + more
            )

    def cancel(self) -> None:
        if self.scan is not None:
            self.scan.cancel()


def _replace(site_dir: Path, built: Path) -> None:
    """`built` becomes `site_dir`; the old site is removed only once the new one is in place."""
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    if site_dir.exists():
        site_dir.rename(old)
    shutil.move(str(built), str(site_dir))
    shutil.rmtree(old, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
