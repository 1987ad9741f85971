"""The allow-list every writer's HTML passes through, and what it removes, said to the writer.

A writer's page may hold raw HTML (Markdown allows it) and attributes (attr_list allows them); the
site must not run or load anything a writer typed. One table below says what a page may contain:
the elements, the attributes of each (and those of every element), the URL schemes and where a
`data:` picture may stand. It is used twice:

- `sanitise(html)`: nh3 (the Rust sanitiser ammonia, parsing like a browser) cleans the page with
  that table; the build passes every writer's page through it, in every profile. nh3 writes HTML
  its own way (`<br>` for Python-Markdown's `<br />`, `"` for `&quot;`), so the page is returned as
  it was, byte for byte, when nh3's output reads token for token like it and the page holds nothing
  two parsers could read differently (`_Walker.faithful`: no unclosed tag at the end, no odd
  comment or declaration): the decision is nh3's either way, ordinary Markdown is not re-spelled.
- `removals(html)`: what nh3 removes, each in Chinese with the tag it is in, so that a check can
  tell the writer before the build. It walks the page with html.parser, reading comments and
  declarations as a browser does (`_Walker`), and asks the same table.

The theme's markup and what SmilePress generates (handbook pieces, SVG charts, preview boxes) are
not a writer's and never pass through here. Comments are kept when a page is returned as it was and
dropped otherwise; neither is reported (they show nothing and run nothing).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser, attrfind_tolerant, tagfind_tolerant

import nh3

# -- the allow-list --------------------------------------------------------------------------------

# Element -> the attributes it may carry besides the global ones. What Python-Markdown and its
# extensions write for ordinary Markdown (headings with ids, tables, admonitions, footnotes, toc,
# abbreviations, definition lists, code) and the text-level HTML a writer reaches for.
ELEMENTS: dict[str, frozenset[str]] = {
    name: frozenset(attributes)
    for name, attributes in {
        "a": {"href"},
        "abbr": (),
        "b": (),
        "bdi": (),
        "bdo": (),
        "blockquote": {"cite"},
        "br": (),
        "caption": (),
        "cite": (),
        "code": (),
        "col": {"span"},
        "colgroup": {"span"},
        "dd": (),
        "del": {"cite", "datetime"},
        "details": {"open"},
        "dfn": (),
        "div": (),
        "dl": (),
        "dt": (),
        "em": (),
        "figcaption": (),
        "figure": (),
        **{f"h{level}": () for level in range(1, 7)},
        "hr": (),
        "i": (),
        "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading"},
        "ins": {"cite", "datetime"},
        "kbd": (),
        "li": {"value"},
        "mark": (),
        "ol": {"start", "reversed", "type"},
        "p": (),
        "pre": (),
        "q": {"cite"},
        "rp": (),
        "rt": (),
        "ruby": (),
        "s": (),
        "samp": (),
        "small": (),
        "span": (),
        "strong": (),
        "sub": (),
        "summary": (),
        "sup": (),
        "table": (),
        "tbody": (),
        "td": {"colspan", "rowspan"},
        "tfoot": (),
        "th": {"colspan", "rowspan", "scope"},
        "thead": (),
        "time": {"datetime"},
        "tr": (),
        "u": (),
        "ul": (),
        "var": (),
        "wbr": (),
    }.items()
}
# Allowed on every element above. `id` and `class` are attr_list's and admonitions' (an id that
# starts like the theme's own is not: RESERVED_ID_PREFIX).
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir"})
# Attributes allowed with these exact values only: the tables extension aligns columns with them
# (`style` otherwise never: it can cover the page or fake the site's own controls).
_ALIGNED = ("left", "center", "right")
EXACT_VALUES: dict[tuple[str, str], frozenset[str]] = {
    (cell, attribute): frozenset(values)
    for cell in ("th", "td")
    for attribute, values in (
        ("style", [f"text-align: {side};" for side in _ALIGNED]),
        ("align", _ALIGNED),
    )
}
# Removed together with everything inside them: code, embedded pages and documents, foreign
# content (svg, math: their own scripts and links), raw text a browser would show or run.
REMOVED_WITH_CONTENT = frozenset(
    "script style iframe frame frameset object embed applet noscript noembed noframes template "
    "textarea title xmp plaintext svg math select".split()
)
# Attributes holding a URL (srcset: several), and the schemes they may use; a URL without a scheme
# (a relative path, #anchor, //host) is the site's or the web's ordinary link.
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "cite"})
SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# A picture written into the page: only as an image's own source, only these raster types (an SVG
# or an HTML document may hold scripts).
DATA_URL_PLACES = frozenset({("img", "src"), ("img", "srcset")})
RASTER_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"})
# Material names its own toggles and search box `__drawer`, `__search`, `__toc`, `__palette_0` …;
# an element of the writer's with such an id would take their place.
RESERVED_ID_PREFIX = "__"

VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen frame".split()
)


# -- one decision per attribute --------------------------------------------------------------------

# WHATWG URL parsing: leading and trailing C0 controls and spaces are stripped, tabs and line breaks
# removed anywhere (so `jav&#x09;ascript:` is javascript:); then the scheme is what precedes ":".
_EDGES = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(url: str) -> str:
    """The scheme a browser reads in `url` (entities already decoded), lower case; "" for none."""
    url = _TAB_OR_NEWLINE.sub("", _EDGES.sub("", url))
    m = _SCHEME.match(url)
    return m.group(1).lower() if m else ""


def _data_type(url: str) -> str:
    """The media type of a data: URL, lower case ("" when it names none)."""
    url = _TAB_OR_NEWLINE.sub("", _EDGES.sub("", url))
    head = url.partition(":")[2].partition(",")[0]
    return head.partition(";")[0].strip().lower()


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset, split as the HTML standard splits it (a data: URL may hold commas)."""
    urls, i, n = [], 0, len(value)
    while True:
        while i < n and value[i] in " \t\n\r\f,":
            i += 1
        if i >= n:
            return urls
        j = i
        while j < n and value[j] not in " \t\n\r\f":
            j += 1
        url = value[i:j]
        urls.append(url.rstrip(","))
        if url.endswith(","):  # no descriptors
            i = j
            continue
        depth = 0  # descriptors run to the next comma outside parentheses
        while j < n and (value[j] != "," or depth):
            depth = depth + 1 if value[j] == "(" else max(0, depth - (value[j] == ")"))
            j += 1
        i = j + 1


