"""The staged site's Markdown edits in isolation: links to pages outside the profile become text,
whatever form the writer gave them, and nothing else of the page changes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smilepress.staging import unlink

HIDDEN = {"education/draft.md"}


def test_every_form_of_link_to_a_hidden_page_becomes_its_text():
    md = (
        "见[草稿](draft.md)、[按引用][d]、[简写][]、[最简]，"
        '<a class="x" href="draft.md">网页</a>和[嵌[套]](draft.md#节)。\n\n'
        "[d]: draft.md\n[简写]: ./draft.md\n[最简]: draft.md\n"
    )
    assert unlink(md, "education/a.md", HIDDEN) == (
        '见草稿、按引用、简写、最简，<a class="x">网页</a>和嵌[套]。\n\n'
        "[d]: draft.md\n[简写]: ./draft.md\n[最简]: draft.md\n"
    )


def test_links_to_shown_pages_and_other_hosts_stay():
    md = "[好](good.md) [外](https://example.com/draft.md) <a href='../faq/q.md'>问</a>\n"
    assert unlink(md, "education/a.md", HIDDEN) == md


def test_the_same_page_by_another_address_is_still_hidden():
    md = "[一](../education/draft.md) [二](/education/draft.md) [三](draft/)\n"
    assert unlink(md, "education/a.md", HIDDEN | {"education/draft/index.md"}) == "一 二 三\n"


_TEXT = st.text(alphabet=st.sampled_from(list("草稿链接[]()<>:!#/\\\"' \nadr.m")), max_size=80)


@given(_TEXT)
def test_a_page_without_hidden_targets_is_unchanged(text):
    assert unlink(text, "education/a.md", set()) == text


@given(_TEXT)
def test_unlinking_twice_changes_nothing_more(text):
    once = unlink(text, "education/a.md", HIDDEN)
    assert unlink(once, "education/a.md", HIDDEN) == once
