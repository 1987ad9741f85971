"""One reader of a Markdown file's structure (load/markdown.py): where the front matter ends, and
what is code, a comment, a link target or an image, the same for every check and for MkDocs.

Each test below shows a way the modules used to disagree with each other or with what MkDocs
renders: text the site shows that a check did not see, or front matter that is body for MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from smilepress.checks import originality
from smilepress.checks.engine import Checker, Document
from smilepress.checks.images import image_refs
from smilepress.checks.rule_packs import load_rules
from smilepress.checks.textview import MASK, prose_mask
from smilepress.errors import Problem
from smilepress.load.front_matter import parse, split
from smilepress.model.article import content_digest

REPO = Path(__file__).resolve().parent.parent
CLAIM = "本院拥有全市最好的种植团队。"  # an absolute claim: found wherever a reader can see it


@pytest.fixture(scope="module")
def checker() -> Checker:
    rules = load_rules(
        REPO,
        {"education", "ad", "faq", "case", "page"},
        {"writer", "dentist", "manager", "compliance"},
    )
    assert not rules.problems, rules.problems
    return Checker(rules)


def claims(checker: Checker, text: str) -> list:
    doc = Document("content/x.md", text, "education", {"title": "标题"})
    return [f for f in checker.check(doc, dt.date(2026, 12, 1)) if f.category == "absolute-claim"]


def universal(text: str) -> str:
    """What MkDocs reads: Python's universal newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- the front matter ends where MkDocs ends it ------------------------------------------------


def test_a_yaml_document_end_closes_the_front_matter_as_in_mkdocs(checker):
    # After `...` MkDocs renders the heading; a later `---` must not make it front matter for us
    # (it was: hidden from the checks and from the approval digest).
    text = f"---\ntitle: 标题\n...\n# {CLAIM}\n---\n正文\n"
    body, meta = get_data(text)
    assert meta == {"title": "标题"} and body.startswith(f"# {CLAIM}")
    parts, problems = split(text, "x.md")
    assert parts is not None and not problems, problems
    assert parts.body == f"# {CLAIM}\n---\n正文\n" and parts.body_line == 4
    assert parts.yaml_text == "title: 标题\n"
    (parts, loaded), _ = parse(text, "x.md")
    without, _ = parse("---\ntitle: 标题\n...\n---\n正文\n", "x.md")
    assert without is None or content_digest(loaded.data, parts.body) != content_digest(
        without[1].data, without[0].body
    )
    assert claims(checker, text)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_front_matter_with_any_line_ending_is_front_matter(checker, newline):
    text = f"---\ntitle: 标题\ntags: [{CLAIM}]\n---\n正文\n{CLAIM}\n".replace("\n", newline)
    parts, problems = split(text, "x.md")
    assert parts is not None and not problems, problems
    assert parts.body == f"正文{newline}{CLAIM}{newline}" and parts.body_line == 5
    masked = prose_mask(text)
    head = masked[: text.index("正文")]
    assert set(head) <= {MASK, "\r", "\n", *"标题"}, head  # only the title is wording
    (claim,) = claims(checker, text)  # the one in the body, on its own line (no tags plugin)
    assert (claim.line, claim.column) == (6, 5)
    chars = originality.content(text, originality.Policy()).chars
    assert chars.count("全市最好") == 1


def test_a_crlf_fence_closes(checker):
    text = f"---\r\ntitle: 标题\r\n---\r\n```\r\ncode\r\n```\r\n{CLAIM}\r\n"
    assert claims(checker, text)


def test_front_matter_mkdocs_cannot_read_is_a_problem():
    # A date that does not exist: MkDocs' YAML loader fails and renders the front matter as text.
    text = "---\ntitle: 标题\ndescription: 2026-02-30\n---\n正文\n"
    assert get_data(text)[1] == {}
    parsed, (problem,) = parse(text, "x.md")
    assert parsed is None and isinstance(problem, Problem) and problem.line == 3, problem
    assert "MkDocs" in problem.message


def test_a_closing_line_without_a_newline_is_a_problem():
    text = "---\ntitle: 标题\n---"
    assert get_data(text)[1] == {}  # MkDocs shows the fields as text
    parts, (problem,) = split(text, "x.md")
    assert parts is None and isinstance(problem, Problem) and problem.line == 3, problem
    assert "换行" in problem.message + problem.hint