def _url_verdict(element: str, attribute: str, url: str) -> str | None:
    scheme = url_scheme(url)
    if not scheme or scheme in SCHEMES:
        return None
    where = f"{scheme}: 链接" if attribute == "href" else f"{attribute} 中的 {scheme}: 地址"
    if scheme != "data":
        return where
    if (element, attribute) not in DATA_URL_PLACES:
        return f"{where}（只有图片的地址可以是 data:）"
    media = _data_type(url)
    if media not in RASTER_TYPES:
        return f"data:{media or '（无类型）'} 图片（只允许 PNG、JPEG、GIF、WebP、AVIF）"
    return None


def attribute_verdict(element: str, attribute: str, value: str | None) -> str | None:
    """None when `attribute`="value" may stay on `element`, else what removing it is, in Chinese.

    `value` as a browser reads it (entities decoded); None for an attribute without a value."""
    value = value or ""
    exact = EXACT_VALUES.get((element, attribute))
    if exact is not None:
        return None if value in exact else f"{attribute} 属性"
    if attribute not in GLOBAL_ATTRIBUTES and attribute not in ELEMENTS.get(element, ()):
        if attribute.startswith("on"):
            return f"{attribute} 事件属性"
        return f"{attribute} 属性"
    if attribute == "id" and value.startswith(RESERVED_ID_PREFIX):
        return f'id="{value}"（以 {RESERVED_ID_PREFIX} 开头的 id 留给网站主题）'
    if attribute == "srcset":
        return next(
            (v for u in srcset_urls(value) if (v := _url_verdict(element, attribute, u))), None
        )
    if attribute in URL_ATTRIBUTES:
        return _url_verdict(element, attribute, value)
    return None


