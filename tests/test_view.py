"""The reader's view: one normalisation with offsets back to the file, the page as rendered, the
text a reader sees traced to its source line."""

from __future__ import annotations

import html
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from smilepress.view.normalise import IGNORABLE, normalise, normalised_text, unicode_view
from smilepress.view.reader import read_page, shown_pieces
from smilepress.view.render import MarkdownConfig, renderer

SITE = MarkdownConfig.from_mkdocs(["attr_list", "md_in_html", "tables", "admonition", "footnotes"])
IGNORABLES = [chr(c) for c in range(0x110000) if IGNORABLE.match(chr(c))]


def spans(text: str, word: str, config: MarkdownConfig = SITE) -> list[str]:
    """The source text behind each occurrence of `word` in the page's normalised view."""
    view = read_page(text, config).view
    out, at = [], view.text.find(word)
    while at >= 0:
        out.append(text[view.origin(at) : view.origin_end(at + len(word))])
        at = view.text.find(word, at + 1)
    return out


def line_of(text: str, word: str, config: MarkdownConfig = SITE) -> list[int]:
    view = read_page(text, config).view
    at = view.text.find(word)
    lines = []
    while at >= 0:
        lines.append(text.count("\n", 0, view.origin(at)) + 1)
        at = view.text.find(word, at + 1)
    return lines


# -- normalising ----------------------------------------------------------------------------------


def test_disguises_fold_to_the_plain_text():
    assert normalise("⽆痛 中⼼ 第⼀").text == "无痛中心第一"  # Kangxi radicals
    assert normalise("治愈率１００％").text == "治愈率100%"
    assert normalise("最\ufe0f好\U000e0041\u180e").text == "最好"
    assert normalise("最好\u034f的\u00ad医院").text == "最好的医院"
    assert normalise("療效最佳").text == "疗效最佳"
    assert normalise("&#26368;&#x597D;", entities=True).text == "最好"
    assert normalise("&#26368;&#x597D;").text == "&#26368;&#x597d;"  # shown as written


def test_offsets_lead_back_through_every_step():
    text = "甲&#26368;\u200b好㎏，乙"
    view = normalise(text, entities=True)
    assert view.text == "甲最好kg,乙"
    start = view.text.index("最好")
    assert text[view.origin(start) : view.origin_end(start + 2)] == "&#26368;\u200b好"
    k = view.text.index("kg")
    assert text[view.origin(k) : view.origin_end(k + 2)] == "㎏"  # one character made two
    assert list(view.offsets.array()) == [view.origin(i) for i in range(len(view.text))]


def test_the_detectors_view_keeps_case_and_width_of_ascii():
    view = unicode_view("KEY\u200bAbC１２")
    assert view.text == "KEYAbC12"


words = st.text(alphabet="最好治愈率百分之第一无痛保证中心", min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(words, st.data())
def test_any_ignorable_anywhere_changes_nothing(text, data):
    at = data.draw(st.integers(0, len(text)))
    mark = data.draw(st.sampled_from(IGNORABLES))
    assert normalise(text[:at] + mark + text[at:]).text == normalise(text).text


@settings(max_examples=200, deadline=None)
@given(words, st.data())
def test_any_entity_changes_nothing_where_entities_are_read(text, data):
    chosen = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    hexa = data.draw(st.booleans())
    encoded = "".join(
        (f"&#x{ord(c):x};" if hexa else f"&#{ord(c)};") if pick else c
        for c, pick in zip(text, chosen, strict=True)
    )
    view = normalise(encoded, entities=True)
    assert view.text == normalise(text).text
    assert view.origin_end(len(view.text)) == len(encoded)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_normalising_is_idempotent_and_offsets_stay_in_the_text(text):
    view = normalise(text, entities=True)
    assert normalise(view.text).text == view.text or "&" in view.text
    for i in range(len(view.text)):
        assert 0 <= view.origin(i) <= len(text)
        assert view.origin(i) <= view.origin_end(i + 1) <= len(text)


_PIECES = ["&amp;", "&#26368;", "&#x4E0D;", "&lt;", "&nbsp;", "&#10;", "&#0;", "&bogus;", "&amp"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=6), st.sampled_from(_PIECES)), max_size=12).map("".join),
    st.booleans(),
)
def test_the_text_alone_is_the_views_text(text, entities):
    """normalised_text (no offsets: the leak guard reads whole sites with it) is the view's."""
    assert normalised_text(text, entities) == normalise(text, entities).text