# -- one rule for code, comments, link targets ----------------------------------------------------


def test_indented_code_is_code_shown_and_read(checker):
    # Shown in monospace, read all the same: the claim is found (the department publishes no
    # program code), and a picture written there is text, not a picture.
    text = f"段落。\n\n    {CLAIM}\n    ![x](images/a.png)\n\n后文。\n"
    (claim,) = claims(checker, text)
    assert (claim.line, claim.column) == (3, 5 + CLAIM.index("全市最好"))
    assert image_refs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "- 第一条\n\n    {claim}\n    ![x](images/a.png)\n",  # a list item's second paragraph
        "!!! note\n\n    {claim}\n    ![x](images/a.png)\n",  # an admonition's body
        "<div>\n\n    {claim}\n    <img src='images/a.png'>\n\n</div>\n",  # raw HTML
        "段落\n\u3000\n    {claim}\n    ![x](images/a.png)\n",  # not a blank line for Markdown
        "段落\n\n\f    {claim}\n\f    ![x](images/a.png)\n",  # a form feed is not a line break
    ],
    ids=["list", "admonition", "html", "ideographic-space", "form-feed"],
)
def test_indented_text_that_is_not_code_is_checked(checker, text):
    text = text.format(claim=CLAIM)
    assert claims(checker, text)
    assert [r.src for r in image_refs(text)] == ["images/a.png"]


@pytest.mark.parametrize(
    "text",
    [
        "```\n{claim}\n![x](images/a.png)\n",  # never closed: MkDocs shows it as text
        "````\n{claim}\n![x](images/a.png)\n`````\n",  # closed only by the same fence
        "  ```\ncode\n  ```\n\n{claim}\n![x](images/a.png)\n",  # indented: not a fence
        "<!-- 注释\n\n{claim}\n![x](images/a.png)\n",  # a comment never closed
        "文字 <!-- 注释\n\n{claim} --> ![x](images/a.png)\n",  # not across a blank line
        "文字 `<!--` {claim} `-->` ![x](images/a.png)\n",  # comment marks in code spans
        "<div>\n`{claim}` ![x](images/a.png)\n</div>\n",  # raw HTML: backticks are text
    ],
    ids=[
        "unclosed-fence",
        "longer-fence",
        "indented-fence",
        "unclosed-comment",
        "paragraph-comment",
        "comment-in-code",
        "raw-html",
    ],
)
def test_what_mkdocs_shows_is_checked(checker, text):
    text = text.format(claim=CLAIM)
    assert claims(checker, text)
    assert [r.src for r in image_refs(text)] == ["images/a.png"]


@pytest.mark.parametrize(
    "text",
    [
        "[注]: 见下 {claim}\n",  # not a reference definition: MkDocs shows the line
        "文字](见 {claim})\n",  # no link without its [text]
        "详见 https://example.com/{claim}\n",  # a bare URL is text, and so is what follows it
    ],
    ids=["not-a-definition", "no-link", "bare-url"],
)
def test_link_targets_are_only_hidden_when_they_are_links(checker, text):
    assert claims(checker, text.format(claim=CLAIM))


def test_link_targets_and_definitions_are_still_hidden(checker):
    text = f"[链接](https://x.cn/{CLAIM})\n\n[r]: https://x.cn/{CLAIM} '{CLAIM}'\n"
    assert claims(checker, text) == []
    masked = prose_mask(text)
    assert "链接" in masked and "x.cn" not in masked


# -- property: the same split as MkDocs, whatever the line endings -------------------------------

_FRONT_LINES = [
    "title: 种植牙术后护理",
    "description: 术后一周",
    "status: draft",
    "tags: [种植, 护理]",
    "note: '最好的'",
    "- 一项",
    "只是一句话",
    "# 注释",
    "",
    "  nested: 1",
    "date: 2026-02-30",  # no such day: MkDocs' loader fails
    "date: 2026-02-03",
    "key: |",
    "  块文本",
    "...",
    "---",
    "--- x",
    "----",
    ". . .",
]
_BODY_LINES = [
    "正文",
    "# 标题",
    "---",
    "...",
    "",
    "    缩进",
    "```",
    "- 列表",
    CLAIM,
    "title: 不是字段",
]
_ENDS = ["\n", "\r\n", "\r"]
_TRAILING = ["", " ", "\t", " \t "]