def element_verdict(element: str) -> str | None:
    """None when `element` may stay, else what removing it is, in Chinese."""
    if element in ELEMENTS:
        return None
    if element in REMOVED_WITH_CONTENT and element not in VOID:
        return f"<{element}> 元素（连同其中的内容）"
    if element in VOID or element in REMOVED_WITH_CONTENT:
        return f"<{element}> 元素"
    return f"<{element}> 标签（其中的文字保留）"


# -- the sanitiser ---------------------------------------------------------------------------------


def _keep(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: the value if the table allows it, None to remove it."""
    return value if attribute_verdict(element, attribute, value) is None else None


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    per_element = {
        name: {a for a in attributes if (name, a) not in EXACT_VALUES}
        for name, attributes in ELEMENTS.items()
    }
    exact: dict[str, dict[str, set[str]]] = {}
    for (element, attribute), values in EXACT_VALUES.items():
        exact.setdefault(element, {})[attribute] = set(values)
    return nh3.Cleaner(
        tags=set(ELEMENTS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={"*": set(GLOBAL_ATTRIBUTES), **per_element},
        tag_attribute_values=exact,
        attribute_filter=_keep,
        url_schemes=set(SCHEMES | {"data"}),  # which data: URLs may stay is _keep's decision
        link_rel=None,  # a writer's link stays as written (no rel added)
        strip_comments=True,
    )


def sanitise(html: str) -> str:
    """`html` with everything the allow-list does not allow removed (nh3 decides); `html` itself,
    unchanged, when nothing needs removing and a browser reads it as nh3 did."""
    if not html:
        return html
    clean = _cleaner().clean(html)
    if clean == html or _nh3_spelling(html) == clean:
        return html
    original = _walk(html)
    if original.faithful and original.tokens == _walk(clean).tokens:
        return html
    return clean


_VOID_SELF_CLOSED = re.compile(
    r"(<(?:area|br|col|hr|img|source|track|wbr)\b[^<>]*?) />"  # the void elements it may keep
)


def _nh3_spelling(html: str) -> str:
    """`html` spelled as nh3 writes what Python-Markdown writes most often: `"` in text for
    `&quot;` and `<hr>`, `<img …>` for `<hr />`, `<img … />`. When that is nh3's output, nh3
    removed nothing and changed nothing a browser reads (nh3 writes a quote inside an attribute
    value as `&quot;`, so no substitution can make a different page equal), and the slow
    token-by-token comparison is not needed: most pages end here."""
    return _VOID_SELF_CLOSED.sub(r"\1>", html.replace("&quot;", '"'))


def without_internal_numbers(html: str, pattern: str) -> str:
    """A page without the staff-only reference numbers `pattern` matches (（内部编号：SP-…）): they
    help staff find a file and mean nothing to a patient."""
    return re.sub(pattern, "", html) if pattern else html


class GeneratedPieces:
    """Marks what SmilePress writes into a writer's page (handbook pieces: tables, SVG diagrams),
    so that sanitising the page passes over them. The marks are comments holding a secret of this
    build, which a writer cannot know and so cannot forge."""

    def __init__(self):
        secret = secrets.token_hex(16)
        self.start = f"<!--smilepress-generated {secret}-->"
        self.end = f"<!--/smilepress-generated {secret}-->"

    def wrap(self, markdown: str) -> str:
        """A generated piece of Markdown, marked (blocks of their own: the marks stay comments)."""
        return f"\n\n{self.start}\n\n{markdown}\n\n{self.end}\n\n"

    def sanitise(self, html: str) -> str:
        """The page with each part between marked pieces sanitised on its own (so none can leave
        the next piece inside a tag or an element of its own), the pieces as they are, and the
        marks gone with the blank line Markdown writes after each (the page as without them)."""
        out, pos = [], 0
        while (start := html.find(self.start, pos)) >= 0 and (
            end := html.find(self.end, start)
        ) >= 0:
            piece = _after_blank_line(html, start + len(self.start))
            out += [sanitise(html[pos:start]), html[piece:end]]
            pos = _after_blank_line(html, end + len(self.end))
        out.append(sanitise(html[pos:]))
        return "".join(out)


def _after_blank_line(html: str, i: int) -> int:
    return i + 2 if html.startswith("\n\n", i) else i


# -- the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """One thing the sanitiser removes from a page."""

    what: str  # in Chinese: 「<script> 元素（连同其中的内容）」「onclick 事件属性」…
    tag: str  # the start tag it is (or is in), as written in the page's HTML
    element: str
    attribute: str = ""  # "" when the element itself goes
    value: str = ""  # the attribute's value as a browser reads it
    at: tuple[int, int] = (0, 0)  # the part of `tag` to point at: the attribute, or all of it


def removals(html: str) -> list[Removal]:
    """What `sanitise(html)` removes, in the order it stands in `html`."""
    return _walk(html).removals if html else []


# -- reading HTML as a browser does ----------------------------------------------------------------

_COMMENT_END = re.compile(r"--!?>")
_LOOSE_COMMENT_END = re.compile(r"--\s*!?\s*>")  # where older parsers end a comment too


class _Walker(HTMLParser):
    """html.parser, with comments and declarations ended where a browser ends them, recording what
    the allow-list removes and the page's tokens (to compare two readings of a page)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.removals: list[Removal] = []
        self.tokens: list[tuple] = []
        self.faithful = True  # False: a construct where Python's parser and a browser may differ
        self._skipping: str | None = None  # an element removed with its content, until it ends
        self._depth = 0

    # Comments end at the first --> or --!>, or at once (<!--> and <!--->); any other <! or <?
    # construct (doctype, <![CDATA[ in HTML) is a bogus comment ending at the first ">". A page is
    # kept as written only with plain comments, which every parser ends where a browser does.
    def parse_comment(self, i, report=True):
        rawdata = self.rawdata
        start = i + 4
        if rawdata.startswith(">", start) or rawdata.startswith("->", start):
            self.faithful = False
            return rawdata.index(">", start) + 1
        m = _COMMENT_END.search(rawdata, start)
        if m is None:
            return -1
        if m.group() != "-->" or _LOOSE_COMMENT_END.search(rawdata, start, m.start()):
            self.faithful = False
        return m.end()

    def parse_html_declaration(self, i):
        if self.rawdata.startswith("<!--", i):
            return self.parse_comment(i)
        return self.parse_bogus_comment(i)

    def parse_bogus_comment(self, i, report=1):
        end = self.rawdata.find(">", i + 2)
        if end < 0:
            return -1
        self.faithful = False
        return end + 1

    def parse_pi(self, i):
        return self.parse_bogus_comment(i)

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:  # <div/> opens a div to a browser
            self.faithful = False
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple((name, value or "") for name, value in attrs)))
        if self._skipping is not None:
            self._depth += tag == self._skipping
            return
        raw = self.get_starttag_text() or f"<{tag}>"
        what = element_verdict(tag)
        if what is not None:
            self.removals.append(Removal(what, raw, tag, at=(0, len(raw))))
            if tag in REMOVED_WITH_CONTENT and tag not in VOID:
                self._skipping, self._depth = tag, 1
            return
        for k, (name, value) in enumerate(attrs):
            what = attribute_verdict(tag, name, value)
            if what is not None:
                spans = _attribute_spans(raw)
                at = spans[k] if k < len(spans) else (0, len(raw))
                self.removals.append(Removal(what, raw, tag, name, value or "", at))

    def handle_endtag(self, tag):
        if tag in VOID:
            self.faithful = False  # </br> is a <br> to a browser
        self.tokens.append(("end", tag))
        if self._skipping == tag:
            self._depth -= 1
            if not self._depth:
                self._skipping = None

    def handle_data(self, data):
        if self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("text", data))


def _attribute_spans(tag: str) -> list[tuple[int, int]]:
    """Where each attribute of a start tag is in its text, as html.parser reads them."""
    m = tagfind_tolerant.match(tag, 1)
    if m is None:
        return []
    spans, k = [], m.end()
    while (a := attrfind_tolerant.match(tag, k)) is not None and a.end() > k:
        spans.append((a.start(1), (a.end(3) if a.group(3) is not None else a.end(1))))
        k = a.end()
    return spans


def _walk(html: str) -> _Walker:
    walker = _Walker()
    walker.feed(html)
    if "<" in walker.rawdata:  # the page ends inside a tag, comment or script
        walker.faithful = False
    walker.close()
    return walker