def test_nfkc_table_agrees_with_unicodedata():
    sample = "⽆㎏ﬁ①Ⅻ，：（）℃㈱ｶ" + "".join(chr(c) for c in range(0x2F00, 0x2F20))
    folded = normalise(sample).text
    expected = unicodedata.normalize("NFKC", sample).lower()
    assert folded.replace(" ", "") == normalise(expected).text.replace(" ", "")


# -- rendering and reading ------------------------------------------------------------------------


def test_the_site_configuration_decides_what_renders():
    footnote = "正文[^1]\n\n[^1]: 脚注文字\n"
    with_footnotes = read_page(footnote, SITE).shown
    plain = read_page(footnote, MarkdownConfig.from_mkdocs([])).shown
    assert "脚注文字" in with_footnotes  # a footnote is shown at the page's end
    assert "脚注文字" not in plain  # without the extension it is a link definition: not shown
    config = MarkdownConfig.from_mkdocs(["toc", {"pymdownx.nonexistent": {"x": 1}}])
    assert "pymdownx.nonexistent" in renderer(config).unloaded


def test_tags_are_wording_where_the_site_prints_them():
    text = "---\r\ntitle: 标题\r\ntags: [最佳, 护理]\r\n---\r\n正文\r\n"
    plain = MarkdownConfig.from_mkdocs(["toc"])
    tagged = MarkdownConfig.from_mkdocs(["toc"], ["search", {"material/tags": {}}])
    assert "最佳" not in read_page(text, plain).shown
    assert line_of(text, "最佳", tagged) == [3]
    assert line_of(text.replace("\r\n", "\n"), "最佳", tagged) == [3]  # line endings change nothing


def test_tag_options_are_not_run():
    class Tagged:  # what site_config reads a !!python/name: tag as
        pass

    config = MarkdownConfig.from_mkdocs([{"toc": {"slugify": Tagged(), "permalink": False}}])
    assert config.options == {"toc": {"permalink": False}}


def test_shown_text_has_displayed_attributes_and_no_hidden_parts():
    page = (
        '<p>甲<span title="提示">乙</span><img alt="替代" src="a.png"></p>'
        '<input placeholder="占位" value="数值"><a href="http://x/隐藏">链接</a>'
        "<!-- 注释 --><script>脚本()</script><style>.a::after{content:'样式'}</style>"
    )
    text = "".join(t for kind, t in shown_pieces(page) if kind == "text")
    for shown in ("甲", "乙", "提示", "替代", "占位", "数值", "链接", "样式"):
        assert shown in text
    for hidden in ("隐藏", "注释", "脚本", "a.png"):
        assert hidden not in text


def test_an_unclosed_element_still_shows_its_attribute_text():
    assert "提示" in "".join(t for _, t in shown_pieces('<abbr title="提示">缩写'))


def test_findings_point_at_the_writers_line_whatever_hides_the_claim():
    text = (
        "---\r\n"
        'title: "\\u672c\\u9662\\u6700\\u597d"\r\n'
        "tags: [最佳, 护理]\r\n"
        "---\r\n"
        "# 标题 &#26368;好\r\n"
        "\r\n"
        "<span>最</span>好 治愈率<b>１００</b>％\r\n"
        "\r\n"
        '![替代最好](x.png "图片标题")\r\n'
        "\r\n"
        "正文[^1]\r\n"
        "\r\n"
        "[^1]: 脚注里最好\r\n"
    )
    assert line_of(text, "最好") == [2, 5, 7, 9, 13]
    assert line_of(text, "最佳") == []  # no tags plugin: tags are not shown
    assert spans(text, "治愈率100%") == ["治愈率<b>１００</b>％"]
    assert spans(text, "最好")[1:3] == ["&#26368;好", "最</span>好"]


def test_a_page_of_entities_is_read_in_linear_time():
    import time

    def seconds(n: int) -> float:
        page = "".join(f"&#{20000 + i % 5000};" for i in range(n)) + "\n"
        start = time.perf_counter()
        read_page(page + str(n), SITE)
        return time.perf_counter() - start

    small, large = seconds(2000), seconds(8000)
    assert large < 12 * small + 0.5  # 4x the text: about 4x the time, not 16x


def test_entities_in_code_are_shown_as_written():
    text = "```\n&#26368;好\n```\n"
    assert "&#26368;好" in read_page(text, SITE).shown
    assert html.unescape("&#26368;好") not in read_page(text, SITE).shown