_MAPPING_LINES = [
    x for x in _FRONT_LINES[:14] if x not in ("- 一项", "只是一句话", "date: 2026-02-30")
]


@st.composite
def documents(draw, valid: bool = False) -> str:
    """A file: front matter (any line endings, trailing blanks, either closing) and a body."""

    def line(text: str) -> str:
        return text + draw(st.sampled_from(_ENDS))

    text = line("---" + draw(st.sampled_from(_TRAILING)))
    lines = st.sampled_from(_MAPPING_LINES if valid else _FRONT_LINES)
    keys = st.lists(lines, min_size=int(valid), max_size=6, unique=valid)  # no duplicate keys
    text += "".join(line(x) for x in draw(keys))
    closings = ["---", "..."] if valid else ["---", "...", "--- x", ""]
    text += draw(st.sampled_from(closings)) + draw(st.sampled_from(_TRAILING))
    # "": the file ends on the closing line
    text += draw(st.sampled_from(_ENDS if valid else [*_ENDS, ""]))
    text += "".join(line(x) for x in draw(st.lists(st.sampled_from(_BODY_LINES), max_size=5)))
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_the_body_starts_where_mkdocs_says_and_the_loader_never_disagrees_silently(text):
    from smilepress.load.markdown import body_start, universal

    seen = universal(text)
    body, meta = get_data(seen)
    stripped = body != seen  # MkDocs took a front matter off
    start = body_start(text)
    assert (start > 0) == stripped
    if stripped:
        assert universal(text[start:]).lstrip("\n") == body
    parsed, problems = parse(text, "x.md")
    assert (parsed is None) == bool(problems)
    if parsed is not None:  # what we load as front matter, MkDocs does too
        assert stripped and parsed[0].body == text[start:]
        assert parsed[1].data.keys() == meta.keys()  # (dates stay text for us)
    if not stripped:
        assert parsed is None and isinstance(problems[0], Problem)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(valid=True))
def test_the_prose_view_has_no_front_matter_but_title_and_description(text):
    from smilepress.load.markdown import body_start, front_matter

    start = body_start(text)
    assume(start > 0)
    masked = prose_mask(text)
    assert len(masked) == len(text)
    allowed = front_matter(text).prose
    meta = front_matter(text).data
    values = {" ".join(str(meta.get(k)).split()) for k in ("title", "description")}
    for a, b in allowed:  # a value may go on over lines
        assert " ".join(text[a:b].split()) in values
    for i, c in enumerate(masked[:start]):
        if c not in (MASK, "\r", "\n"):
            assert any(a <= i < b for a, b in allowed), (i, masked[:start])


# -- one reader: the plugin's assets, and nobody else parses Markdown structure -------------------


def test_the_sites_assets_are_what_the_page_links_to_outside_code():
    from smilepress.load.markdown import read, references

    text = (
        "---\ntitle: 标题\n---\n"
        "```\n![代码](images/code.png) [代码](files/code.pdf)\n```\n"
        "    [缩进代码](files/indented.pdf)\n\n"
        '![图](images/a.png) [下载](<files/a b.pdf> "说明") [参考][r]\n\n'
        "[r]: files/b.pdf\n"
        "<video src=\"media/v.mp4\"></video> <a href='files/c.pdf'>c</a>\n"
        "<!-- [注释](files/comment.pdf) -->\n"
    )
    found = {t.value for t in references(read(text))}
    assert found == {
        "images/a.png",
        "files/a b.pdf",
        "files/b.pdf",
        "media/v.mp4",
        "files/c.pdf",
    }


# What each module below may still match, and why it is not the structure of an article's Markdown.
_OWN_SYNTAX = {
    "checks/waivers.py": "waiver comments (<!-- smilepress-disable … -->) are the waivers' syntax",
    "pages/handbook/embeds.py": "handbook embeds (<!-- handbook: … -->) are the embeds' syntax",
    "pages/handbook/clause_index.py": "the handbook's own generated headings, links taken out",
    "view/sanitise.py": "comments in a rendered page's HTML (ended as a browser ends them) and the "
    "marks around generated pieces, not an article's Markdown",
    "workflow/site_chrome.py": "comments in mkdocs.yml's copyright (HTML), not an article",
    "ops/review_note.py": "the marker comment of its own merge-request note, not an article",
}
_STRUCTURE = ("\\]\\(", "!\\[", "<!--", "`{3", "-{3}", "---[", "\\.\\.\\.", "\\.{3}")


