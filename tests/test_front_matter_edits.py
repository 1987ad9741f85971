"""The writer's file is sacred: the workflow's edits change only the bytes they mean to.

Property-based: hypothesis writes front matter with comments, quoting styles, flow and block lists,
blank lines, CRLF or LF, a BOM, and bodies with '---' lines, and the edits must leave all of it be.
"""
from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from smilepress import front_matter
from smilepress.edit import append_to_list, set_field
from smilepress.errors import SmilePressError

import pytest

WORDS = st.sampled_from(["种植牙", "洗牙", "隐形矫正", "儿童涂氟", "智齿", "abc", "x-y", "第 1 步", "12", "2026"])
KEYS = st.sampled_from(["title", "description", "slug", "tags", "channels", "author", "review_by", "publish_date"])


def quoted(value: str, style: str) -> str:
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return '"' + value + '"'
    return value if value not in ("12", "2026") else f"'{value}'"


@st.composite
def documents(draw):
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = []
    if draw(st.booleans()):
        lines.append("# 作者的注释：请勿删除")
    keys = draw(st.lists(KEYS, unique=True, max_size=6))
    status_at = draw(st.integers(0, len(keys)))
    status_style = draw(st.sampled_from(["plain", "single", "double"]))
    for i, key in enumerate([*keys[:status_at], "status", *keys[status_at:]]):
        if key == "status":
            value = quoted("draft", status_style)
        elif key in ("tags", "channels") and draw(st.booleans()):
            items = draw(st.lists(WORDS, min_size=1, max_size=3))
            if draw(st.booleans()):
                lines.append(f"{key}: [{', '.join(items)}]")
            else:
                indent = draw(st.sampled_from(["", "  ", "    "]))
                lines.append(f"{key}:")
                lines.extend(f"{indent}- {item}" for item in items)
            continue
        else:
            value = quoted(draw(WORDS), draw(st.sampled_from(["plain", "single", "double"])))
        comment = draw(st.sampled_from(["", "  # 注释", " #x"]))
        lines.append(f"{key}: {value}{comment}")
        if draw(st.integers(0, 5)) == 0:
            lines.append("")
    body_lines = draw(st.lists(st.sampled_from(["正文第一段。", "---", "## 小标题", "  行尾空格  ", "", "- 列表"]),
                               max_size=6))
    body = newline.join(body_lines) + draw(st.sampled_from(["", newline]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + "---" + newline + newline.join(lines) + newline + "---" + newline + body, status_style, newline


def meta_of(text: str) -> dict:
    parsed = front_matter.parse(text.removeprefix("\ufeff"), "x.md")
    assert not hasattr(parsed, "message"), parsed
    return parsed[1].data


@settings(max_examples=200, deadline=None)
@given(documents(), st.sampled_from(["review", "approved", "published", "archived"]))
def test_set_field_changes_only_the_status_value(doc, new_status):
    text, style, newline = doc
    result = set_field(text, "status", new_status)
    before, after = text.split(newline), result.split(newline)
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(changed) == 1
    old_line, new_line = changed[0]
    assert old_line.replace("draft", new_status) == new_line  # same quotes, same comment, same spacing
    assert meta_of(result)["status"] == new_status
    body_start = text.index(newline + "---" + newline) + len(newline + "---" + newline)
    assert result.endswith(text[body_start:])  # the body, byte for byte


@settings(max_examples=200, deadline=None)
@given(documents(), st.integers(1, 3))
def test_append_to_list_only_inserts_lines(doc, count):
    text, _, newline = doc
    result = text
    items = [{"by": "wangliming", "role": "dentist", "at": f"2026-11-2{i}T10:00:00+08:00", "digest": f"sha256:{i}"}
             for i in range(count)]
    for item in items:
        result = append_to_list(result, "approvals", item)
    before, after = text.split(newline), result.split(newline)
    it = iter(after)
    assert all(line in it for line in before)  # every original line, in order
    assert len(after) == len(before) + count + 1  # the items and the `approvals:` key
    assert "\n" not in result.replace("\r\n", "") if newline == "\r\n" else "\r" not in result
    assert meta_of(result)["approvals"] == items
    assert result.startswith("\ufeff") == text.startswith("\ufeff")


@pytest.mark.parametrize(("before", "after"), [
    ("approvals: []\n", "approvals:\n  - {by: a}\n"),
    ("approvals:\n", "approvals:\n  - {by: a}\n"),
    ("approvals:\n    - {by: x}\n", "approvals:\n    - {by: x}\n    - {by: a}\n"),
    ("approvals:\n- {by: x}  # 注释\n", "approvals:\n- {by: x}  # 注释\n- {by: a}\n"),
    ("", "approvals:\n  - {by: a}\n"),
])
def test_append_to_list_shapes(before, after):
    text = f"---\ntitle: 甲\n{before}---\n正文\n"
    assert append_to_list(text, "approvals", {"by": "a"}) == f"---\ntitle: 甲\n{after}---\n正文\n"


def test_flow_list_with_items_is_refused_with_a_hint():
    with pytest.raises(SmilePressError) as caught:
        append_to_list("---\napprovals: [{by: x}]\n---\n", "approvals", {"by": "a"})
    assert "逐行" in str(caught.value)


def test_set_field_adds_a_missing_key_before_the_closing_fence():
    assert set_field("---\ntitle: 甲  # 注释\n---\n正文", "status", "draft") == "---\ntitle: 甲  # 注释\nstatus: draft\n---\n正文"


def test_values_that_need_quotes_get_them():
    result = set_field("---\nstatus: draft\n---\n", "status", "yes: no")
    assert yaml.safe_load(result.split("---\n")[1])["status"] == "yes: no"
