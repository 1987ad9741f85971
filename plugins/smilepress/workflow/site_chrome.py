"""The text of the site's frame: what a public page shows besides the article, checked like one.

The frame is every text a public page shows that no article holds: mkdocs.yml's strings
(site_name, copyright, extra, nav titles, the plugin's site name and section titles); the theme's
templates (theme.custom_dir: main.html's blocks such as announce and footer, 404.html, partials);
the strings of static stylesheets and scripts and the text of SVG images; and the labels the site
derives from data: a navigation section is titled by its folder's name under content/, or by the
content type's name in policies/workflow.yml. The compliance checker reads all of it with the
public rule packs, as a document of type `page`; an error refuses the public build (there is no
approval or waiver for the frame: change the text), a warning is a note. Each finding names the
file and line the text came from (a folder: line 0).

What a page shows from one article's own data is that article's, checked with it so that a finding
keeps that article off the site instead: its title (also its nav label and the window's title) and
description, its tags where a tags plugin prints them (view/render.py; without one the plugin keeps
them out of the public search index, where Material would show them), and the credit under a
picture (checks/captions.py).

site_config.py decides what mkdocs.yml may configure; this module reads what the result shows. The
MkDocs plugin calls chrome_problems once the configuration is loaded and the gate has decided which
pages the site has.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from ..checks.engine import Checker, Document
from ..checks.textview import SHOWN_AS_IS
from ..errors import Problem
from ..load.files import files_under, read_bytes
from ..load.source import read_source
from ..load.strict_yaml import load_yaml
from ..model.findings import Finding
from ..model.policies import Policies
from ..view.reader import displayed  # the reader's one rule
from .site_config import (
    CONFIG,
    SCRIPTS,
    STYLESHEETS,
    SVG,
    SiteConfig,
    _rel,
    _svg_root,
    _utf8,
    _walk,
)
from .site_config import (
    folders as site_config_folders,
)

TEMPLATES = (".html",)  # what MkDocs renders with Jinja from the theme's folders
WORKFLOW = "policies/workflow.yml"
SHOWN = "这段文字会显示在公开网站上"
TEMPLATE_SHOWN = "主题模板中的这段文字会显示在公开网站的页面上"
TYPE_SHOWN = "内容类型的名称会作为栏目标题显示在公开网站的导航中"
FOLDER_SHOWN = "文件夹名会作为栏目标题显示在公开网站的导航中"


class Piece(NamedTuple):
    """One text the site shows, from `line` of its file. `breaks`: for a text joined from several
    source lines into one shown line (a template's paragraph), (offset, line) where each starts."""

    line: int
    text: str
    breaks: tuple[tuple[int, int], ...] = ()

    def line_at(self, offset: int) -> int:
        """The source line of the character at `offset` of the text."""
        k = bisect.bisect_right([start for start, _ in self.breaks], offset)
        return self.breaks[k - 1][1] if k else self.line


@dataclass(frozen=True)
class Shown:
    """The texts one file (or folder) puts on the site, and what shows them."""

    path: str
    pieces: tuple[Piece, ...]
    what: str = SHOWN
    problem: Problem | None = None  # the file cannot be read for what it shows: a refusal


# -- strings of stylesheets and scripts ------------------------------------------------------------

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`', re.S)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)", re.S)
_JS_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\(.)")


def _char(code: str, fallback: str) -> str:
    cp = int(code, 16)
    return fallback if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF or cp == 0 else chr(cp)


def _unescape_css(text: str) -> str:
    return _CSS_ESCAPE.sub(lambda m: _char(m[1], m[0]) if m[1] else m[2], text)


def _unescape_js(text: str) -> str:
    return _JS_ESCAPE.sub(
        lambda m: (
            _char(m[1] or m[2] or m[3], m[0])
            if (m[1] or m[2] or m[3])
            else {"n": "\n"}.get(m[4], m[4])
        ),
        text,
    )


def _blank_comments(text: str) -> str:
    return _CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)


def _strings(text: str, stylesheet: bool) -> list[tuple[int, str]]:
    """(offset, value) of every string of a stylesheet (a `content:` shows on the page) or a
    script, its escapes decoded; comments of a stylesheet left out."""
    source = _blank_comments(text) if stylesheet else text
    unescape = _unescape_css if stylesheet else _unescape_js
    out = []
    for m in _STRING.finditer(source):
        value = unescape(next(g for g in m.groups() if g is not None))
        if value.strip():
            out.append((m.start(), value))
    return out


# -- what a theme template shows -------------------------------------------------------------------

# MkDocs renders the theme's templates with Jinja's default syntax.
_JINJA = jinja2.Environment()
# Elements a browser lays out as blocks: text on either side of one is not one sentence.
_BLOCKS = frozenset(
    "address article aside blockquote body br button caption dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html label legend li "
    "main nav noscript ol optgroup option p pre section summary table tbody td tfoot th thead "
    "title tr ul".split()
)
# Attributes whose value a browser shows are the reader's (view/reader.py: alt, title, aria-label,
# a field's value …); a template also has <meta> whose content search results and link previews
# show:
_SHOWN_META = frozenset(
    "description og:title og:description og:site_name twitter:title twitter:description "
    "application-name apple-mobile-web-app-title".split()
)
# HTML collapses its own whitespace into one space; other spaces (U+3000 …) fold to a space when
# checked anyway, and a shown line must not be split where the checker would split lines.
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")


def template_text(text: str, path: str) -> tuple[list[Piece], Problem | None]:
    """The texts a theme template shows, in order of their lines: its text (a paragraph per
    block, whitespace collapsed as a browser does, entities decoded) and displayed attributes;
    Jinja's comments, statements and expressions left out, but the strings in them included (an
    expression's where it prints them, a statement's on their own). Or the problem that keeps the
    template from being read (Jinja cannot lex it)."""
    try:
        feed, printed, stated = _without_jinja(text)
    except jinja2.TemplateSyntaxError as exc:
        return [], Problem(
            path,
            exc.lineno or 1,
            f"主题模板无法按 Jinja 语法读取（{exc.message}），其中显示的文字无法核对",
            "修正模板语法",
        )
    parser = _ShownHtml()
    parser.feed(feed)
    parser.close()
    pieces = parser.pieces
    # A printed string that does not show as text where it was printed (inside a <script> outside
    # its strings, in a comment): read on its own.
    seen = "\n".join(p.text for p in pieces)
    pieces += [Piece(line, value) for line, value in printed if _collapsed(value) not in seen] + [
        Piece(line, value) for line, value in stated
    ]
    return sorted(pieces, key=lambda p: p.line), None


def _collapsed(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _without_jinja(text: str) -> tuple[str, list[tuple[int, str]], list[tuple[int, str]]]:
    """The template as the HTML a browser gets, where Jinja's own syntax is concerned: comments
    and tags left out, the strings an expression prints put where it prints them; each line where
    it was. Also (line, string) of every string of an expression, and of a statement.

    Raises jinja2.TemplateSyntaxError."""
    parts: list[str] = []
    printed: list[tuple[int, str]] = []
    stated: list[tuple[int, str]] = []
    line, inside = 1, ""
    # Comments are dropped by the lexer; a {% raw %} block's content comes as data.
    for token in _JINJA.lexer.tokenize(re.sub(r"\r\n?", "\n", text)):
        if token.type in ("variable_begin", "block_begin"):
            inside = token.type
            continue
        if token.type in ("variable_end", "block_end"):
            inside = ""
            continue
        if token.type == "string" and inside == "variable_begin":
            printed.append((token.lineno, token.value))
            value = token.value.replace("\n", " ")  # printed on this line: keep the lines aligned
        elif token.type == "data":
            value = token.value
        else:
            if token.type == "string" and token.value.strip():
                stated.append((token.lineno, token.value))  # {% set x = "…" %} prints it later
            continue
        if token.lineno > line:  # a tag spanned lines
            parts.append("\n" * (token.lineno - line))
            line = token.lineno
        parts.append(value)
        line += value.count("\n")
    return "".join(parts), printed, stated


class _ShownHtml(HTMLParser):
    """Text nodes and displayed attributes of an HTML document, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities decoded, in text and attributes
        self.pieces: list[Piece] = []
        self._words: list[str] = []
        self._breaks: list[tuple[int, int]] = []
        self._length = 0
        self._space = False
        self._raw = ""  # inside <script> or <style>: their strings are what may show

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()
        if tag in ("script", "style"):
            self._raw = tag
        line = self.getpos()[0]
        source = self.get_starttag_text() or ""
        for name, value in _shown_attributes(tag, attrs):
            at = re.search(rf"[\s\"'/]{re.escape(name)}\s*=", source, re.I)
            where = line + source.count("\n", 0, at.start() if at else 0)
            self.pieces.append(Piece(where, _collapsed(value)))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            self._raw = ""
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        line = self.getpos()[0]
        if self._raw:
            for offset, value in _strings(data, stylesheet=self._raw == "style"):
                self.pieces.append(Piece(line + data.count("\n", 0, offset), value))
            return
        end = 0
        for m in _WORD.finditer(data):
            self._space = self._space or m.start() > end
            end = m.end()
            if self._words and self._space:
                self._words.append(" ")
                self._length += 1
            where = line + data.count("\n", 0, m.start())
            if not self._breaks or self._breaks[-1][1] != where:
                self._breaks.append((self._length, where))
            self._words.append(m[0])
            self._length += len(m[0])
            self._space = False
        self._space = self._space or end < len(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        if self._words:
            text = "".join(self._words)
            self.pieces.append(Piece(self._breaks[0][1], text, tuple(self._breaks)))
        self._words, self._breaks, self._length, self._space = [], [], 0, False


def _shown_attributes(tag: str, attrs: list[tuple[str, str | None]]) -> Iterable[tuple[str, str]]:
    values = {name: value or "" for name, value in attrs}
    meta = (values.get("name") or values.get("property") or "").lower()
    for name, value in attrs:
        if not value or not value.strip():
            continue
        if (name == "content" and tag == "meta" and meta in _SHOWN_META) or displayed(
            tag, name, values.get("type", "")
        ):
            yield name, value


# -- the static folders ----------------------------------------------------------------------------


def shown_texts(root: Path, folders: list[Path]) -> list[Shown]:
    """The text the files of the static folders `folders` can show: the strings of stylesheets
    and scripts, the text of SVG images, and what the theme's templates show."""
    out = []
    for folder in folders:
        for path in files_under(folder):
            suffix = path.suffix.lower()
            if path.is_symlink() or suffix not in (*STYLESHEETS, *SCRIPTS, *SVG, *TEMPLATES):
                continue
            raw, _ = read_bytes(path.parent, path.name)  # one it cannot read: static_problems
            if raw is None:
                continue
            rel = _rel(root, path)
            text = _utf8(raw)
            if text is None:
                if suffix in TEMPLATES:  # MkDocs could not render it either
                    unreadable = Problem(rel, 1, "主题模板不是 UTF-8 编码", "另存为 UTF-8")
                    out.append(Shown(rel, (), TEMPLATE_SHOWN, unreadable))
                continue
            if suffix in TEMPLATES:
                pieces, problem = template_text(text, rel)
                out.append(Shown(rel, tuple(pieces), TEMPLATE_SHOWN, problem))
            elif suffix in SVG:
                out.append(Shown(rel, tuple(_svg_text(raw, text))))
            else:
                strings = _strings(text, stylesheet=suffix in STYLESHEETS)
                pieces = tuple(Piece(text.count("\n", 0, at) + 1, value) for at, value in strings)
                out.append(Shown(rel, pieces))
    return [s for s in out if s.pieces or s.problem]


def _svg_text(raw: bytes, text: str) -> list[Piece]:
    element = _svg_root(raw)
    return [
        Piece(text[: max(text.find(piece), 0)].count("\n") + 1, piece)
        for piece in (element.itertext() if element is not None else ())
        if piece.strip()
    ]


# -- labels the site derives from data -------------------------------------------------------------


def folder_title(name: str) -> str:
    """The title MkDocs gives the nav section of a folder (mkdocs.utils.dirname_to_title)."""
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def nav_titles(policies: Policies, section_titles: Mapping[str, str]) -> dict[str, str]:
    """The names the site gives sections by folder: each content type's, and the plugin's
    section_titles over them."""
    return {t.dir: t.name for t in policies.types.values() if t.dir} | dict(section_titles)


def section_title(title: str, titles: Mapping[str, str]) -> str | None:
    """The name `titles` gives the section MkDocs titled `title` (from its folder), or None."""
    key = title.lower().replace(" ", "-")
    named = None
    for folder, name in titles.items():
        if key == folder.lower():
            named = name
    return named


def folder_labels(
    content_dir: str, src_uris: Iterable[str], titles: Mapping[str, str]
) -> list[Shown]:
    """The nav's section titles taken from folder names: every folder above a page of the site
    that `titles` does not name (a named one is mkdocs.yml's or workflow.yml's text, checked
    there). Line 0: a folder has no lines."""
    folders = {
        "/".join(parts[:i])
        for uri in src_uris
        for parts in [uri.split("/")]
        for i in range(1, len(parts))
    }
    out = []
    for folder in sorted(folders):
        title = folder_title(folder.rsplit("/", 1)[-1])
        if section_title(title, titles) is None:
            out.append(Shown(f"{content_dir}/{folder}/", (Piece(0, title),), FOLDER_SHOWN))
    return out


def type_labels(root: Path, policies: Policies) -> list[Shown]:
    """The content types' names in policies/workflow.yml: the title of a type's folder in the
    nav."""
    source, _ = read_source(root, WORKFLOW)  # one it cannot read: the policies' own problem
    loaded = load_yaml(source.text, WORKFLOW)[0] if source is not None else None
    pieces = tuple(
        Piece(loaded.line_of("types", key, "name") if loaded else 1, t.name)
        for key, t in policies.types.items()
        if t.name.strip()
    )
    return [Shown(WORKFLOW, pieces, TYPE_SHOWN)] if pieces else []


# -- mkdocs.yml ------------------------------------------------------------------------------------

# Keys of mkdocs.yml whose text the theme shows on every page; copyright is written as HTML.
CHROME_KEYS = ("site_name", "site_description", "site_author", "copyright", "repo_name", "extra")
HTML_KEYS = ("copyright",)


def chrome(
    config: SiteConfig, resolved: Mapping[str, Any], profile: str
) -> list[tuple[tuple, str, bool]]:
    """(where in mkdocs.yml, text, written as HTML) for every text of the site's frame: the
    CHROME_KEYS, the palette toggle's tooltips, nav titles, and the plugin's site name for
    `profile` and section titles.

    `resolved`: the values as MkDocs resolved them (!ENV and all), plus `theme` as mkdocs.yml
    writes it, `site_names` and `section_titles` (the plugin's options)."""
    out: list[tuple[tuple, str, bool]] = []
    for key in CHROME_KEYS:
        for where, value in _walk(resolved.get(key)):
            if isinstance(value, str) and value.strip():
                out.append(((key, *where), value, key in HTML_KEYS))
    theme = resolved.get("theme")
    for where, value in _walk(theme.get("palette") if isinstance(theme, dict) else None):
        if where[-1:] == ("name",) and isinstance(value, str) and value.strip():
            out.append((("theme", "palette", *where), value, False))  # toggle: {name: 切换到…}
    for where, value in _walk(resolved.get("nav")):
        if isinstance(value, dict):
            out += [((("nav", *where, k)), k, False) for k in value if isinstance(k, str)]
    _, at = config.plugin_options()
    names = resolved.get("site_names") or {}
    if isinstance(names.get(profile), str):
        out.append(((*at, "site_names", profile), names[profile], False))
    for folder, title in (resolved.get("section_titles") or {}).items():
        if isinstance(title, str):
            out.append(((*at, "section_titles", folder), title, False))
    return out


# -- the check -------------------------------------------------------------------------------------

_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def as_prose(text: str, is_html: bool = False) -> str:
    """A text of the site's frame as the reader sees it, written so the checker reads all of it."""
    if is_html:
        text = html.unescape(_TAG.sub(" ", text))
    lines = (line.strip() for line in text.translate(SHOWN_AS_IS).splitlines())
    return "\n".join(line for line in lines if line) or " "


def check_texts(
    checker: Checker, path: str, pieces: Sequence[Piece], today: dt.date
) -> list[tuple[int, int, Finding]]:
    """(index of the piece, its source line, finding) for the text pieces of one file, checked as
    a page (one pass: the pieces are paragraphs of one document). A piece is read as_prose."""
    starts, parts, line = [], [], 2  # the document starts with a blank line: never front matter
    for piece in pieces:
        text = as_prose(piece.text)
        starts.append(line)
        parts.append(text)
        line += text.count("\n") + 2
    doc = Document(path, "\n" + "\n\n".join(parts) + "\n", "page", {})
    out = []
    for f in checker.check(doc, today):
        if f.line < 2:
            continue
        index = bisect.bisect_right(starts, f.line) - 1
        piece = pieces[index]
        # A piece with breaks is one stripped line: the column is the offset in its text.
        on = piece.line_at(f.column - 1) if piece.breaks and f.line == starts[index] else piece.line
        out.append((index, on, f))
    return out


def chrome_problems(
    checker: Checker,
    config: SiteConfig,
    resolved: Mapping[str, Any],
    shown: list[Shown],
    profile: str,
    today: dt.date,
) -> tuple[list[Problem], list[Problem]]:
    """(refusals, notes): the compliance checker's findings in the text a public site shows
    besides its articles (the frame from mkdocs.yml; `shown`: static files, templates, labels),
    checked as a page. An error refuses the public build (there is no approval or waiver for the
    frame); warnings are notes."""
    if profile != "public":
        return [], []
    refusals: list[Problem] = []
    notes: list[Problem] = []
    frame = chrome(config, resolved, profile)
    pieces = [Piece(config.line(*where), as_prose(text, is_html)) for where, text, is_html in frame]
    for index, line, f in check_texts(checker, CONFIG, pieces, today):
        key = ".".join(map(str, frame[index][0]))
        _sort(Problem(CONFIG, line, f"{key} 显示在公开网站的每个页面上"), f, refusals, notes)
    for item in shown:
        if item.problem is not None:
            refusals.append(item.problem)
        for _, line, f in check_texts(checker, item.path, item.pieces, today):
            _sort(Problem(item.path, line, item.what), f, refusals, notes)
    # A string printed in a template and read again on its own finds the same thing once.
    return list(dict.fromkeys(refusals)), list(dict.fromkeys(notes))


def _sort(where: Problem, f: Finding, refusals: list[Problem], notes: list[Problem]) -> None:
    """A finding in text the site shows, told at `where` (file, line, what shows it): an error
    refuses the build, a warning or review finding is a note (the site's configuration is the
    manager's signed commit: no article approval answers for it), info is left out."""
    if f.level not in ("error", "review", "warning"):
        return
    level = "error" if f.level == "error" else "warning"
    problem = Problem(
        where.path, where.line, f"{where.message}：{f.message}（{f.rule}）", f.suggestion, level
    )
    (refusals if f.level == "error" else notes).append(problem)


def review_frame(
    project, config: SiteConfig, resolved: Mapping[str, Any], profile: str, pages
) -> tuple[list[str], list[Problem], list[Problem]]:
    """The frame of a `profile` site checked as its pages are: (its texts as prose, for the leak
    guard to allow; errors that refuse the configuration; warnings). `resolved`: the CHROME_KEYS,
    extra, nav, theme, site_names and section_titles as the engine resolved them; `pages`: the
    src_uris of the site when the nav's section titles come from its folders, else None."""
    texts = [as_prose(text, is_html) for _, text, is_html in chrome(config, resolved, profile)]
    shown = shown_texts(project.root, site_config_folders(config))
    shown += type_labels(project.root, project.policies)
    if pages is not None:
        content = project.content_root.relative_to(project.root).as_posix()
        titles = nav_titles(project.policies, resolved.get("section_titles") or {})
        shown += folder_labels(content, pages, titles)
    errors, notes = chrome_problems(
        project.checker, config, resolved, shown, profile, project.today
    )
    return texts, errors, notes
