"""MkDocs glue: the gate decides, this plugin only applies the decisions to a MkDocs build.

Articles live in content/, outside MkDocs' docs_dir (which holds only static assets). MkDocs
builds the staged site (staging.py) from memory: the pages the gate lets into the profile as the
theme should see them (never the writer's file, its editorial status or approvals), the staff
sites' generated pages, the files they may show and the nav. A build without this plugin (removed
from mkdocs.yml, or a generator that ignores third-party plugins) publishes no article at all.

Hooks: on_config (load the project, decide, refuse a site configuration that would bypass the gate
or the guard, check the text public pages show besides the articles), on_files (the staged site,
what dropped and why, strict integrity checks), on_page_markdown (the title and description the
theme prints), on_page_content (writers' HTML through the allow-list, picture credits, preview
banners), on_post_build (leak guard, public and internal), on_serve (watch content/, policies/
and data/).
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import time
from pathlib import Path

import jieba
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from pymdownx.slugs import slugify

from .. import staging
from ..errors import Problem, SmilePressError
from ..pages import handbook
from ..project import Entry, Project, parse_as_of
from ..report import drops, leak_guard
from ..report.audit_trail import stale_since
from ..report.formats import findings_box, highlight
from ..view.sanitise import sanitise
from ..workflow import site_chrome, site_config
from ..workflow.gate import PROFILES, Decision
from ..workflow.trust import exposed_keys
from . import material_search
from .config import ENVIRONMENT, SmilePressConfig

# What is logged as a warning is an integrity problem (MkDocs' own --strict fails on any warning);
# an article's problems and anything time brings (expiry, review dates) are logged as info: they
# never fail a build.
log = get_plugin_logger(__name__)


class SmilePressPlugin(BasePlugin[SmilePressConfig]):
    def __init__(self):
        self.project: Project | None = None
        self.profile = "public"
        self.decisions: dict[str, tuple[Entry, Decision]] = {}
        self.excluded_uris: set[str] = set()
        self.strict = False
        self.trust_root: str | None = None  # set by `smilepress build --trust-root`, else the env
        self.scan: leak_guard.BackgroundScan | None = None
        self.chrome: list[str] = []  # the texts of the site's frame (mkdocs.yml): the guard's
        # Pages SmilePress writes itself (handbook, KPIs, reports, editorial pages), src_uri ->
        # Markdown: every other page is a writer's, its HTML through the allow-list (sanitise.py)
        self.generated: dict[str, str] = {}
        self.guard_started = 0.0  # when the guard was handed the watch (for the build log)
        self.page_files: set[Path] = set()  # where this build writes its pages
        self.last_written: Path | None = None
        self.site: staging.StagedSite | None = None  # what this build shows (on_files)
        self.origin = dict.fromkeys(ENVIRONMENT, "mkdocs.yml")  # where each option came from
        # `smilepress build` read mkdocs.yml and its folders before MkDocs loaded it (the profile)
        self.checked_before_load: str | None = None

    # -- configuration ---------------------------------------------------------------------
    def load_config(self, options, config_file_path=None):
        """mkdocs.yml's options, with the documented environment variables over them (config.py:
        `smilepress build` then sets its own options on this config, over both)."""
        result = super().load_config(options, config_file_path)
        for option, variable in ENVIRONMENT.items():
            if os.environ.get(variable):
                self.config[option] = os.environ[variable]
                self.origin[option] = variable
        return result

    def set_by_command(self, option: str, value, origin: str) -> None:
        """An option of `smilepress build`, over the environment and mkdocs.yml."""
        self.config[option] = value
        if option in self.origin:
            self.origin[option] = origin

    def on_config(self, config):
        self.profile = self.config.profile or "public"
        if self.profile not in PROFILES:
            raise PluginError(
                f"未知的构建版本 {self.profile!r}（{self.origin['profile']}），"
                f"可用的有：{', '.join(PROFILES)}"
            )
        if not self.config.enabled:
            if self.profile in site_config.CHECKED_PROFILES:  # the gate and the guard are this
                raise PluginError(
                    f"{self.profile} 版不能停用 smilepress 插件（mkdocs.yml 的 enabled: false）："
                    "文章必须经它筛选，网站必须经防泄漏检查"
                )
            return config
        self.strict = self.config.strict or bool(config.strict)
        logging.getLogger("jieba").setLevel(
            logging.WARNING
        )  # its dictionary-loading chatter is not for staff
        root = Path(config.config_file_path).parent
        day, origin = site_config.build_day(
            self.profile,
            *(self.config.as_of if self.origin["as_of"] == o else None for o in _DAY_ORIGINS),
        )
        if self.config.as_of and origin == "today":
            log.info(
                "已忽略 mkdocs.yml 中的 as_of: %s：%s 版按今天构建"
                "（要按另一天构建，用 smilepress build --as-of 或 SMILEPRESS_AS_OF）",
                self.config.as_of,
                self.profile,
            )
        try:
            self.project = Project(
                root,
                as_of=parse_as_of(day, origin),
                content_dir=self.config.content_dir,
                trust_root=self.trust_root,
            )
            # the checks first: their worker processes are forked from this process, which must
            # not run other threads then (the guard's pool runs one); they use every core, while
            # this process reads the signed history that the refusal below needs
            decisions = self.project.decisions(self.profile)
            self._refuse_unsigned_configuration()
            self._note_exposed_keys()
            self._start_guard_process()  # it loads while MkDocs reads and renders the pages
            self._check_site_config(
                config, root, [e.article.src_uri for e, d in decisions if d.included]
            )
        except SmilePressError as exc:
            self.on_build_error(exc)
            raise PluginError("SmilePress 无法加载项目：\n" + str(exc)) from None
        except BaseException as exc:  # refused, or a bug: the guard's process is not needed
            self.on_build_error(exc)
            raise
        self.decisions = {
            e.article.src_uri: (e, d)
            for e, d in decisions
            if not staging.replaced_by_staff_home(self.profile, e.article.src_uri)
        }
        self.excluded_uris = {uri for uri, (_, d) in self.decisions.items() if not d.included}
        if Path(config.site_dir) == root / "site":  # the default: keep each profile's site apart
            config.site_dir = str(root / "site" / self.profile)
        if self.profile in self.config.site_names:
            config.site_name = self.config.site_names[self.profile]
        if self.profile in self.config.site_urls:
            config.site_url = self.config.site_urls[self.profile]
        if self.profile != "public":  # staff pages: no search engine lists them, no sitemap
            config.extra["robots"] = "noindex, nofollow"
            config.theme.static_templates.discard("sitemap.xml")
        # Heading anchors from the Chinese heading itself: the default slug drops non-Latin
        # characters and numbers the headings _1, _2, so a deep link moves when a heading is added
        # above it. An explicit `slugify` in mkdocs.yml wins.
        config.mdx_configs.setdefault("toc", {}).setdefault("slugify", slugify(case="lower"))
        return config

    def _check_site_config(self, config, root: Path, pages: list[str]) -> None:
        """What mkdocs.yml puts on the site besides the articles (site_config decides): refused
        configurations, and the compliance check of the text public pages show besides the
        articles (site_chrome): the frame, the theme's templates, static files, and the nav's
        section titles over `pages` (the src_uris the site will have)."""
        if self.profile not in site_config.CHECKED_PROFILES:
            return
        site = site_config.read(root)
        refused = []
        if self.checked_before_load != self.profile:  # a plain `mkdocs build`
            refused = site_config.problems(site, self.profile, self.project.policies)
        resolved = {key: config.get(key) for key in site_chrome.CHROME_KEYS}
        resolved |= {
            "extra": dict(config.extra or {}),
            "nav": config.nav,
            "theme": site.data.get("theme"),  # MkDocs makes it a Theme: read as written
            "site_names": dict(self.config.site_names),
            "section_titles": dict(self.config.section_titles),
        }
        self.chrome, errors, notes = site_chrome.review_frame(
            self.project, site, resolved, self.profile, None if config.nav else pages
        )
        for note in notes:  # a warning, as for an article: shown, never a failure
            log.info("网站框架文字：%s", note)
        if refused or errors:
            raise PluginError(
                f"{self.profile} 版不接受这份网站配置（mkdocs.yml）：\n"
                + "\n".join(f"  {p}" for p in refused + errors)
            )

    # -- which pages -------------------------------------------------------------------------
    def on_files(self, files: Files, config) -> Files:
        if not self.config.enabled or self.project is None:
            return files
        for (
            problem
        ) in self.project.problems():  # an article's own problem: it drops out, the build goes on
            log.info("%s", problem)
        for problem in self.project.rule_problems():
            log.warning("合规规则包有问题：%s", problem)
        if self.strict and any(p.level == "error" for p in self.project.rule_problems()):
            raise PluginError("严格模式：合规规则包有错误（见上），部分检查没有运行")
        for _, (entry, decision) in sorted(self.decisions.items()):
            for warning in decision.warnings if decision.included else ():
                # time-driven: info, so MkDocs' own --strict never fails on it
                log.info("提醒：%s: %s", entry.article.path, warning)
        self._report_drops()
        self._require_proofs()
        self._add_staged_site(files, config)
        # a nav written in mkdocs.yml keeps its author's order and titles, without the pages this
        # profile leaves out; otherwise the staged site's (sections titled and ordered for readers)
        config.nav = self._prune_nav(config.nav) if config.nav else self.site.nav
        if self.profile != "public":  # nor the sitemap's template, copied as a plain file
            for name in SITEMAP_FILES:
                if sitemap := files.get_file_from_path(name):
                    files.remove(sitemap)
        self._log_summary()
        self._start_guard(files, config)
        return files

    def _start_guard_process(self) -> None:
        """Every public build is guarded, whatever mkdocs.yml says (a `guard: false` there is
        refused by site_config, with its line; this holds even where that check did not run); the
        internal one unless mkdocs.yml turns the guard off. The guard's process starts once the
        articles are checked, so that it has loaded while MkDocs renders the pages."""
        if self.profile == "public" or (self.profile == "internal" and self.config.guard):
            self.scan = leak_guard.BackgroundScan()

    def _start_guard(self, files: Files, config) -> None:
        """Hand the guard what must not be in this site, once the pages of the build are known."""
        if self.scan is None:
            return
        started = time.perf_counter()
        _, problems = leak_guard.load_policy(self.project.root)
        self._report(problems, "防泄漏检查的策略文件（按默认值检查）")
        watch = leak_guard.watch(self.project, self.profile, self.chrome, self.generated)
        self.scan.begin(Path(config.site_dir), watch)
        self.page_files = {Path(f.abs_dest_path) for f in files.documentation_pages()}
        self.guard_started = time.perf_counter() - started

    def _report_drops(self) -> None:
        """What left the site and who must act. Never a build failure: time and one article's
        problems take that article down, the publish goes on (an integrity problem is what fails a
        strict build)."""
        found = drops.report(self.project)
        if self.profile != "preview" and (found.dropped or found.upcoming):
            for line in found.text().splitlines():
                log.info(
                    "%s", line
                )  # info, not warning: `mkdocs build --strict` fails on any warning

    def _require_proofs(self) -> None:
        """Approvals that cannot be proven at all (no history, shallow, no trust root) would
        silently take every approved article down: an integrity problem, so a strict build
        fails."""
        ledger = self.project.ledger
        needs_proof = any(e.article.approvals for e, _ in self.decisions.values())
        if not needs_proof or ledger.available or self.profile == "preview":
            return
        if self.strict:
            raise PluginError(
                f"严格模式：无法证明任何批准（{ledger.reason}），为免所有文章下线，构建中止"
            )
        log.warning("所有需要审批的文章都未公开：%s", ledger.reason)

    def _note_exposed_keys(self) -> None:
        """A registered key's private half in the repository lets anyone sign as its owner: a
        warning, except for the sample's own keys, public on purpose (a note)."""
        found = exposed_keys(self.project.history, self.project.policies)
        for problem in found:
            if problem.level == "warning":
                log.warning("%s", problem)
        sample = [p.path for p in found if p.level != "warning"]
        if sample:  # one line: the sample says so in every build without filling the log
            log.info(
                "示例部门：%s 等 %d 把登记过的私钥故意放在仓库里，只供示例和测试；"
                "真实部门请登记各人自己的公钥（README：Trust）",
                sample[0],
                len(sample),
            )

    def _refuse_unsigned_configuration(self) -> None:
        """The branch does not change the rules it is judged by: a published build refuses while
        a governed path holds a change no allowed person signed (fails closed, strict or not)."""
        refusals = self.project.config_refusals()
        if not refusals or self.profile == "preview":
            return
        for problem in refusals:
            log.error("%s", problem)
        raise SmilePressError(
            Problem(
                refusals[0].path,
                0,
                f"部门配置有 {len(refusals)} 处未经有权限的人签名的改动（见上），拒绝构建 "
                f"{self.profile} 版本",
                "请让有权限的人签名提交这些改动，或撤回它们",
            )
        )

    def _add_staged_site(self, files: Files, config) -> None:
        """The pages and files of the staged site (staging.stage): what the gate lets into this
        profile, each page as the theme should see it, the staff sites' generated pages among
        them. MkDocs reads them from memory, never the writer's file. A file of docs_dir at a
        page's address wins (it is the department's own, signed with the configuration)."""
        self.site = staging.stage(self.project, self.profile, staging.site_options(self.config))
        self._report(self.site.data_problems, "员工手册、指标、计划或预算数据")
        for problem in self.site.problems:  # one page's problem, never the build's
            log.info("%s", problem)
        for term in handbook.search_terms(self.site.book) if self.site.book else ():
            jieba.add_word(term, freq=200000)  # Material's search segments with jieba here
        for uri, page in self.site.pages.items():
            if files.get_file_from_path(uri):
                log.warning("%s 与 SmilePress 的页面同名：保留 %s 中的文件", uri, config.docs_dir)
                continue
            files.append(File.generated(config, uri, content=page.text()))
            if page.source is None:
                self.generated[uri] = page.text()
        root = str(self.project.content_root)
        for uri in self.site.assets:
            if not files.get_file_from_path(uri):
                files.append(File(uri, root, config.site_dir, config.use_directory_urls))

    def _report(self, problems, what: str) -> None:
        """Each problem of generated pages' data in the log; in strict mode an error stops the
        build."""
        for problem in (
            problems
        ):  # only errors are integrity problems; a warning (a review date passed) is news
            (log.warning if problem.level == "error" else log.info)("%s：%s", what, problem)
        if self.strict and any(p.level == "error" for p in problems):
            raise PluginError(f"严格模式：{what}有错误（见上）")

    def _prune_nav(self, items):
        kept = []
        for item in items:
            if isinstance(item, dict):
                ((title, value),) = item.items()
                if isinstance(value, list):
                    value = self._prune_nav(value)
                    if value:
                        kept.append({title: value})
                elif value not in self.excluded_uris:
                    kept.append(item)
            elif item not in self.excluded_uris:
                kept.append(item)
        return kept

    def _log_summary(self) -> None:
        included = sum(1 for _, d in self.decisions.values() if d.included)
        log.info(
            "SmilePress %s 版：收录 %d 篇，排除 %d 篇（截至 %s）",
            self.profile,
            included,
            len(self.decisions) - included,
            self.project.today.isoformat(),
        )

    # -- pages ------------------------------------------------------------------------------
    def on_page_markdown(self, markdown, page, config, files):
        if not self.config.enabled:
            return markdown
        if page.file.src_uri not in self.generated:
            _escape_for_theme(page.meta)
        return markdown

    def on_page_content(self, html_text, page, config, files):
        if not self.config.enabled:
            return html_text
        found = self.decisions.get(page.file.src_uri)
        if page.file.src_uri not in self.generated:  # a writer's page, in every profile
            html_text = staging.finish_html(
                html_text, found[0] if found else None, self.project, self.profile, self.site.pieces
            )
        if not found:
            return html_text
        entry, decision = found
        # Preview only: why the page is not public, its compliance findings, and each finding marked
        # in place.
        if self.profile != "preview":
            return html_text
        boxes = (
            [_banner(entry, decision, self.project)]
            if not decision.public or decision.warnings
            else []
        )
        return (
            "".join(boxes)
            + findings_box(entry.review)
            + highlight(html_text, entry.review.findings)
        )

    def on_post_page(self, output, page, config):
        # MkDocs writes a page right after this hook: hand the previous one, now on disk, to the
        # guard. Before the first page MkDocs copied the static files and wrote the theme's
        # templates (404, sitemap): those go to the guard now, not after the build.
        if self.scan is not None:
            if self.last_written is None:
                self.scan.written_before_pages(self.page_files)
            elif self.last_written.exists():
                self.scan.written(self.last_written)
            self.last_written = Path(page.file.abs_dest_path)
        return output

    # -- after the build --------------------------------------------------------------------
    def on_post_build(self, config):
        if self.config.enabled:
            for worker in material_search.fix_query_split(Path(config.site_dir)):
                log.warning(
                    "%s：Material 的搜索脚本与 SmilePress 所知的不同，中文检索词的切分没有修正"
                    "（请检查 mkdocs-material 的版本）",
                    worker,
                )
        if self.scan is None:
            return
        site = Path(config.site_dir)
        waited = time.perf_counter()
        try:
            leaks = self.scan.finish()
            self._log_guard(time.perf_counter() - waited)
        # A guard that could not look must not let the site pass: any failure becomes a PluginError.
        except Exception as exc:  # noqa: BLE001 (deliberate: converted to a build failure below)
            raise PluginError(
                f"防泄漏检查未能完成（{type(exc).__name__}: {exc}），构建视为失败"
            ) from None
        finally:
            self.scan = None
        if leaks:
            aside = site.with_name(site.name + ".leak")
            shutil.rmtree(aside, ignore_errors=True)
            shutil.move(site, aside)
            more = f"\n  ……另有 {len(leaks) - 50} 处" if len(leaks) > 50 else ""
            raise PluginError(
                f"防泄漏检查失败：{self.profile} 版网站中出现了不应出现的内容（网站已移到 "
                f"{aside}，请勿部署；上一次成功发布的网站保持不变）：\n"
                + "\n".join(f"  {leak}" for leak in leaks[:50])
                + more
            )

    def _log_guard(self, waited: float) -> None:
        stats = self.scan.stats
        if stats is not None:
            log.info(
                "防泄漏检查（%s 版）：读了 %d 个文件，对照 %d 份不应出现的文本（%d 个指纹）；"
                "准备 %.2f 秒，扫描进程用时 %.2f 秒，构建结束后等待 %.2f 秒",
                self.profile,
                stats.files,
                stats.texts,
                stats.fingerprints,
                self.guard_started,
                stats.seconds,
                waited,
            )

    def on_build_error(self, error):
        if self.scan is not None:
            self.scan.cancel()
            self.scan = None

    def on_serve(self, server, config, builder):
        if self.config.enabled and self.project is not None:
            server.watch(str(self.project.content_root))
            for folder in ("policies", "data"):  # the handbook's and the figures' data
                if (self.project.root / folder).is_dir():
                    server.watch(str(self.project.root / folder))
        return server


