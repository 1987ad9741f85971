"""One reader of a Markdown file's structure (load/markdown.py): where the front matter ends, the
same for every check and for MkDocs.

Each test below shows a way SmilePress used to disagree with what MkDocs renders: front matter that
is body for MkDocs (hidden from the checks and the approval digest), or the other way round.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from smilepress.errors import Problem
from smilepress.load.front_matter import parse, split
from smilepress.load.markdown import body_start
from smilepress.model.article import content_digest

CLAIM = "本院拥有全市最好的种植团队。"  # an absolute claim: found wherever a reader can see it


def universal(text: str) -> str:
    """What MkDocs reads: Python's universal newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- the front matter ends where MkDocs ends it ------------------------------------------------


def test_a_yaml_document_end_closes_the_front_matter_as_in_mkdocs():
    # After `...` MkDocs renders the heading; a later `---` must not make it front matter for us
    # (it was: hidden from the checks and from the approval digest).
    text = f"---\ntitle: 标题\n...\n# {CLAIM}\n---\n正文\n"
    body, meta = get_data(text)
    assert meta == {"title": "标题"} and body.startswith(f"# {CLAIM}")
    parts = split(text, "x.md")
    assert not isinstance(parts, Problem), parts
    assert parts.body == f"# {CLAIM}\n---\n正文\n" and parts.body_line == 4
    assert parts.yaml_text == "title: 标题\n"
    parts, loaded = parse(text, "x.md")
    without = parse("---\ntitle: 标题\n...\n---\n正文\n", "x.md")
    assert content_digest(loaded.data, parts.body) != content_digest(
        without[1].data, without[0].body
    )


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_front_matter_with_any_line_ending_is_front_matter(newline):
    text = f"---\ntitle: 标题\ntags: [{CLAIM}]\n---\n正文\n{CLAIM}\n".replace("\n", newline)
    parts = split(text, "x.md")
    assert not isinstance(parts, Problem), parts
    assert parts.body == f"正文{newline}{CLAIM}{newline}" and parts.body_line == 5
    assert body_start(text) == text.index("正文")


def test_front_matter_mkdocs_cannot_read_is_a_problem():
    # A date that does not exist: MkDocs' YAML loader fails and renders the front matter as text.
    text = "---\ntitle: 标题\ndescription: 2026-02-30\n---\n正文\n"
    assert get_data(text)[1] == {}
    problem = parse(text, "x.md")
    assert isinstance(problem, Problem) and problem.line == 3, problem
    assert "MkDocs" in problem.message


def test_a_closing_line_without_a_newline_is_a_problem():
    text = "---\ntitle: 标题\n---"
    assert get_data(text)[1] == {}  # MkDocs shows the fields as text
    problem = split(text, "x.md")
    assert isinstance(problem, Problem) and problem.line == 3, problem
    assert "换行" in problem.message + problem.hint


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
    seen = universal(text)
    body, meta = get_data(seen)
    stripped = body != seen  # MkDocs took a front matter off
    start = body_start(text)
    assert (start > 0) == stripped
    if stripped:
        assert universal(text[start:]).lstrip("\n") == body
    parsed = parse(text, "x.md")
    if not isinstance(parsed, Problem):  # what we load as front matter, MkDocs does too
        assert stripped and parsed[0].body == text[start:]
        assert parsed[1].data.keys() == meta.keys()  # (dates stay text for us)
    if not stripped:
        assert isinstance(parsed, Problem)
