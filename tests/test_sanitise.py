"""The allow-list of writers' HTML (view/sanitise.py): nh3 removes, the reporter says what, in the
same words for the same things; ordinary Markdown output passes byte for byte."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smilepress.view.render import MarkdownConfig, renderer
from smilepress.view.sanitise import (
    GeneratedPieces,
    attribute_verdict,
    removals,
    sanitise,
    srcset_urls,
    url_scheme,
)

# What pymdownx and Python-Markdown's own extensions write for ordinary Markdown: all of it stays.
EXTENSIONS = [
    "attr_list",
    "md_in_html",
    "tables",
    "admonition",
    {"toc": {"permalink": True}},
    "footnotes",
    "abbr",
    "def_list",
    "sane_lists",
    "smarty",
    "codehilite",
    "wikilinks",
    "pymdownx.details",
    "pymdownx.mark",
    "pymdownx.caret",
    "pymdownx.tilde",
    "pymdownx.keys",
    "pymdownx.smartsymbols",
    "pymdownx.inlinehilite",
    "pymdownx.superfences",
]
ORDINARY = """\
# 标题一 {#custom-id .big}

段落，带**粗体**、*斜体*、`代码`、[链接](https://example.com "标题")、<https://example.com>、
[邮件](mailto:service@example.com)、[电话](tel:400-000-0000)、[站内](../faq/a.md#答)、
&copy; 2026 &amp; A&B。换行前两个空格<BR>
换行后。

![图片](img/a.png "图题"){ width="300" loading=lazy }
![内嵌](data:image/png;base64,iVBORw0KGgo=)

| 左 | 中 | 右 |
|:---|:--:|---:|
| a  | b  | c  |

!!! note "提示"
    这是提示。

??? warning "可折叠"
    内容

- 列表
- 第二项

3. 三
4. 四

> 引用

---

```python
print("<b>", '&')
```

    缩进代码

<div markdown>
**内嵌 Markdown**
</div>

<details>
<summary>更多</summary>
内容
</details>

<figure>
<img src="img/b.png" alt="b" width="100" height="80" srcset="img/b.png 1x, img/b@2x.png 2x">
<figcaption>图说</figcaption>
</figure>

<abbr title="世界卫生组织">WHO</abbr> <sup>1</sup> <sub>2</sub> <kbd>Ctrl</kbd> <mark>重点</mark>
<ruby>龋<rt>qǔ</rt></ruby> <q cite="https://example.com">引</q> <span class="note">注</span>

段落带类名
{: .lead #p1 }

==标记== ^^插入^^ ~~删除~~ H~2~O 2^10^ ++ctrl+alt+del++ (c) --> `#!python print(1)`

Term
:   Definition

脚注[^1]。"引号" -- 破折号 ...

*[HTML]: Hyper Text Markup Language

HTML 缩写。[[WikiLink]]

<!-- smilepress-disable ad-law/superlative -- 引用指南原文 -->

[^1]: 脚注内容。

[TOC]
""".replace("<BR>", "  ")


def _html(markdown: str) -> str:
    return renderer(MarkdownConfig.from_mkdocs(EXTENSIONS)).body_html(markdown)


def test_ordinary_markdown_output_passes_byte_for_byte():
    assert renderer(MarkdownConfig.from_mkdocs(EXTENSIONS)).unloaded == []
    html = _html(ORDINARY)
    for kept in ('class="admonition note"', 'id="fn:1"', "<details", 'style="text-align: left;"'):
        assert kept in html  # the sample does exercise them
    assert removals(html) == []
    assert sanitise(html) == html


# (HTML, what the report says, in page order, a trace that must not be in the sanitised page)
ATTACKS = [
    ("<script>alert(1)</script>", ["<script> 元素（连同其中的内容）"], "alert"),
    ("<ScRiPt>alert(1)</ScRiPt>", ["<script> 元素（连同其中的内容）"], "alert"),
    ("<script/x>alert(1)</script>", ["<script> 元素（连同其中的内容）"], "alert"),
    ("<p>a<script >alert(1)</script >b</p>", ["<script> 元素（连同其中的内容）"], "alert"),
    ('<svg onload="alert(1)"></svg>', ["<svg> 元素（连同其中的内容）"], "alert"),
    ('<img src="x.png" onerror="alert(1)">', ["onerror 事件属性"], "alert"),
    ("<img src=x onerror=alert(1)//>", ["onerror 事件属性"], "alert"),
    ('<a href="  JaVaScRiPt:alert(1)">x</a>', ["javascript: 链接"], "alert"),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', ["javascript: 链接"], "alert"),
    ('<a href="&#106;avascript:alert(1)">x</a>', ["javascript: 链接"], "alert"),
    ('<a href="javascript&colon;alert(1)">x</a>', ["javascript: 链接"], "alert"),
    ('<a href="\x01java\nscript:alert(1)">x</a>', ["javascript: 链接"], "alert"),
    ('<a href="vbscript:alert(1)">x</a>', ["vbscript: 链接"], "alert"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', ["data: 链接"], "alert"),
    ('<a href="data:image/png;base64,QUxFUlQ=">x</a>', ["data: 链接"], "QUxFUlQ"),
    ('<img src="data:text/html;base64,QUxFUlQ=">', ["data:text/html 图片"], "QUxFUlQ"),
    ('<img src="data:image/svg+xml;base64,QUxFUlQ=">', ["data:image/svg+xml 图片"], "QUxFUlQ"),
    ('<img srcset="a.png 1x, javascript:alert(1) 2x">', ["srcset 中的 javascript: 地址"], "alert"),
    (
        '<blockquote cite="javascript:alert(1)">q</blockquote>',
        ["cite 中的 javascript: 地址"],
        "alert",
    ),
    (
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        ["<iframe> 元素（连同其中的内容）"],
        "alert",
    ),
    (
        '<iframe src="https://player.example/v">看视频</iframe>',
        ["<iframe> 元素（连同其中的内容）"],
        "player",
    ),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', ["<meta> 元素"], "evil"),
    ('<base href="https://evil.example/">', ["<base> 元素"], "evil"),
    (
        '<form action="https://evil.example"><input name="q"></form>',
        ["<form> 标签（其中的文字保留）", "<input> 元素"],
        "evil",
    ),
    ('<object data="x.swf">备用</object>', ["<object> 元素（连同其中的内容）"], "x.swf"),
    ('<embed src="x.swf">', ["<embed> 元素"], "x.swf"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', ["<link> 元素"], "evil"),
    ("<style>body{display:none}</style>", ["<style> 元素（连同其中的内容）"], "display"),
    ('<p style="position:fixed">x</p>', ["style 属性"], "fixed"),
    ('<td style="color:red">x</td>', ["style 属性"], "red"),
    (
        '<p onclick="alert(1)" onmouseover="alert(2)">x</p>',
        ["onclick 事件属性", "onmouseover 事件属性"],
        "alert",
    ),
    (
        '<math><mtext><a href="javascript:alert(1)">m</a></mtext></math>',
        ["<math> 元素（连同其中的内容）"],
        "alert",
    ),
    (
        '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>',
        ["<svg> 元素（连同其中的内容）"],
        "alert",
    ),
    ('<div id="__search">x</div>', ['id="__search"（以 __ 开头的 id 留给网站主题）'], "__search"),
    ('<span data-md-component="search">x</span>', ["data-md-component 属性"], "data-md"),
    ("<font color=red>红</font>", ["<font> 标签（其中的文字保留）"], "font"),
    (
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        ["<noscript> 元素（连同其中的内容）"],
        "alert",
    ),
    ("<![CDATA[ ><img src=x onerror=alert(1)> ]]>", ["onerror 事件属性"], "alert"),
    ("<!--><img src=x onerror=alert(1)>-->", ["onerror 事件属性"], "alert"),
    ("<!-- a --!><img src=x onerror=alert(1)>-->", ["onerror 事件属性"], "alert"),
    (
        "<textarea><img src=x onerror=alert(1)></textarea>",
        ["<textarea> 元素（连同其中的内容）"],
        "alert",
    ),
    (
        "<template><img src=x onerror=alert(1)></template>",
        ["<template> 元素（连同其中的内容）"],
        "alert",
    ),
]


@pytest.mark.parametrize(("html", "said", "trace"), ATTACKS, ids=[a[0][:40] for a in ATTACKS])
def test_each_attack_is_removed_and_said(html, said, trace):
    found = removals(html)
    assert [r.what.split("（")[0] for r in found] == [s.split("（")[0] for s in said]
    assert all(s in r.what for r, s in zip(found, said, strict=True))
    clean = sanitise(html)
    assert trace not in clean
    assert removals(clean) == []
    _assert_harmless(clean)


class _Everything(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.elements.add(tag)
        self.attributes += attrs


def _assert_harmless(html: str) -> None:
    """A second, plain reading of sanitised HTML: nothing that runs, loads or restyles."""
    seen = _Everything()
    seen.feed(html)
    seen.close()
    assert not seen.elements & {"script", "style", "iframe", "object", "embed", "form", "input"}
    assert not seen.elements & {"meta", "base", "link", "svg", "math", "textarea", "template"}
    for name, value in seen.attributes:
        assert not name.startswith("on"), (name, value)
        assert name != "style" or value in {
            f"text-align: {s};" for s in ("left", "center", "right")
        }
        squeezed = "".join((value or "").split()).lower()
        if name in ("href", "src", "srcset", "cite"):
            assert not squeezed.startswith(("javascript:", "vbscript:")), value
            assert not squeezed.startswith("data:") or squeezed.startswith("data:image/png"), value


def test_the_report_says_where_each_removal_is():
    html = '<p>文字</p>\n<p><a title="t" href="javascript:x()">链接</a></p>'
    (found,) = removals(html)
    assert found.tag == '<a title="t" href="javascript:x()">'
    assert found.tag[found.at[0] : found.at[1]] == 'href="javascript:x()"'
    assert (found.element, found.attribute, found.value) == ("a", "href", "javascript:x()")
    (script,) = removals("<div><script>x()</script></div>")
    assert script.tag[script.at[0] : script.at[1]] == "<script>" and not script.attribute


def test_an_element_removed_with_its_content_is_said_once():
    assert [r.what for r in removals('<svg><a href="javascript:x()"><text>t</text></a></svg>')] == [
        "<svg> 元素（连同其中的内容）"
    ]


def test_ids_the_theme_uses_are_kept_for_the_theme():
    assert attribute_verdict("h2", "id", "__drawer") is not None
    assert attribute_verdict("h2", "id", "_1") is None  # toc's id for a Chinese heading
    assert attribute_verdict("li", "id", "fn:1") is None
    assert sanitise('<h2 id="__drawer">x</h2>') == "<h2>x</h2>"


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://example.com", "https"),
        ("  JaVaScRiPt:alert(1)", "javascript"),
        ("java\tscript:alert(1)", "javascript"),
        ("\x00\x1fjavascript:x", "javascript"),
        ("java\nscr\ript:x", "javascript"),
        ("./a:b.png", ""),
        ("a.png", ""),
        ("#fn:1", ""),
        ("//cdn.example.com/a.png", ""),
    ],
)
def test_the_scheme_is_read_as_a_browser_reads_it(url, scheme):
    assert url_scheme(url) == scheme


def test_data_urls_only_for_raster_pictures():
    for kind in ("png", "jpeg", "gif", "webp", "avif"):
        assert attribute_verdict("img", "src", f"data:image/{kind};base64,AA") is None
        assert attribute_verdict("img", "src", f" DATA:Image/{kind.upper()};base64,AA") is None
    assert attribute_verdict("img", "src", "data:image/svg+xml,<svg/>") is not None
    assert attribute_verdict("img", "src", "data:,hello") is not None
    assert attribute_verdict("a", "href", "data:image/png;base64,AA") is not None
    assert attribute_verdict("img", "srcset", "data:image/png;base64,AA,BB 1x, b.png 2x") is None


def test_srcset_is_split_as_browsers_split_it():
    assert srcset_urls("a.png 1x, data:image/png;base64,AA,BB 2x,c.png") == [
        "a.png",
        "data:image/png;base64,AA,BB",
        "c.png",
    ]
    assert srcset_urls(" , a.png, b.png (x, y) 2x , ") == ["a.png", "b.png"]


def test_a_page_is_re_spelled_only_when_needed():
    # Unbalanced or odd markup is written back as a browser reads it; nothing is reported.
    assert sanitise("<div><p>未闭合") == "<div><p>未闭合</p></div>"
    assert removals("<div><p>未闭合") == []
    assert sanitise("<p>a<!-- 注释 --></p>") == "<p>a<!-- 注释 --></p>"  # kept as it was
    assert sanitise("<p>a<!-- 注释 --></p><script>x</script>") == "<p>a</p>"


def test_generated_pieces_pass_and_writers_parts_do_not():
    pieces = GeneratedPieces()
    svg = '<div class="smilepress-diagram"><svg role="img"><title>图</title></svg></div>\n'
    html = (
        "<p>前</p>\n<script>a()</script>\n"
        + pieces.start
        + "\n\n"
        + svg
        + pieces.end
        + "\n\n<p>后</p><div><p>"
    )
    assert pieces.sanitise(html) == "<p>前</p>\n\n" + svg + "<p>后</p><div><p></p></div>"
    # a writer cannot forge the marks: they hold a secret of the build
    forged = (
        "<!--smilepress-generated 00-->\n\n<script>a()</script>\n<!--/smilepress-generated 00-->"
    )
    assert "<script>" not in pieces.sanitise(forged)
    # nor leave a piece inside a tag of theirs
    open_tag = '<p title="' + pieces.start + svg + pieces.end + '">x</p>'
    assert pieces.sanitise(open_tag).count("<svg") == 1 and "title=" not in pieces.sanitise(
        open_tag
    )


# -- properties ------------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<a href='",
        "javascript:",
        "data:image/png;base64,AA",
        "data:text/html,x",
        "'>",
        '<img src="a.png" alt="',
        '" onerror="x()">',
        "<script>",
        "</script>",
        "<svg>",
        "</svg>",
        "<!--",
        "-->",
        "--!>",
        "<![CDATA[",
        "]]>",
        "<table><tr><td>",
        "</td></tr></table>",
        '<td style="text-align: left;">',
        '<h2 id="__x">',
        "</h2>",
        "&amp;",
        "&#106;",
        "&",
        "<",
        ">",
        '"',
        "'",
        "\n",
        " ",
        "文字",
        "<br />",
        "<hr>",
        "<details open>",
        "<summary>",
        "<textarea>",
        "<noscript>",
        "</",
        "<?x>",
        "<!x>",
        "<div/>",
        "\x00",
        "\r\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=30).map("".join))
def test_sanitising_twice_changes_nothing_and_leaves_nothing_to_report(html):
    once = sanitise(html)
    assert sanitise(once) == once
    assert removals(once) == []
    _assert_harmless(once)


_SPELLINGS = st.sampled_from(
    ["<hr />", "&quot;", "<br />", " />", '<p title="a&quot;b">', "<div />"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, _SPELLINGS, st.text(max_size=6)), max_size=30).map("".join))
def test_nh3_spelling_shortcut_decides_as_the_full_comparison(text):
    """The shortcut (nh3's spelling of `&quot;` and `<hr />`) never keeps a page the slow,
    token-by-token comparison would have cleaned."""
    from smilepress.view import sanitise as s

    clean = s._cleaner().clean(text)
    if clean != text and s._nh3_spelling(text) == clean:
        walked = s._walk(text)
        assert walked.faithful and walked.tokens == s._walk(clean).tokens, (text, clean)