SITEMAP_FILES = ("sitemap.xml", "sitemap.xml.gz")
# The arguments of site_config.build_day, in its order: where a value of `as_of` may come from.
_DAY_ORIGINS = ("--as-of", "SMILEPRESS_AS_OF", "mkdocs.yml")


def _escape_for_theme(meta: dict) -> None:
    """The theme prints the title and description unescaped (Jinja without autoescape): the
    title as HTML (heading, navigation) through the allow-list like the page; the description
    inside an attribute (<meta name="description" content="…">), so its quotes as entities."""
    if isinstance(meta.get("title"), str):
        meta["title"] = sanitise(meta["title"])
    if isinstance(meta.get("description"), str):
        meta["description"] = meta["description"].replace('"', "&quot;")


def _banner(entry: Entry, decision: Decision, project: Project) -> str:
    policies = project.policies
    status = policies.states.get(entry.article.status, entry.article.status or "未知")
    head = "不会公开" if not decision.public else "提醒"
    notes = [*decision.reasons, *decision.warnings]
    if (
        project.history.available
    ):  # which commit made each stale approval stale (preview only: costs git calls)
        notes += [
            f"{policies.people[v.approval.by].name}（{policies.role_name(v.approval.role)}）的批准："
            + stale_since(project, entry.article, v.approval, subject=False)
            for v in entry.approvals.verdicts
            if v.code == "stale"
        ]
    items = "".join(f"<li>{html.escape(r)}</li>" for r in notes)
    return (
        '<div class="smilepress-banner" role="note">'
        f"<p><strong>预览 · {html.escape(status)} · {head}</strong></p>"
        f"<ul>{items}</ul></div>"
    )
