"""The one reader of a Markdown file's structure, as MkDocs (Python-Markdown) renders it.

Every check, the image code and the MkDocs glue ask this module where the front matter ends and
which parts of the text are code, comments, raw HTML, link targets and images; nothing else in the
package decides that. Every offset is an offset in the text as read (CRLF and all), so findings
point at the writer's own lines and columns.

Line breaks. MkDocs reads files with universal newlines: CRLF and a lone CR are line breaks, and
nothing else is (not a form feed, not U+2028). `lf(text)` is a copy of the same length with every
line break a single "\\n" (CRLF becomes " \\n"); all the patterns here run on that copy.

Front matter, exactly MkDocs' rule (mkdocs/utils/meta.py): the file starts with `---` (trailing
spaces or tabs allowed), at least one line follows, and the first later line that is `---` or
`...` (trailing spaces or tabs allowed) *and ends with a line break* closes it; the block counts
only when MkDocs' YAML loader reads it as a mapping. Otherwise MkDocs renders the whole file,
fields and all, as the page: load/front_matter.py reports that as a problem.

What is not wording, found in Python-Markdown's order, each step on the text with the earlier
steps' finds hidden. Where this reading cannot be sure, it leaves text visible: a passage wrongly
checked costs a finding, one wrongly hidden escapes the checks.

1. fenced code (the fenced_code extension MkDocs always loads): a fence of three or more backticks
   or tildes at the start of a line, closed by exactly the same fence at the start of a later
   line. A fence never closed is text.
2. comments that start a line (up to three spaces before `<!--`), as Python-Markdown's HTML parser
   ends them (at --> or --!>; never ended: text); hidden as far as a browser hides them.
3. raw HTML: from a line that starts with a block-level tag (div, p, table, details …) to the tag
   that closes it (Python-Markdown's count of open elements). Its text is shown as it is: nothing
   in it is code or a link. (With a `markdown` attribute the content is Markdown.)
4. indented code: lines indented four or more columns (tabs to four-column stops) at the start of
   a block: after a blank line (spaces or tabs only), a fence, a comment, raw HTML, a heading, a
   rule, a definition or more indented code. In a list item or an admonition (`!!!`), which own
   their indented lines until a line at column 0 after a blank line, such lines are not taken for
   code.
5. code spans: as Python-Markdown's BacktickInlineProcessor pairs runs of backticks within the text
   of one block. Where blocks end is read twice, once cutting only where a block surely ends and
   once wherever one may; a span found both ways is code, one found only one way is not hidden.
6. other comments, within one block's text, hidden as far as a browser hides them.

Links and images (outside code and comments): inline `[text](target "title")`, reference
`[text][label]` or `[label]` with a definition `[label]: target "title"` that Python-Markdown
accepts (not in a table, not made a heading by an underline), and HTML `src`, `srcset` and `href`.
The prose view hides a link's (target "title") only where the link is sure to be one.

tests/test_markdown_structure.py holds this reading against Python-Markdown itself.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

try:  # the loader MkDocs uses
    from yaml import CSafeLoader as _MkDocsLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _MkDocsLoader  # type: ignore[assignment]

BOM = "\ufeff"
MASK = "\x00"  # what hidden text becomes: not a space, so \s*, word joining and blank lines stop

# -- line breaks ---------------------------------------------------------------------------------


def lf(text: str) -> str:
    """`text` with every line break a single "\\n" at the same offsets (CRLF becomes " \\n")."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n")


def universal(text: str) -> str:
    """`text` as Python's universal newlines read it (what MkDocs sees): shorter for CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class Lines:
    """Offsets to 1-based (line, column) in characters; CRLF and a lone CR end a line."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", lf(text))]

    def position(self, offset: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.starts, offset) - 1
        return k + 1, offset - self.starts[k] + 1

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end]


_NOT_NEWLINE = re.compile(r"[^\r\n]")


def blank(text: str, spans, fill: str = MASK) -> str:
    """`text` with each span's characters replaced by `fill`, line breaks kept (offsets kept)."""
    if not spans:
        return text
    out, pos = [], 0
    for start, end in _merge(spans):
        if start >= end:
            continue
        out.append(text[pos:start])
        chunk = text[start:end]
        if "\n" in chunk or "\r" in chunk:
            out.append(_NOT_NEWLINE.sub(fill, chunk))
        else:
            out.append(fill * len(chunk))
        pos = end
    out.append(text[pos:])
    return "".join(out)


# -- front matter --------------------------------------------------------------------------------

# Front-matter fields a theme can print: their values are wording. Every theme prints the title
# and the description (<title>, the H1, the nav, the meta description); tags with a tags plugin.
PROSE_FIELDS = ("title", "description")
SHOWN_FIELDS = (*PROSE_FIELDS, "tags")