def test_only_the_one_reader_parses_markdown_structure():
    package = Path(__file__).resolve().parent.parent / "plugins" / "smilepress"
    found = set()
    for path in package.rglob("*.py"):
        rel = path.relative_to(package).as_posix()
        if rel == "load/markdown.py":
            continue
        source = path.read_text(encoding="utf-8")
        if any(s in source for s in _STRUCTURE):
            found.add(rel)
    assert found == set(_OWN_SYNTAX), found


# -- property: what MkDocs shows, the checks see -------------------------------------------------
# Pieces of Markdown, many of them traps (unclosed fences, odd comments, tables, raw HTML, lists,
# admonitions, definitions, backtick runs); {t} is a word to look for.
_PIECES = [
    "段落{t}",
    "    缩进{t}",
    "\t制表{t}",
    "        深{t}",
    "- 列表{t}",
    "1. 列表{t}",
    "- 项\n\n    续{t}",
    "> 引用{t}",
    "!!! note",
    "# 标题{t}",
    "{t}\n===",
    "***",
    "```",
    "~~~",
    "````",
    "```python",
    "    ```",
    " ```",
    "`码{t}`",
    "``",
    "\\`转{t}`",
    "文{t} `码 <!-- 注{t} --> {t}`",
    "<!--",
    "-->",
    "<!-- 注{t} -->",
    "<!-- a --> 尾{t}",
    "  <!-- b\n\n{t} -->",
    "文 <!-- 跨\n\n段{t} -->",
    "<!-->{t}",
    "<div>",
    "</div>",
    "<div markdown>",
    "<p>",
    "</p>",
    "<details>",
    "</details>",
    "<span>{t}</span>",
    '<img src="h{t}.png">{t}',
    "[链{t}](url{t})",
    "文字](目{t})",
    "![图{t}](p{t}.png)",
    "![r图{t}][r]",
    "[x][r]",
    "[r]: 定{t}",
    "[r]: url 标{t}",
    "[r]: d{t}.png",
    "https://a.cn/{t}",
    "| a{t} | b |\n|---|---|\n| c{t} | d |",
    "",
    "",
    "",
]
_EXTENSIONS = [
    "toc",
    "tables",
    "fenced_code",
    "attr_list",
    "md_in_html",
    "admonition",
]  # mkdocs.yml
_BROWSER_COMMENT = re.compile(r"<!--(?:-?>|.*?--!?>|.*\Z)", re.S)  # how a browser ends comments


class _Shown(HTMLParser):
    """The text a browser shows outside code, and the pictures it loads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")
        elif tag not in ("br", "hr", "input", "source", "meta", "link"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        while tag in self.open and self.open.pop() != tag:
            pass

    def handle_data(self, data):
        if not {"code", "pre", "script", "style"} & set(self.open):
            self.text.append(data)


@st.composite
def pages(draw) -> tuple[str, list[str]]:
    words, lines = [], []
    for piece in draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=9)):
        while "{t}" in piece:
            word = (
                "甲乙丙丁戊己庚辛壬癸"[len(words) % 10] + "子丑寅卯辰巳午未申酉"[len(words) // 10]
            )
            words.append(word)
            piece = piece.replace("{t}", word, 1)
        lines.append(piece)
    newline = draw(st.sampled_from(_ENDS))
    return ("开头\n\n" + "\n".join(lines) + "\n").replace("\n", newline), words


@settings(max_examples=600, deadline=None, derandomize=True)
@given(pages())
def test_whatever_mkdocs_shows_the_prose_view_and_the_image_check_see(page):
    import markdown

    text, words = page
    html = markdown.markdown(universal(text), extensions=_EXTENSIONS)
    shown = _Shown()
    shown.feed(_BROWSER_COMMENT.sub("", html))
    shown.close()
    visible = "".join(shown.text)
    prose = prose_mask(text)
    assert [w for w in words if w in visible and w not in prose] == [], html
    found = {r.src for r in image_refs(text)}
    assert [src for src in shown.images if src not in found] == [], html
