"""A word split by punctuation is read as the word (view/reading.py): 最-好, 第—一, 治|愈|率, 最“”好
give the findings of 最好, 第一, 治愈率, at the writer's line and column; a sentence's or a clause's
end (效果最。好的, 最，好) and a line break still separate, and the corpora's findings stay put."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from smilepress.checks.engine import Checker, Document
from smilepress.checks.rule_packs import load_rules
from smilepress.load.markdown import Lines
from smilepress.view.normalise import normalise
from smilepress.view.reading import BOUNDARIES, read_across, reading
from smilepress.view.render import MarkdownConfig

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 4)
SITE = MarkdownConfig.from_mkdocs(["attr_list", "md_in_html", "tables", "admonition", "toc"])
CLAIMS = yaml.safe_load(Path(__file__).with_name("disguises.yml").read_text("utf-8"))[
    "property_claims"
]
_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def checker() -> Checker:
    rules = load_rules(REPO, {"education", "ad", "faq", "case", "page"})
    assert not rules.problems, rules.problems
    return Checker(rules, SITE)


def article(body: str, kind: str = "education") -> str:
    return f"---\ntitle: 刷牙小知识\ntype: {kind}\n---\n\n正文。\n\n{body}\n"


def findings(checker: Checker, body: str, kind: str = "education") -> list:
    text = article(body, kind)
    found = checker.check(Document("content/x.md", text, kind, {"title": "刷牙小知识"}), TODAY)
    return [f for f in found if f.level in ("error", "review")]


def pairs(found) -> set[tuple[str, str]]:
    return {(f.category, f.level) for f in found}


# -- the reading ----------------------------------------------------------------------------------


def test_separators_inside_a_word_are_taken_out_and_positions_lead_back():
    text = "本院最-好，效果第—一。治|愈“率”"
    read = reading(text)
    assert read.text == "本院最好，效果第一。治愈率”"  # the last quote mark ends the text
    at = read.text.index("最好")
    assert text[slice(*read.to_view(at, at + 2))] == "最-好"
    assert read.split(at, at + 2) and not read.split(0, 2)
    assert read.to_reading(*read.to_view(at, at + 2)) == (at, at + 2)


@pytest.mark.parametrize("text", ["效果最。好的", "最，好", "最、好", "最；好", "最：好", "最！好"])
def test_a_sentence_or_clause_end_is_no_separator(text):
    assert reading(normalise(text).text).index is None


def test_a_line_break_and_a_paragraph_separate():
    assert reading("最\n好").index is None
    assert reading("最\n\n好").index is None


def test_a_full_stop_of_science_texts_separates():
    """OI-wiki ends sentences with ．(the reading folds it to "."), as with 。."""
    assert reading(normalise("取最小．好的方法").text).index is None


def test_letters_and_digits_are_no_separators():
    assert reading("最a好，最1好").index is None


# -- twins: the disguise gives the plain claim's findings, where it is ----------------------------

SPLIT = [
    ("本院种植技术最好。", "本院种植技术最-好。"),
    ("本院种植技术最好。", "本院种植技术最/好。"),
    ("本院种植技术最好。", "本院种植技术最|好。"),
    ("本院种植技术最好。", "本院种植技术最｜好。"),
    ("本院种植技术最好。", "本院种植技术最——好。"),
    ("本院种植技术最好。", "本院种植技术最“”好。"),
    ("本院种植技术最好。", "本院种植技术最「」好。"),
    ("本院种植技术最好。", "本院种植技术最（）好。"),
    ("本院种植技术最好。", "本院种植技术最()好。"),
    ("本院种植技术最好。", "本院种植技术最{++ ++}好。"),  # critic markup the site does not render
    ("本院种植技术最好。", "本院种植技术最 - 好。"),
    ("本院种植技术最好。", "本院种植技术最\u3000/\u3000好。"),
    ("本院种植技术最好。", "本院种植技术最'好。"),
    ("本院种植技术最好。", "本院种植技术“最”好。"),
    ("本院种植技术最好。", "本院种植技术<span>最</span>-<b>好</b>。"),
    ("我院是全市第一的种植中心。", "我院是全市第—一的种植中心。"),
    ("我院是全市第一的种植中心。", "我院是全市第-一的种植中心。"),
    ("本院牙周炎治愈率100%。", "本院牙周炎治-愈-率100%。"),
    ("本院牙周炎治愈率100%。", "本院牙周炎治|愈|率100%。"),
    ("无痛拔牙，效果最佳。", "无-痛拔牙，效果最/佳。"),
    ("本院种植技术最好。", "本-院种植技术最好。"),  # the clinic speaking of itself: an error
    ("本院种植技术最好。", "本/院种植技术最-好。"),
]


@pytest.mark.parametrize(("plain", "disguised"), SPLIT, ids=[d for _, d in SPLIT])
@pytest.mark.parametrize("kind", ["education", "ad"])
def test_a_word_split_by_separators_gives_the_plain_findings(checker, plain, disguised, kind):
    neutral = pairs(findings(checker, "每天早晚刷牙，每次两分钟。", kind))
    expected = pairs(findings(checker, plain, kind))
    assert expected - neutral, "the plain twin proves nothing"
    found = findings(checker, disguised, kind)
    assert pairs(found) == expected
    line = article(disguised, kind).split("\n").index(disguised) + 1
    assert {f.line for f in found if (f.category, f.level) not in neutral} == {line}


def test_a_split_word_in_a_table_cell_and_across_cells(checker):
    table = "| 说明 | 正文 |\n| --- | --- |\n| 正文 | 本院种植技术最<br>-好。 |"
    assert ("absolute-claim", "error") in pairs(findings(checker, table))


# -- what must stay apart --------------------------------------------------------------------------

APART = [
    "种植牙效果最。好的护理是每天刷牙。",
    "种植牙效果最，好的护理是每天刷牙。",
    "治疗次第．一般先洁治。",
    "我们不承诺无-痛。",  # a negation still cancels: the reader reads it
    '广告法禁止使用"最-佳"等用语。',  # quoting the law, quote marks and all
]


@pytest.mark.parametrize("text", APART)
def test_boundaries_negations_and_quotations_still_hold(checker, text):
    plain = text.replace("-", "")
    assert pairs(findings(checker, text)) <= pairs(findings(checker, plain))


# -- property: any separator between two Han characters of a claim --------------------------------


def _is_separator(ch: str) -> bool:
    folded = normalise(ch).text
    return bool(folded) and read_across("甲" + folded + "乙") == "甲乙"


# Markup characters a writer types as text are tested as twins above; here, what is plain text.
_MARKUP = set("<>&`\\[]!*_|#~\"'=+-") | BOUNDARIES
SEPARATORS = st.characters(
    categories=("Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs"),
    exclude_characters="".join(_MARKUP),
).filter(_is_separator)


@st.composite
def split_claims(draw):
    claim = draw(st.sampled_from(CLAIMS))
    places = [i for i in range(1, len(claim)) if _HAN.match(claim[i - 1]) and _HAN.match(claim[i])]
    cuts = draw(st.lists(st.sampled_from(places), min_size=1, max_size=4, unique=True))
    runs = draw(st.lists(st.text(SEPARATORS, min_size=1, max_size=3), min_size=4, max_size=4))
    disguised = claim
    for at, run in sorted(zip(cuts, runs, strict=False), reverse=True):
        disguised = disguised[:at] + run + disguised[at:]
    return claim, disguised


@settings(max_examples=150, deadline=None)
@given(split_claims(), st.sampled_from(["education", "ad"]))
def test_any_separator_inside_a_claim_keeps_its_findings_and_their_place(checker, claim, kind):
    plain, disguised = claim
    neutral = pairs(findings(checker, "每天早晚刷牙，每次两分钟。", kind))
    expected = pairs(findings(checker, plain, kind))
    found = findings(checker, disguised, kind)
    assert expected <= pairs(found), f"{disguised!r}: missing {expected - pairs(found)}"
    text = article(disguised, kind)
    start = text.index(disguised)
    lines = Lines(text)
    first, end = lines.position(start), lines.position(start + len(disguised))
    for f in found:
        if (f.category, f.level) in expected - neutral:
            assert first <= (f.line, f.column) <= end, f"{f} is not on the claim {disguised!r}"


def test_the_separators_are_not_letters_digits_or_boundaries():
    for code in range(0x20, 0x3100):
        ch = chr(code)
        if read_across("甲" + ch + "乙") == "甲乙":
            assert unicodedata.category(ch)[0] not in "LN" and ch not in BOUNDARIES, ch
