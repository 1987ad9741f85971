"""The gate's output as a staged site, which any site generator builds.

A staged site is what one profile may show: each page the gate lets through with canonical front
matter (what a theme should see: title, description, tags, a search boost; never the editorial
status, approvals or other internal fields) and its body as the reader's view will render it
(handbook embeds expanded for staff, removed for the public; links to pages outside the profile
made plain text); the generated pages of the staff sites (handbook, KPIs, reports, editorial
pages); the files of content/ those pages may show (the ones their approvals cover); and the
navigation, titled and ordered as the site's readers need it.

This module knows no generator: the Zensical engine (zensical_engine.py) writes a staged site to
a folder and runs Zensical on it; the MkDocs plugin adds the same pages to MkDocs' files.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .checks import assets, images
from .errors import Problem
from .load import markdown as structure
from .pages import editorial, handbook, kpis, start
from .project import Project
from .report import board
from .view.sanitise import GeneratedPieces, without_internal_numbers
from .workflow import site_chrome

THEME_FIELDS = ("title", "description", "tags")
STAFF_PROFILES = ("internal", "preview")  # handbook, KPI pages and reports: staff only
STAFF_HOME = {"internal": start.START_PAGE}  # the staff start page is the internal site's home


def replaced_by_staff_home(profile: str, uri: str) -> bool:
    """The internal site's home is the staff start page, never the patients' welcome page
    (content/index.md, which the public site shows; the preview keeps it, to be read before it
    goes live)."""
    return STAFF_HOME.get(profile) == uri


@dataclass(frozen=True)
class SiteOptions:
    """The SmilePress options of mkdocs.yml that shape a staged site (mkdocs_plugin/config.py)."""

    section_titles: Mapping[str, str] = field(default_factory=dict)
    section_order: Mapping[str, list] = field(default_factory=dict)
    search_boosts: Mapping[str, float] = field(default_factory=dict)
    site_names: Mapping[str, str] = field(default_factory=dict)
    site_urls: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StagedPage:
    uri: str  # content-relative path: education/a.md
    meta: dict  # the front matter a theme sees
    body: str  # Markdown, as the reader's view renders it
    source: str | None = None  # the writer's file (content/education/a.md); None if generated

    def text(self) -> str:
        """The page as a file: canonical front matter, then the body."""
        if not self.meta:
            return self.body
        head = yaml.safe_dump(self.meta, allow_unicode=True, sort_keys=False)
        return f"---\n{head}---\n\n{self.body}"


@dataclass
class StagedSite:
    profile: str
    pages: dict[str, StagedPage]  # uri -> page, articles first, then generated pages in order
    assets: dict[str, Path]  # uri -> the file of content/ to publish there
    nav: list  # MkDocs' nav form: "uri" or {title: [...]}
    excluded: set[str]  # uris of articles this profile leaves out
    pieces: GeneratedPieces  # the marks around generated pieces in writers' pages
    problems: list[Problem] = field(default_factory=list)  # each a page's, never the build's
    # the data of the generated pages (handbook, KPIs, plans, budget): integrity problems
    data_problems: list[Problem] = field(default_factory=list)
    book: object = None  # the handbook of the staff sites (its terms go to the search's words)

    def generated(self) -> dict[str, str]:
        """uri -> Markdown of the generated pages (what the leak guard allows the staff site)."""
        return {u: p.text() for u, p in self.pages.items() if p.source is None}


def site_options(options: Mapping) -> SiteOptions:
    """The SiteOptions in the SmilePress plugin's options (as mkdocs.yml writes them, or as MkDocs
    parsed them)."""
    return SiteOptions(**{f.name: dict(options.get(f.name) or {}) for f in fields(SiteOptions)})


def stage(project: Project, profile: str, options: SiteOptions = SiteOptions()) -> StagedSite:
    """The staged site of `profile`, as of the project's day."""
    decisions = [
        (e, d)
        for e, d in project.decisions(profile)
        if not replaced_by_staff_home(profile, e.article.src_uri)
    ]
    excluded = {e.article.src_uri for e, d in decisions if not d.included}
    site = StagedSite(profile, {}, {}, [], excluded, GeneratedPieces())
    generated: dict[str, str] = {}
    order: list[str] = []
    if profile in STAFF_PROFILES:
        included = {e.article.src_uri for e, d in decisions if d.included}
        site.book, generated, order, site.data_problems = generated_pages(project, included)
    for entry, decision in decisions:
        if decision.included:
            site.pages[entry.article.src_uri] = _article_page(project, site, entry, options)
            site.assets.update(covered_assets(project, entry))
    for uri, markdown in generated.items():
        if uri not in site.pages:  # a handwritten page at the same address wins
            site.pages[uri] = _generated_page(uri, markdown, options)
    site.nav = navigation(project, site, options, order)
    return site