# MkDocs' YAML_RE (mkdocs/utils/meta.py), matched on lf(text) at the start (after a BOM).
_YAML_RE = re.compile(r"-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)


@dataclass(frozen=True)
class FrontMatter:
    """The block MkDocs' pattern finds at the top of a file, and what MkDocs' loader made of it."""

    yaml_start: int  # offset of the YAML text (the line after the opening ---)
    yaml_end: int  # offset of the closing line
    end: int  # offset just after the closing line's line break: where the body starts
    data: Any  # what MkDocs' loader read (None when it failed)
    error: str  # why MkDocs' loader failed ("" when it did not)
    error_line: int  # file line of that failure (0 when unknown)
    fields: tuple[tuple[str, int, int], ...]  # (key, start, end) of each SHOWN_FIELDS value

    @property
    def prose(self) -> tuple[tuple[int, int], ...]:
        """The values of title and description: wording on every page."""
        return tuple((a, b) for key, a, b in self.fields if key in PROSE_FIELDS)

    @property
    def mapping(self) -> bool:
        """MkDocs takes the block as front matter (and renders only what follows it)."""
        return not self.error and isinstance(self.data, dict)


@lru_cache(maxsize=256)
def front_matter(text: str) -> FrontMatter | None:
    """The front-matter block by MkDocs' pattern (None when there is none), read by its loader."""
    s = lf(text)
    m = _YAML_RE.match(s, 1 if s.startswith(BOM) else 0)
    if not m:
        return None
    yaml_start, yaml_end = m.span(1)
    source = text[yaml_start:yaml_end]
    data, error, error_line, prose = _mkdocs_load(universal(source))
    removed = [i for i, c in enumerate(source) if c == "\r" and source[i + 1 : i + 2] == "\n"]
    # Universal-newline offsets back to offsets in the file.
    shifted = [r - k for k, r in enumerate(removed)]

    def back(u: int) -> int:
        return yaml_start + u + bisect.bisect_right(shifted, u)

    return FrontMatter(
        yaml_start,
        yaml_end,
        m.end(),
        data,
        error,
        s.count("\n", 0, yaml_start) + error_line if error_line else 0,
        tuple((key, back(a), back(b)) for key, a, b in prose),
    )


def _mkdocs_load(source: str) -> tuple[Any, str, int, list[tuple[str, int, int]]]:
    """yaml.load(source, CSafeLoader) as MkDocs calls it, plus the spans of SHOWN_FIELDS' values.

    On failure: (None, what failed, its 1-based line in the YAML or 0, []).
    """
    loader = _MkDocsLoader(source)
    node = None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except Exception as exc:  # noqa: BLE001 (MkDocs catches everything too)
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            return None, str(exc).strip(), mark.line + 1, []
        line, what = _failing_scalar(node)
        return None, what or str(exc).strip() or type(exc).__name__, line, []
    finally:
        loader.dispose()
    prose = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value in SHOWN_FIELDS:
                items = value.value if isinstance(value, yaml.SequenceNode) else [value]
                prose += [
                    (key.value, item.start_mark.index, item.end_mark.index)
                    for item in items
                    if isinstance(item, yaml.ScalarNode)
                ]
    return data, "", 0, prose


def _failing_scalar(node) -> tuple[int, str]:
    """The first value that does not construct (a date that does not exist, such as 2026-02-30):
    its 1-based line in the YAML and "key: value", or (0, "")."""
    stack: list[tuple[Any, str]] = [(node, "")] if node is not None else []
    while stack:
        n, key = stack.pop(0)
        if isinstance(n, yaml.ScalarNode):
            try:
                yaml.constructor.SafeConstructor().construct_object(n)
            except Exception:  # noqa: BLE001
                return n.start_mark.line + 1, f"{key}: {n.value}" if key else n.value
        elif isinstance(n, yaml.SequenceNode):
            stack[:0] = [(item, key) for item in n.value]
        elif isinstance(n, yaml.MappingNode):
            stack[:0] = [(x, str(k.value)) for k, v in n.value for x in (k, v)]
    return 0, ""


_OPENING = re.compile(r"-{3}[ \t]*(?:\n|\Z)")
_CLOSING = re.compile(r"^(?:-{3}|\.{3})[ \t]*$", re.M)


def why_no_front_matter(text: str) -> tuple[str, int]:
    """Why MkDocs' pattern finds no front matter at the top of `text`, and the line to look at:
    "missing" (no opening --- line), "unclosed", "no-newline" (the closing line ends the file) or
    "empty" (closed on the line right after the opening: MkDocs needs a line between them)."""
    s = lf(text)
    at = 1 if s.startswith(BOM) else 0
    opening = _OPENING.match(s, at)
    if not opening:
        return "missing", 1
    closing = list(_CLOSING.finditer(s, opening.end())) if opening.group().endswith("\n") else []
    if closing and closing[-1].end() == len(s):
        return "no-newline", s.count("\n", 0, closing[-1].start()) + 1
    if closing:
        return "empty", 2
    return "unclosed", 1


def body_start(text: str) -> int:
    """Offset where the page MkDocs renders starts: after the front matter, or 0 without one."""
    fm = front_matter(text)
    return fm.end if fm is not None and fm.mapping else 0


# -- code, comments and raw HTML -----------------------------------------------------------------

# Python-Markdown's fenced_code extension (FencedBlockPreprocessor.FENCED_BLOCK_RE).
_FENCED = re.compile(
    r"""(?P<fence>^(?:~{3,}|`{3,}))[ ]*
        ((\{(?P<attrs>[^\n]*)\})|
        (\.?(?P<lang>[\w#.+-]*)[ ]*)?
        (hl_lines=(?P<quot>"|')(?P<hl_lines>.*?)(?P=quot)[ ]*)?)
        \n
        (?P<code>.*?)(?<=\n)
        (?P=fence)[ ]*$""",
    re.M | re.S | re.X,
)
# Comments that start a line. Python-Markdown's HTML parser ends one at the first --> or --!>
# after <!-- (one it never ends is text, escaped); the browser too, but <!--> and <!---> are
# empty to it, and it hides only that much. Up to the later end the text is kept from Markdown.
_COMMENT_START = re.compile(r"^[ ]{0,3}<!--", re.M)
_BROWSER_END = re.compile(r"-?>|.*?--!?>", re.S)
_PARSER_END = re.compile(r"--!?>")
# A comment inside a paragraph: Python-Markdown's HTML_RE (ends at -->), hidden to where the
# browser ends it.
_INLINE_COMMENT = re.compile(r"<!--(?:(?!<!--|-->).)*-->", re.S)
_ANY_COMMENT = re.compile(r"<!--.*?--!?>", re.S)
_LIST_ITEM = re.compile(r"[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_ADMONITION = re.compile(r"(?:!!!|\?\?\?\+?)[ ]?[\w-]")
_HTML_START = re.compile(r"[ ]{0,3}<([A-Za-z][A-Za-z0-9-]*)")
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^<>"']|"[^"]*"|'[^']*')*?)(/?)>""")
_CLOSING_TAG = re.compile(r"[ ]{0,3}</([A-Za-z][A-Za-z0-9-]*)\s*>")
_MARKDOWN_ATTR = re.compile(r"""\smarkdown(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")
# Python-Markdown's BLOCK_LEVEL_ELEMENTS.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote details dialog div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup main menu nav ol p pre section table ul canvas colgroup dd "
    "body dt group html iframe li legend math map noscript output object option progress script "
    "style summary tbody td textarea tfoot th thead tr video center".split()
)
_INDENTED = re.compile(r"^(?: {4}| {0,3}\t)", re.M)
_INDENTED_LINES = re.compile(r"(?:(?: {4}| {0,3}\t)[ \t]*[^ \t\n][^\n]*(?:\n|\Z))*")
# Python-Markdown hands each block's text to its inline patterns (code spans, links, comments).
# Lines that always end a block: an ATX heading, a rule (HRProcessor), a line an earlier step hid.
_RULE = r"[ ]{0,3}(?:(?:-+[ ]{0,2}){3,}|(?:_+[ ]{0,2}){3,}|(?:\*+[ ]{0,2}){3,})[ ]*$"
_HEADING_OR_RULE = re.compile(r"\#|" + _RULE)
_ALWAYS_OWN = re.compile(r"\#|[ ]{0,3}\x00|" + _RULE)
# Lines that may: a quote, a definition, HTML, a list item, an admonition, a table row, a setext
# underline (whether they do depends on where they stand).
_MAYBE_OWN = re.compile(
    r"""[ ]{0,3}(?:>|\[[^\[\]\n]*\]:|</?[A-Za-z]|[-*+][ \t]|\d+[.)][ \t]|!!!|\?\?\?|\|)
      |(?:=+|-+)[ ]*$""",
    re.X,
)
_UNDERLINE_LINE = re.compile(r"(?:=+|-+)[ ]*$")
# A reference definition on one line, as Python-Markdown's ReferenceProcessor takes it.
_DEFINITION_LINE = re.compile(
    r"""[ ]{0,3}\[[^\[\]\n]*\]:[ ]*[^\s]+[ ]*(?:(["'])(.*)\1[ ]*|\((.*)\)[ ]*)?$"""
)
_QUOTE = re.compile(r"[ ]{0,3}>")
_ITEM = re.compile(r"[ ]{0,3}(?:\d+\.|[*+-])[ ]+")  # Python-Markdown's list item
_TABLE_SEPARATOR = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


def _indent(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


# A run of lines that are plain text to the line scans below (most lines).
_PLAIN_LINES = re.compile(
    r"[^ \t#>\-*_=|\[<!?+0-9\x00:~`\n][^\n]*(?:\n(?=[^ \t#>\-*_=|\[<!?+0-9\x00:~`\n])[^\n]*)*\n?"
)


def _merge(spans) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _block_comments(s: str, start: int) -> tuple[list, list]:
    """Comments that start a line: what the browser hides, and the blocks they make (to the end of
    the comment as Python's HTML parser reads it; what follows on its line is a new paragraph)."""
    hidden, blocks = [], []
    pos = start
    while (m := _COMMENT_START.search(s, pos)) is not None:
        at = m.end() - 4
        parser = _PARSER_END.search(s, at + 4)
        if parser is None:  # text to Python-Markdown, which escapes it: the browser shows it
            pos = m.end()
            continue
        browser = _BROWSER_END.match(s, at + 4)
        if browser is not None:
            hidden.append((at, browser.end()))
        end = max(parser.end(), browser.end() if browser is not None else 0)
        blocks.append((m.start(), end))
        pos = end
    return hidden, blocks


def _raw_html_end(s: str, start: int) -> int:
    """End of the raw HTML block whose first tag is at `start`: the end of the tag that empties
    the stack of open elements (as Python-Markdown's HTML extractor counts), or of the text."""
    stack: list[str] = []
    for m in _TAG.finditer(s, start):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(4)
        if closing:
            if name in stack:
                while stack.pop() != name:
                    pass
        elif not selfclosing and name != "hr":
            stack.append(name)
        if not stack:
            return m.end()
    return len(s)


def _blocks(s: str, start: int, fences: list, comments: list) -> tuple[list, list, list]:
    """Indented code, raw HTML blocks, and indented lines that may be code (where this reading
    is not sure: in a list or admonition, after a heading): by lines (`comments`: the block
    comments' blocks).

    Fences, block comments, raw HTML and the tags of a `markdown` element are blocks of their own
    (Python-Markdown puts blank lines around them): the line after one may start indented code,
    and one at column 0 ends a list; text after one on its line is a new paragraph."""
    code: list[tuple[int, int]] = []
    raw: list[tuple[int, int]] = []
    maybe: list[tuple[int, int]] = []
    if "<" not in s and not _INDENTED.search(s, start):
        return code, raw, maybe
    markdown_elements: list[str] = []  # open elements with a markdown attribute (md_in_html)
    own = sorted(fences + comments)
    own_starts = [a for a, _ in own]
    # Tags inside comments are no tags to the HTML parser: raw blocks' ends are found without them.
    tags = blank(s, [m.span() for m in _ANY_COMMENT.finditer(s)]) if "<!--" in s else s
    # after_blank: a blank line (or one Python-Markdown inserts) came before; at_start: this line
    # starts a block (also after a heading, a rule or a definition, which split blocks).
    in_container, after_blank, at_start, prev_code = False, True, True, False
    first = table = False  # the line before was a block's first line; in a table
    header = ""  # that line
    n = len(s)
    pos = start
    while pos < n:
        nl = s.find("\n", pos)
        end = n if nl < 0 else nl + 1
        line = s[pos : end if nl < 0 else nl]
        k = bisect.bisect_right(own_starts, pos) - 1
        block_end = None
        if k >= 0 and own[k][0] <= pos < own[k][1]:
            block_end, column0 = own[k][1], s[own[k][0]] not in " \t"
        elif (run := _PLAIN_LINES.match(s, pos)) is not None:  # most lines: text at column 0
            if not table:
                first, header = (at_start or prev_code) and run.end() <= end, line
                if after_blank:
                    in_container = False
            after_blank = at_start = prev_code = False
            pos = max(run.end(), end)
            continue
        elif _indent(line) < 4:
            m = _HTML_START.match(line)
            if m and m.group(1).lower() in _BLOCK_TAGS and m.group(1).lower() != "hr":
                tag = _TAG.match(s, pos + m.start(1) - 1)  # None: no ">", not a tag
                if tag is not None and not _MARKDOWN_ATTR.search(tag.group(3)):
                    block_end = _raw_html_end(tags, pos + m.start(1) - 1)
                    raw.append((pos, block_end))
                    column0 = m.start(1) == 1
                elif tag is not None:  # its content is Markdown, from a block's start
                    markdown_elements.append(m.group(1).lower())
                    block_end, column0 = tag.end(), m.start(1) == 1
                    raw.append((pos, block_end))
            closing = _CLOSING_TAG.match(line)
            if closing and markdown_elements and closing.group(1).lower() == markdown_elements[-1]:
                markdown_elements.pop()
                block_end, column0 = pos + closing.end(), closing.start(1) == 2
                raw.append((pos, block_end))
        if block_end is not None:
            if column0:
                in_container = False
            line_end = s.find("\n", block_end)
            line_end = len(s) if line_end < 0 else line_end
            after_blank = not s[block_end:line_end].strip(" \t")  # else: a paragraph follows
            at_start, prev_code, first, table = after_blank, False, not after_blank, False
            pos = line_end + 1
            continue
        pos, here = end, pos
        if not line.strip(" \t"):
            after_blank, at_start, first, table = True, True, False, False
            continue
        if prev_code and _indent(line) < 4:  # what follows indented code is a block of its own
            at_start = True
        if _ADMONITION.match(line):  # splits any block (a table too); owns its indented lines
            in_container, table, at_start = True, False, True
            after_blank = prev_code = first = False
            continue
        if table or (
            first and "|" in header and "-" in line and _TABLE_SEPARATOR.match(line)
        ):  # a table's rows, to the next blank line
            table, after_blank, at_start, prev_code, first = True, False, False, False, False
            continue
        if _HEADING_OR_RULE.match(line) or (first and _UNDERLINE_LINE.match(line)):
            if after_blank and _indent(line) == 0:
                in_container = False
            after_blank, at_start, prev_code, first = False, True, False, False
            continue
        if _DEFINITION_LINE.match(line):  # gone from the page: a list before it goes on
            after_blank, at_start, prev_code, first = False, True, False, False
            continue
        first, header = at_start, line
        indent = _indent(line)
        if indent < 4:
            if _LIST_ITEM.match(line) or _ADMONITION.match(line):
                in_container = True
            elif indent == 0 and after_blank:
                in_container = False
            prev_code = False
        else:  # with the indented lines after it
            pos = max(_INDENTED_LINES.match(s, here).end(), end)
            if not in_container and (at_start or prev_code):
                code.append((here, pos))
                prev_code = True
            else:
                maybe.append((here, pos))
        after_blank = at_start = False
    return code, raw, maybe


def _leaf_blocks(s: str, start: int, raw, maybe) -> tuple[list, list, list]:
    """What Python-Markdown may hand to its inline patterns as one text, two ways: `coarse` ends
    only where a block surely ends, `fine` wherever one may; its own stretches lie between them.
    Also the table blocks (where a definition is a row, not a definition). `raw`: blocks without
    inline text (raw HTML, comments, code), each ending a block."""
    coarse: list[list[int]] = []
    fine: list[list[int]] = []
    tables: list[list[int]] = []
    open_c = open_f = False
    in_table = quote = in_list = False  # the coarse text is a quote's; the block is a list
    first = sure_table = False  # the line before was its block's first; a table surely
    block_start = None  # start of the current run of non-blank lines
    raw_starts = [a for a, _ in raw]
    maybe_code = dict(maybe)  # start -> end of a run of indented lines that may be code

    def add(leaves: list, is_open: bool, a: int, b: int) -> bool:
        if is_open:
            leaves[-1][1] = b
        else:
            leaves.append([a, b])
        return True

    n = len(s)
    pos = start
    while pos < n:
        k = bisect.bisect_right(raw_starts, pos) - 1
        if k >= 0 and raw[k][0] <= pos < raw[k][1]:
            open_c = open_f = in_table = quote = in_list = False
            if tables and tables[-1][1] < 0:
                tables[-1][1] = pos
            block_start = None
            tail = raw[k][1]
            nl = s.find("\n", tail - 1 if tail > 0 and s[tail - 1] == "\n" else tail)
            end = n if nl < 0 else nl + 1
            if tail < end and s[tail:end].strip(" \t\n"):  # a paragraph starts after it
                coarse.append([tail, end])
                fine.append([tail, end])
                open_c = open_f = True
                block_start = tail
            pos = end
            continue
        nl = s.find("\n", pos)
        end = n if nl < 0 else nl + 1
        line = s[pos : end if nl < 0 else nl]
        pos, here = end, pos
        if not line.strip(" \t"):
            open_c = open_f = in_table = quote = in_list = False
            if tables and tables[-1][1] < 0:
                tables[-1][1] = here
            block_start = None
            continue
        if _ADMONITION.match(line):  # splits any block (a table too): what follows starts one
            coarse.append([here, end])
            fine.append([here, end])
            open_c = open_f = in_table = quote = in_list = first = False
            if tables and tables[-1][1] < 0:
                tables[-1][1] = here
            block_start = None
            continue
        if block_start is None:
            block_start = here
        second, first = first, block_start == here  # this line is its block's second, first
        if not in_table and (run := _PLAIN_LINES.match(s, here)) is not None:  # most lines
            pos = max(run.end(), end)
            open_c = add(coarse, open_c, here, pos)
            open_f = add(fine, open_f, here, pos)
            first = first and pos == end
            continue
        if not in_table and block_start < here and "-" in line and _TABLE_SEPARATOR.match(line):
            in_table = True  # each row its own text (the block's first line is the header row)
            sure_table = second and "|" in s[block_start:here]
            tables.append([block_start, -1])
            if sure_table:
                open_c = False
        if in_table and sure_table:  # (a table only maybe: each row its own text in `fine`)
            coarse.append([here, end])
            fine.append([here, end])
            open_c = open_f = False
            continue
        underline = second and _UNDERLINE_LINE.match(line)
        if underline or _ALWAYS_OWN.match(line) or _DEFINITION_LINE.match(line):
            coarse.append([here, end])  # (an underline: with the line above, a heading)
            fine.append([here, end])
            open_c = open_f = quote = in_list = False
            continue
        if _QUOTE.match(line) and not quote:  # a quote splits its block: what follows is in it
            open_c, quote = False, True
        elif _ITEM.match(line) and (
            in_list or not open_c
        ):  # a list's items (a list starts a block)
            open_c, in_list = False, True
        if here in maybe_code:  # a block of its own, or not
            pos = end = max(maybe_code[here], end)
        open_c = add(coarse, open_c, here, end)
        if in_table or here in maybe_code or _MAYBE_OWN.match(line):
            fine.append([here, end])
            open_f = False
        else:
            open_f = add(fine, open_f, here, end)
    if tables and tables[-1][1] < 0:
        tables[-1][1] = len(s)
    return [tuple(x) for x in coarse], [tuple(x) for x in fine], [tuple(x) for x in tables]


def _skip(s: str, text: str, i: int, n: int) -> int:
    """The offset `n` characters after `i` as Python-Markdown counts them: after universal
    newlines (a CRLF is one) and with tabs expanded to four-column stops."""
    column = i - (s.rfind("\n", 0, i) + 1)
    if "\t" in s[i - column : i]:
        column = len(s[i - column : i].expandtabs(4))
    p, counted = i, 0
    while counted < n and p < len(s):
        ch = s[p]
        if ch == "\n":
            counted, column = counted + 1, 0
        elif ch == "\t":
            width = 4 - column % 4
            counted, column = counted + width, column + width
        elif not (ch == " " and text[p] == "\r"):  # the CR of a CRLF: nothing
            counted, column = counted + 1, column + 1
        p += 1
    return p


def _code_spans(s: str, text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Code spans in s[a:b], found as Python-Markdown's BacktickInlineProcessor finds them
    (`text`: the text as read, `s` its lf() copy with what is hidden blanked)."""
    out = []
    i = s.find("`", a, b)
    while 0 <= i < b:
        if i > a and s[i - 1] == "\\":  # an escaped backtick opens nothing
            i = s.find("`", i + 1, b)
            continue
        j = i
        while j < b and s[j] == "`":
            j += 1
        ticks, k, longest, longest_end, end = j - i, j, 0, 0, None
        while k < b:
            if s[k] != "`":
                k += 1
                continue
            run = k
            while k < b and s[k] == "`":
                k += 1
            if k - run == ticks:
                end = k
                break
            if k - run > longest:
                longest, longest_end = k - run, k
        if end is None and 0 < longest < ticks:
            end = longest_end
        if end is None:  # Python-Markdown then goes on from twice the run's length on
            i = s.find("`", _skip(s, text, i, 2 * ticks), b)
            continue
        out.append((i, end))
        i = s.find("`", end, b)
    return out


def _inline_comments(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """Comments Python-Markdown takes inside s[a:b], each hidden to where the browser ends it."""
    return [
        (m.start(), _BROWSER_END.match(s, m.start() + 4).end())
        for m in _INLINE_COMMENT.finditer(s, a, b)
    ]


def _within(spans, leaves) -> list[tuple[int, int]]:
    """The spans that lie inside one leaf block."""
    starts = [a for a, _ in leaves]
    out = []
    for a, b in spans:
        k = bisect.bisect_right(starts, a) - 1
        if k >= 0 and leaves[k][0] <= a and b <= leaves[k][1]:
            out.append((a, b))
    return out


def _outside(spans, regions) -> list[tuple[int, int]]:
    """The spans that do not overlap any of `regions` (both sorted, regions disjoint)."""
    if not regions:
        return list(spans)
    starts = [a for a, _ in regions]
    out = []
    for a, b in spans:
        k = bisect.bisect_left(starts, b) - 1
        if k >= 0 and regions[k][1] > a:
            continue
        out.append((a, b))
    return out


@dataclass(frozen=True)
class Structure:
    """A Markdown text read once: its front matter, its code and comments, its raw HTML."""

    text: str
    lf: str  # lf(text)
    front_matter: FrontMatter | None  # only when MkDocs takes it as front matter
    body_start: int
    code: tuple[tuple[int, int], ...]  # fenced, indented and inline code, HTML comments (sorted)
    raw: tuple[tuple[int, int], ...]  # raw HTML blocks and block comments (shown as they are)
    leaves: tuple[tuple[int, int], ...]  # texts inline patterns surely see whole (_leaf_blocks)
    unsure: tuple[tuple[int, int], ...]  # what may or may not be a code span
    tables: tuple[tuple[int, int], ...]  # table blocks
    masked: str  # lf(text) with the front matter, code and comments hidden: where markup is markup

    def hide(self, fill: str = MASK) -> str:
        """The text as read, with the front matter, code and comments hidden (offsets kept)."""
        return blank(self.text, [(0, self.body_start), *self.code], fill)


def read(text: str, body: bool = False) -> Structure:
    """Read a whole file's `text` (`body=True`: a body whose front matter is already gone)."""
    if not body and (handed := _HANDED.get(text)) is not None:
        return handed
    return _read(text, body)


# Whole files read by a worker process for this one (checks/pool.py loads the articles of a large
# run in workers): the same reading, handed over instead of done twice. One run's at a time.
_HANDED: dict[str, Structure] = {}


def hand_over(structures: list[Structure]) -> None:
    """Keep `structures` (read from whole files by `read`) as this process's reading of their
    texts, in place of those handed over before."""
    _HANDED.clear()
    _HANDED.update((st.text, st) for st in structures)


@lru_cache(maxsize=64)
def _read(text: str, body: bool) -> Structure:
    s = lf(text)
    fm = None if body else front_matter(text)
    fm = fm if fm is not None and fm.mapping else None
    start = fm.end if fm is not None else 0
    # In Python-Markdown's order, each step on the text with the earlier steps' finds hidden.
    fences = [m.span() for m in _FENCED.finditer(s, start)] if "```" in s or "~~~" in s else []
    work = blank(s, fences)
    comments, blocks = _block_comments(work, start) if "<!--" in work else ([], [])
    work = blank(work, comments)
    indented, raw, maybe = _blocks(work, start, fences, blocks)
    raw = _merge(raw + blocks)
    work = blank(work, indented)
    coarse, fine, tables = _leaf_blocks(work, start, _merge(raw + fences + indented), maybe)
    inline: list[tuple[int, int]] = []
    unsure: list[tuple[int, int]] = []
    if "`" in work:
        # Code spans pair up within a block's text: one found whichever way the blocks are cut
        # is code; one found only one way may be text (and then nothing inside it is hidden).
        one = {c for a, b in coarse for c in _code_spans(work, text, a, b)}
        other = {c for a, b in fine for c in _code_spans(work, text, a, b)}
        inline = _outside(sorted(one & other), raw)
        unsure = _merge(one ^ other)
        work = blank(work, inline)
    if "<!--" in work:
        found = [c for a, b in fine for c in _inline_comments(work, a, b)]
        inline += _outside(found, unsure)
    code = tuple(sorted(fences + comments + indented + inline))
    masked = blank(s, [(0, start), *code])
    return Structure(
        text, s, fm, start, code, tuple(raw), tuple(fine), tuple(unsure), tuple(tables), masked
    )


# -- links and images ----------------------------------------------------------------------------

_BRACKETED = r"(?:[^\[\]\\\n]|\\.|\n(?![ \t]*\n))"
_LINK_TEXT = r"\[(?P<text>(?:" + _BRACKETED + r"|\[" + _BRACKETED + r"*\])*)\]"
_LINK_TAIL = r"""
    (?:
        (?P<paren>\((?P<inner>(?:[^()\\\n]|\\.|\((?:[^()\\\n]|\\.)*\)|\n(?![ \t]*\n))*)\))
      | \[(?P<ref>(?:[^\[\]\\\n]|\\.)*)\]
      | (?P<shortcut>)
    )"""
# They start with a character, not an assertion (re then skips fast to where they can match):
# what comes before (not a backslash, nor a ! before a link) is checked for each match.
_MD_IMAGE = re.compile(r"!" + _LINK_TEXT + _LINK_TAIL, re.X)
_MD_LINK = re.compile(_LINK_TEXT + _LINK_TAIL, re.X)
# Inside the parentheses (Python-Markdown allows spaces in the path): <path> or path, then an
# optional "title", 'title' or (title).
_INNER = re.compile(
    r"""\s*(?:<(?P<angle>[^<>\n]*)>|(?P<plain>.*?))
        (?:\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\Z""",
    re.X | re.S,
)
# Python-Markdown's ReferenceProcessor.RE: a definition it accepts (anything else is shown as text).
_DEFINITION = re.compile(
    r"^[ ]{0,3}\[(?P<label>[^\[\]]*)\]:[ ]*(?:\n[ ]*)?(?P<dest>[^\s]+)[ ]*(?:\n[ ]*)?"
    r"""((["'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""",
    re.M,
)
_HTML_TAG = re.compile(r"<(?P<tag>[A-Za-z][A-Za-z0-9-]*)\b(?P<attrs>[^<>]*)>")
_ATTR = re.compile(
    r"""(?P<name>[A-Za-z_:][-\w:.]*)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+)))?"""
)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescape(value: str) -> str:
    return html.unescape(_ESCAPE.sub(r"\1", value))


def _destination(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    return _unescape(raw)


def _label(value: str) -> str:
    return " ".join(value.split()).casefold()


@dataclass(frozen=True)
class Target:
    """Where a link or an image points, as the writer means it, and where that is in the text."""

    kind: str  # "image" or "link" (Markdown), or the HTML tag's name
    value: str  # angle brackets, backslash escapes and entities resolved
    start: int  # the target's span in the text (for a reference: the whole link)
    end: int
    alt: str = ""  # an image's alt text
    hidden: tuple[int, int] | None = None  # what a reader never sees: the (…) of an inline link
    raw: bool = False  # inside raw HTML (Markdown syntax there is shown as text, not a link)
    span: tuple[int, int] | None = None  # the whole link or image


@dataclass(frozen=True)
class Definition:
    value: str
    start: int  # the destination's span
    end: int
    span: tuple[int, int]  # the whole definition (a reader never sees it)


def _in(regions, offset: int) -> bool:
    starts = [a for a, _ in regions]
    k = bisect.bisect_right(starts, offset) - 1
    return k >= 0 and regions[k][0] <= offset < regions[k][1]


_UNDERLINE = re.compile(r"\n(?:=+|-+)[ ]*(?:\n|\Z)")


def _definitions(st: Structure, sure: bool = True):
    """Matches of definitions Python-Markdown accepts (`sure`: surely, so not in raw HTML or a
    table, and not a line a setext underline makes a heading; else any that may be one)."""
    if "]:" not in st.masked:
        return
    for m in _DEFINITION.finditer(st.masked, st.body_start):
        if sure and (_in(st.raw, m.start()) or _in(st.tables, m.start())):
            continue
        if sure and _UNDERLINE.match(st.masked, m.end()):
            continue
        yield m


def definitions(st: Structure) -> dict[str, list[Definition]]:
    """Reference definitions that may be ones, by label, in order (the last one counts; a label
    whose last definition Python-Markdown may not take as one may mean an earlier one)."""
    out: dict[str, list[Definition]] = {}
    for m in _definitions(st, sure=False):
        value = _destination(st.text[m.start("dest") : m.end("dest")])
        out.setdefault(_label(m.group("label")), []).append(
            Definition(value, *m.span("dest"), m.span())
        )
    return out


def _markdown_targets(st: Structure, pattern: re.Pattern, kind: str) -> list[Target]:
    masked = st.masked
    text = st.text
    defs = None
    found = []
    for m in pattern.finditer(masked, st.body_start):
        before = masked[m.start() - 1 : m.start()]
        if before == "\\" or (before == "!" and pattern is _MD_LINK):
            continue
        raw = _in(st.raw, m.start())
        alt = _unescape(text[m.start("text") : m.end("text")])
        if m.group("inner") is not None:
            inner = _INNER.match(m.group("inner"))
            group = "angle" if inner.group("angle") is not None else "plain"
            s, e = m.start("inner") + inner.start(group), m.start("inner") + inner.end(group)
            hidden = m.span("paren")
            found.append(Target(kind, _unescape(text[s:e]), s, e, alt, hidden, raw, m.span()))
            continue
        if defs is None:
            defs = definitions(st)
        label = m.group("ref") if m.group("ref") else m.group("text")
        for target in defs.get(_label(label or ""), ()):  # each one it may mean
            found.append(Target(kind, target.value, m.start(), m.end(), alt, None, raw, m.span()))
    return found


def images(st: Structure) -> list[Target]:
    """The images a text shows, in order: Markdown images (also in raw HTML: a misjudged raw block
    must not let a picture through unchecked) and HTML <img src>, <img srcset>, <source srcset>."""
    masked = st.masked
    found = []
    if "![" in masked:
        found += _markdown_targets(st, _MD_IMAGE, "image")
    if "<" in masked:
        for tag, attrs in _html_tags(st, ("img", "source")):
            alt = html.unescape(attrs["alt"][0]) if "alt" in attrs else ""
            if tag == "img" and "src" in attrs:
                value, s, e = attrs["src"]
                found.append(Target(tag, html.unescape(value.strip()), s, e, alt))
            if "srcset" in attrs:
                found += _srcset(tag, attrs["srcset"], alt)
    found.sort(key=lambda t: t.start)
    return found


def _may_link(st: Structure) -> bool:
    """An inline link or a definition (which reference links need) can be in the text."""
    return "](" in st.masked or "]:" in st.masked


def links(st: Structure) -> list[Target]:
    """Markdown links (not images), inline and by reference, in order; none in raw HTML."""
    if not _may_link(st):
        return []
    return [t for t in _markdown_targets(st, _MD_LINK, "link") if not t.raw]


def _srcset(tag: str, attr: tuple[str, int, int], alt: str) -> list[Target]:
    value, s, _ = attr
    return [  # "URL [descriptor], URL [descriptor]"
        Target(tag, html.unescape(p.group(1)), s + p.start(1), s + p.end(1), alt)
        for p in re.finditer(r"([^\s,]+)[^,]*(?:,|$)", value)
    ]


def _html_tags(st: Structure, names: tuple[str, ...] | None = None):
    """(tag, {attribute: (value, start, end)}) of each HTML tag outside code and comments."""
    masked = st.masked
    for m in _HTML_TAG.finditer(masked, st.body_start):
        tag = m.group("tag").lower()
        if names is not None and tag not in names:
            continue
        attrs: dict[str, tuple[str, int, int]] = {}
        base = m.start("attrs")
        for a in _ATTR.finditer(m.group("attrs")):
            group = next((g for g in ("dq", "sq", "bare") if a.group(g) is not None), None)
            if group is not None:
                s, e = base + a.start(group), base + a.end(group)
                attrs.setdefault(a.group("name").lower(), (st.text[s:e], s, e))
        yield tag, attrs


def references(st: Structure) -> list[Target]:
    """Everything the page links to or shows: Markdown links and images, and the src, srcset and
    href of any HTML tag (what a site must carry for the page to work)."""
    found = images(st) + links(st)
    if "<" in st.masked:
        for tag, attrs in _html_tags(st):
            for name in ("src", "href"):
                if name in attrs and not (tag == "img" and name == "src"):
                    value, s, e = attrs[name]
                    found.append(Target(tag, html.unescape(value.strip()), s, e))
            if "srcset" in attrs and tag not in ("img", "source"):
                found += _srcset(tag, attrs["srcset"], "")
    found.sort(key=lambda t: t.start)
    return found


def hidden_link_parts(st: Structure) -> list[tuple[int, int]]:
    """What a reader never sees of links: the (target "title") of inline links and images, and
    reference definitions (none in raw HTML, where they are shown as text)."""
    if not _may_link(st):
        return []
    inline = {}  # the link or image -> its (target "title")
    for pattern in (_MD_LINK, _MD_IMAGE):
        for m in pattern.finditer(st.masked, st.body_start):
            before = st.masked[m.start() - 1 : m.start()]
            if m.group("inner") is None or before == "\\":
                continue
            if (before == "!" and pattern is _MD_LINK) or _in(st.raw, m.start()):
                continue
            inline[m.span()] = m.span("paren")
    sure = _outside(_within(sorted(inline), st.leaves), st.unsure)
    parts = {inline[span] for span in sure}
    parts.update(m.span() for m in _definitions(st))
    return sorted(parts)


# -- where a reader can see text -------------------------------------------------------------------

_ANY_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_ANY_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_SHOWN_VALUE = re.compile(
    r"""(?:\s)(?:alt|title|placeholder|value|label|summary|abbr|aria-[a-z]+)\s*=\s*"""
    r"""(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
    re.I,
)
_ANY_ADDRESS = re.compile(r"\]\(\s*<?[^)\s>]*>?|^[ \t]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S+", re.M)


def searchable(source: str) -> str:
    """`source` with what no reader sees blanked (offsets kept), roughly: comments, tags but the
    values of attributes a browser shows, link addresses. Where the reader's view (view/reader.py)
    looks for a shown run first, so a decoy copy of a claim in a comment does not take its line;
    it falls back to the file as written, so blanking too much costs nothing but precision."""
    if "<" not in source and "](" not in source and "]:" not in source:
        return source
    spans = [m.span() for m in _ANY_COMMENT.finditer(source)]
    spans += [m.span() for m in _ANY_ADDRESS.finditer(source)]
    for tag in _ANY_TAG.finditer(source):
        pos = tag.start()
        for value in _SHOWN_VALUE.finditer(source, tag.start(), tag.end()):
            group = next(i for i in (1, 2, 3) if value.group(i) is not None)
            spans.append((pos, value.start(group)))
            pos = value.end(group)
        spans.append((pos, tag.end()))
    return blank(source, spans)