def generated_pages(
    project: Project, articles: set[str]
) -> tuple[object, dict[str, str], list[str], list[Problem]]:
    """The staff sites' generated pages beside the profile's `articles` (uris): (the handbook,
    uri -> Markdown, the handbook's reading order, the problems of their data). A handwritten page
    at a generated page's address wins (the caller keeps it), except the staff start page on the
    internal site (replaced_by_staff_home)."""
    figures, problems = kpis.internal_pages(project.root)
    found = board.items(project)
    others = {**figures, **editorial.pages(project, articles, found)}
    book, more = handbook.load_handbook(
        project.root,
        project.policies,
        project.today,
        ledger=project.ledger,
        site_pages=articles | set(others) | {start.START_PAGE},
    )
    book_pages = handbook.pages(book)
    home = start.page(project, found, articles | set(others) | set(book_pages))
    pages = {start.START_PAGE: home, **others, **book_pages}
    return book, pages, list(book_pages), [*problems, *more]


def theme_meta(meta: Mapping) -> dict:
    """The fields of a writer's front matter a theme may see (Material reads `status` as its own
    page status and marks the nav with it; `template`, `hide` and the like would let a writer
    change the page's frame)."""
    return {key: meta[key] for key in THEME_FIELDS if key in meta}


def search_boost(uri: str, boosts: Mapping[str, float]) -> float | None:
    """The search boost of a page: that of the longest folder or page address in `boosts` that
    contains it (handbook/clauses.md over handbook), or None."""
    best = None
    for prefix in boosts:
        key = prefix.rstrip("/")
        if (uri == key or uri.startswith(key + "/")) and (
            best is None or len(key) > len(best.rstrip("/"))
        ):
            best = prefix
    return None if best is None else float(boosts[best])


def unlink(markdown: str, page_uri: str, excluded: set[str]) -> str:
    """`markdown` with each link to a page outside the profile made text: a Markdown link, inline
    or by reference, becomes its text; an HTML tag loses its href (an <a> without one is text)."""
    cuts = []
    for ref in structure.references(structure.read(markdown)):
        if any(t in excluded for t in page_targets(page_uri, ref.value)):
            cut = _link_cut(markdown, ref) if ref.kind == "link" else _href_cut(markdown, ref)
            if cut is not None:
                cuts.append(cut)
    for begin, end, text in sorted(cuts, reverse=True):
        markdown = markdown[:begin] + text + markdown[end:]
    return markdown


def _link_cut(markdown: str, ref) -> tuple[int, int, str] | None:
    """(start, end, the link's text) of a Markdown link; None for a reference definition."""
    if ref.raw or ref.span is None:
        return None
    start, end = ref.span
    if ref.hidden is not None:  # inline: [text](target)
        return start, end, markdown[start + 1 : ref.hidden[0] - 1]
    line_start = markdown.rfind("\n", 0, start) + 1
    if markdown.startswith(":", end) and not markdown[line_start:start].strip():
        return None  # [ref]: target — a definition shows nothing
    close = _closing_bracket(markdown, start)
    return (start, end, markdown[start + 1 : close]) if close is not None else None


def _closing_bracket(text: str, start: int) -> int | None:
    """Where the [ at `start` closes (nested brackets and backslash escapes skipped)."""
    depth, i = 0, start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


_HREF_ATTRIBUTE = re.compile(r"\s+href\s*=\s*[\"']?$", re.IGNORECASE)


def _href_cut(markdown: str, ref) -> tuple[int, int, str] | None:
    """(start, end, "") of an HTML tag's href attribute, its quotes included."""
    m = _HREF_ATTRIBUTE.search(markdown, 0, ref.start)
    if m is None:
        return None  # a src: the page is not shown in a frame or a picture
    end = ref.end + (1 if markdown[ref.end : ref.end + 1] in ('"', "'") else 0)
    return m.start(), end, ""


def page_targets(page_uri: str, href: str) -> tuple[str, ...]:
    """The Markdown files a link may mean: draft.md, or draft.md / draft/index.md for ../draft/."""
    target = assets.resolve_link(page_uri, href)
    if target is None:
        return ()
    if target.endswith(".md"):
        return (target,)
    return (target + ".md", posixpath.join(target, "index.md"))


def _article_page(project: Project, site: StagedSite, entry, options) -> StagedPage:
    article = entry.article
    meta = theme_meta(article.meta)
    if site.profile == "public" and "tags" not in project.markdown_config.fields:
        meta.pop("tags", None)  # shown only where a tags plugin prints them (view/render.py)
    body = article.text[structure.body_start(article.text) :]
    first_line = article.body_line
    if site.profile == "public":  # the handbook never reaches the public site, embedded or not
        body, problems = handbook.strip_embeds(body, article.path, first_line)
        # staff reference numbers: off the page and off the search index Zensical makes of it
        body = without_internal_numbers(body, project.policies.internal_number)
    else:
        body, problems = handbook.expand_embeds(
            body, article.path, article.src_uri, site.book, first_line, site.pieces.wrap
        )
    site.problems += problems
    weight = search_boost(article.src_uri, options.search_boosts)
    if weight is not None:
        meta["search"] = {"boost": weight}
    return StagedPage(
        article.src_uri, meta, unlink(body, article.src_uri, site.excluded), article.path
    )


def _generated_page(uri: str, markdown: str, options: SiteOptions) -> StagedPage:
    weight = search_boost(uri, options.search_boosts)
    meta = {"search": {"boost": weight}} if weight is not None else {}
    return StagedPage(uri, meta, markdown)


def covered_assets(project: Project, entry) -> dict[str, Path]:
    """Images and downloads under content/ that the page links to and its approvals cover (a
    symlink, or a file outside content/, is not published: what renders is what was approved), of
    the kinds a site may carry (images.publishable: the check reports the others)."""
    covered = {a.path for a in entry.article.assets if a.sha256 and images.publishable(a.path)}
    out = {}
    for ref in structure.references(structure.read(entry.article.text)):
        target = assets.resolve_link(entry.article.src_uri, ref.value)
        if target in covered:
            out[target] = project.content_root / target
    return out


# -- the HTML of a writer's page ---------------------------------------------------------------

_IMG = re.compile(r"<img\b[^>]*\bsrc=\"([^\"]+)\"[^>]*>")


def finish_html(content: str, entry, project: Project, profile: str, pieces) -> str:
    """What every engine does to the rendered content of a writer's page: the writer's HTML through
    the allow-list (the build's own pieces, marked by `pieces`, pass over it), staff-only reference
    numbers off the public site, and credit captions under the pictures that need them."""
    content = pieces.sanitise(content)
    if profile == "public":
        content = without_internal_numbers(content, project.policies.internal_number)
    return credit_captions(content, entry, project) if entry is not None else content


def credit_captions(page_html: str, entry, project: Project) -> str:
    """Images whose licence asks for credit (CC BY …) get it as a caption under the picture (the
    captions the article's review checked: checks/captions.py)."""
    article = entry.article
    folder = (project.root / article.path).parent
    captions = {
        posixpath.basename(urlsplit(credit.src).path): credit.caption
        for credit in images.picture_credits(
            article.path, article.text, article.meta, project.content_root, folder
        )
    }
    if not captions:
        return page_html

    def add(m: re.Match) -> str:
        caption = captions.get(posixpath.basename(urlsplit(html.unescape(m.group(1))).path))
        if not caption:
            return m.group(0)
        figcaption = f"<figcaption>{html.escape(caption)}</figcaption>"
        return f'<figure class="smilepress-credit">{m.group(0)}{figcaption}</figure>'

    return _IMG.sub(add, page_html)


# -- navigation ----------------------------------------------------------------------------------


def navigation(project: Project, site: StagedSite, options: SiteOptions, order: list[str]) -> list:
    """The nav: the home page, then a section per folder (titled by the content types' names and
    section_titles, in section_order, the rest by name), pages by the handbook's reading order and
    then by address, index pages first."""
    titles = site_chrome.nav_titles(project.policies, options.section_titles)
    rank = {uri: i for i, uri in enumerate(order)}
    tree = _folder_tree(site.pages)
    top = _nav_items(tree, titles, rank)
    wanted = list(options.section_order.get(site.profile) or [])
    return sorted(top, key=lambda item: _top_rank(item, wanted))


def _folder_tree(pages) -> dict:
    tree: dict = {}
    for uri in pages:
        node = tree
        *folders, _ = uri.split("/")
        for folder in folders:
            node = node.setdefault(folder + "/", {})
        node[uri] = None
    return tree


def _nav_items(node: dict, titles, rank) -> list:
    pages = sorted(
        (k for k, v in node.items() if v is None),
        key=lambda uri: (not uri.endswith("index.md"), rank.get(uri, len(rank)), uri),
    )
    folders = sorted(
        (k for k, v in node.items() if v is not None),
        key=lambda folder: (_folder_rank(node[folder], rank), folder),
    )
    items: list = list(pages)
    for folder in folders:
        name = folder.rstrip("/")
        title = titles.get(name) or site_chrome.folder_title(name)
        items.append({title: _nav_items(node[folder], titles, rank)})
    return items


def _folder_rank(node: dict, rank) -> int:
    uris = [k for k, v in node.items() if v is None]
    return min((rank[u] for u in uris if u in rank), default=len(rank))


def _top_rank(item, wanted: list[str]) -> int:
    if isinstance(item, str):
        return -1 if item == "index.md" else len(wanted)
    ((title, children),) = item.items()
    folder = _first_uri(children).split("/", 1)[0]
    return wanted.index(folder) if folder in wanted else len(wanted)


def _first_uri(children: list) -> str:
    for child in children:
        if isinstance(child, str):
            return child
        ((_, grand),) = child.items()
        return _first_uri(grand)
    return ""
