"""Property-based tests of the surgical front-matter edits (smilepress.workflow.front_matter_edit).

Hypothesis writes front matter the way people do: comments on their own lines and after values,
any key order, plain / single / double quoting, flow and block lists, blank lines, CRLF or LF, an
optional BOM, and a body with '---' lines, Chinese text, trailing spaces and maybe no final newline.
`set_field` must change exactly the status line (keeping its quotes) and `append_to_list` must only
insert lines; everything else stays byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smilepress.errors import SmilePressError
from smilepress.load import front_matter
from smilepress.workflow.front_matter_edit import append_to_list, set_field

BOM = "\ufeff"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = [
    "种植牙术后护理",
    "洗牙",
    "x-y",
    "lixiaoyu",
    "第 1 步",
    "a: b",
    "# 不是注释",
    "12",
    "yes",
    "---",
    "it's",
    '说"好"',
    "null",
    "  前后空格 ",
    "术后：注意",
    "a #b",
    "[不是列表]",
]
FLOW_ITEMS = ["website", "wechat", "种植牙", "洗牙", "x-y", "'a, b'", '"c: d"']
STATES = ["draft", "review", "approved", "published", "archived", "审核中"]
FULL_LINE_COMMENTS = [
    "# 作者的注释：请勿删除",
    "#status: published",
    "  # 缩进的注释",
    "# ---",
    "#",
    "# approvals:",
]
TRAILING_COMMENTS = ["", "", "  # 注释", " #x", "   # status: published"]
BODY_LINES = [
    "种植牙术后护理要点。",
    "---",
    "--- ",
    "status: published",
    "approvals:",
    "  行尾空格  ",
    "",
    "## 小标题",
    "- 列表项",
    "\tTab 开头",
    "title: 正文里的假字段",
    "...",
]


def is_plain_safe(word: str) -> bool:
    try:
        return yaml.safe_load(f"k: {word}") == {"k": word}
    except yaml.YAMLError:
        return False


def quote(word: str, style: str) -> str:
    if style == "single":
        return "'" + word.replace("'", "''") + "'"
    if style == "double":
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    assert is_plain_safe(word)
    return word


PLAIN_STATUS = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True).filter(is_plain_safe)
NEW_STATUS = st.one_of(st.sampled_from(STATES), PLAIN_STATUS)
ITEM_TEXT = st.text(
    alphabet=st.sampled_from(list("abcxyz019 -:#'\"[]{},&*!|>%@`种植牙审核")),
    min_size=1,
    max_size=12,
)
ITEMS = st.fixed_dictionaries(
    {
        "by": st.one_of(st.sampled_from(["wangliming", "chensiyuan", "zhaomin"]), ITEM_TEXT),
        "role": st.one_of(st.sampled_from(["dentist", "manager", "compliance"]), ITEM_TEXT),
        "at": st.sampled_from(["2026-11-28T10:00:00+08:00", "2026-11-28"]),
        "digest": st.one_of(st.from_regex(r"sha256:[0-9a-f]{32}", fullmatch=True), ITEM_TEXT),
    }
)


@dataclass
class Doc:
    text: str  # the whole file as written (with the BOM, if any)
    nl: str
    bom: bool
    body: str
    meta: dict  # what the front matter means
    closing_index: int  # index of the closing fence in text.split(nl)
    status_index: int | None  # index of the status line in text.split(nl), if any
    status_line: tuple[str, str, str] | None  # (before the value, quoting style, after the value)
    approvals_indent: str | None  # indentation of the existing approvals items, if any


@st.composite
def documents(draw, status: bool = True, approvals: bool | None = None):
    """A front-matter document; `approvals`: True = a non-empty block list, False = no key, None =
    either."""
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.booleans())
    keys = draw(
        st.lists(
            st.sampled_from(["title", "type", "author", "description", "slug", "tags", "channels"]),
            unique=True,
            min_size=0 if status else 1,
            max_size=7,
        )
    )
    if status:
        keys.append("status")
    if approvals is None:
        approvals = draw(st.booleans())
    if approvals:
        keys.append("approvals")
    keys = draw(st.permutations(keys))

    lines: list[str] = []
    meta: dict = {}
    status_at = status_line = approvals_indent = None

    def filler():
        for _ in range(draw(st.integers(0, 2))):
            lines.append(
                draw(st.one_of(st.sampled_from(FULL_LINE_COMMENTS), st.sampled_from(["", "   "])))
            )

    filler()
    for key in keys:
        sep = draw(st.sampled_from([" ", "  "]))
        trailing = draw(st.sampled_from(TRAILING_COMMENTS)) + draw(st.sampled_from(["", "  "]))
        if key == "status":
            value = draw(st.sampled_from(["draft", "review", "approved"]))
            style = draw(st.sampled_from(["plain", "single", "double"]))
            status_at = len(lines) + 1  # +1 for the opening fence
            status_line = (f"status:{sep}", style, trailing)
            lines.append(f"status:{sep}{quote(value, style)}{trailing}")
            meta[key] = value
        elif key == "approvals":
            approvals_indent = draw(st.sampled_from(["", "  ", "    "]))
            lines.append("approvals:" + draw(st.sampled_from(["", "  # 批准记录，请勿手改"])))
            items = []
            for i in range(draw(st.integers(1, 3))):
                item = {"by": "wangliming", "role": "dentist", "digest": f"sha256:{i:02d}"}
                items.append(item)
                if draw(st.booleans()):
                    lines.append(
                        f"{approvals_indent}- "
                        f"{{by: wangliming, role: dentist, digest: 'sha256:{i:02d}'}}"
                        + draw(st.sampled_from(TRAILING_COMMENTS))
                    )
                else:
                    lines.append(
                        f"{approvals_indent}- by: wangliming"
                        + draw(st.sampled_from(TRAILING_COMMENTS))
                    )
                    lines.append(f"{approvals_indent}  role: dentist")
                    lines.append(f"{approvals_indent}  digest: 'sha256:{i:02d}'")
                if draw(st.integers(0, 4)) == 0:
                    lines.append(
                        draw(
                            st.sampled_from(
                                ["", "# 列表中的注释", f"{approvals_indent}  # 缩进注释"]
                            )
                        )
                    )
            meta[key] = items
        elif key in ("tags", "channels"):
            items = draw(st.lists(st.sampled_from(FLOW_ITEMS), min_size=1, max_size=3))
            meta[key] = [yaml.safe_load(i) for i in items]
            if draw(st.booleans()):
                lines.append(f"{key}:{sep}[{', '.join(items)}]{trailing}")
            else:
                indent = draw(st.sampled_from(["", "  ", "    "]))
                lines.append(f"{key}:{draw(st.sampled_from(TRAILING_COMMENTS))}")
                lines.extend(
                    f"{indent}- {item}{draw(st.sampled_from(TRAILING_COMMENTS))}" for item in items
                )
        else:
            word = draw(st.sampled_from(WORDS))
            styles = ["single", "double"] + (["plain"] if is_plain_safe(word) else [])
            lines.append(f"{key}:{sep}{quote(word, draw(st.sampled_from(styles)))}{trailing}")
            meta[key] = word
        filler()

    body_lines = draw(st.lists(st.sampled_from(BODY_LINES), max_size=6))
    body = nl.join(body_lines) + (nl if body_lines and draw(st.booleans()) else "")
    opening = draw(st.sampled_from(["---", "---", "---  "]))
    closing = draw(st.sampled_from(["---", "---", "--- "]))
    # The closing fence always ends its line: without a line break after it MkDocs takes no front
    # matter (and renders the fields), so the loader refuses such a file (test_markdown_structure).
    text = (BOM if bom else "") + nl.join([opening, *lines, closing]) + nl + body
    return Doc(text, nl, bom, body, meta, len(lines) + 1, status_at, status_line, approvals_indent)


def parsed(text: str):
    """(front matter data, body) as SmilePress reads them."""
    result, problems = front_matter.parse(text.removeprefix(BOM), "x.md")
    assert result is not None and not problems, problems
    parts, loaded = result
    return loaded.data, parts.body


def assert_line_endings(result: str, nl: str):
    if nl == "\r\n":
        assert result.count("\n") == result.count("\r\n"), "a bare LF in a CRLF file"
    else:
        assert "\r" not in result, "a CR in an LF file"


# -- set_field -------------------------------------------------------------------------------------


@SETTINGS
@given(documents(status=True), NEW_STATUS)
def test_set_field_changes_exactly_the_status_line(doc, value):
    result = set_field(doc.text, "status", value)
    before, after = doc.text.split(doc.nl), result.split(doc.nl)
    assert len(after) == len(before)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == ([] if doc.meta["status"] == value else [doc.status_index])
    prefix, style, suffix = doc.status_line
    assert (
        after[doc.status_index] == prefix + quote(value, style) + suffix
    )  # same quotes, spacing and comment
    assert result.startswith(BOM) == doc.bom and result.count(BOM) == doc.text.count(BOM)
    assert_line_endings(result, doc.nl)
    data, body = parsed(result)
    assert data["status"] == value
    assert {k: v for k, v in data.items() if k != "status"} == {
        k: v for k, v in doc.meta.items() if k != "status"
    }
    assert body == doc.body
    assert result.endswith(doc.body)


@SETTINGS
@given(documents(status=False), NEW_STATUS)
def test_set_field_adds_a_missing_status_just_before_the_closing_fence(doc, value):
    result = set_field(doc.text, "status", value)
    before, after = doc.text.split(doc.nl), result.split(doc.nl)
    assert len(after) == len(before) + 1
    assert after[: doc.closing_index] == before[: doc.closing_index]
    assert after[doc.closing_index] == f"status: {value}"
    assert after[doc.closing_index + 1 :] == before[doc.closing_index :]
    assert_line_endings(result, doc.nl)
    data, body = parsed(result)
    assert data == {**doc.meta, "status": value}
    assert body == doc.body and result.startswith(BOM) == doc.bom


@SETTINGS
@given(documents(status=True), NEW_STATUS, NEW_STATUS)
def test_set_field_twice_is_the_same_as_once(doc, first, second):
    assert set_field(set_field(doc.text, "status", first), "status", second) == set_field(
        doc.text, "status", second
    )


# -- append_to_list --------------------------------------------------------------------------------


def check_append(doc: Doc, text: str, result: str, item: dict, old_items: list):
    before, after = text.split(doc.nl), result.split(doc.nl)
    existed = "approvals" in doc.meta or old_items
    count = 1 if existed else 2
    assert len(after) == len(before) + count
    # after is longer (inserted lines): the first differing line, else the end of before
    pairs = zip(before, after, strict=False)
    at = next((i for i, (a, b) in enumerate(pairs) if a != b), len(before))
    assert after[:at] == before[:at] and after[at + count :] == before[at:], (
        "only inserted lines, nothing changed"
    )
    inserted = after[at : at + count]
    flow = (
        yaml.safe_load(inserted[-1].strip()[2:]) if inserted[-1].strip().startswith("- ") else None
    )
    assert flow == item, inserted
    if existed:
        indent = doc.approvals_indent if doc.approvals_indent is not None else "  "
        assert inserted[0].startswith(f"{indent}- "), (inserted, indent)
    else:
        assert inserted[0] == "approvals:" and inserted[1].startswith("  - ")
        assert at == doc.closing_index  # added just before the closing fence
    assert_line_endings(result, doc.nl)
    assert result.startswith(BOM) == doc.bom
    data, body = parsed(result)
    assert data["approvals"] == [*old_items, item]
    assert {k: v for k, v in data.items() if k != "approvals"} == {
        k: v for k, v in doc.meta.items() if k != "approvals"
    }
    assert body == doc.body


@SETTINGS
@given(documents(status=True, approvals=None), ITEMS)
def test_append_to_list_only_inserts_lines(doc, item):
    result = append_to_list(doc.text, "approvals", item)
    check_append(doc, doc.text, result, item, list(doc.meta.get("approvals", [])))


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(status=True, approvals=None), st.lists(ITEMS, min_size=2, max_size=3))
def test_appending_several_items_keeps_them_in_order(doc, items):
    original = doc
    text, old = doc.text, list(doc.meta.get("approvals", []))
    for item in items:
        result = append_to_list(text, "approvals", item)
        check_append(doc, text, result, item, old)
        text, old = result, [*old, item]
        doc = Doc(
            text,
            doc.nl,
            doc.bom,
            doc.body,
            {**doc.meta, "approvals": old},
            doc.closing_index,
            None,
            None,
            doc.approvals_indent,
        )
    assert parsed(text)[0]["approvals"] == [*original.meta.get("approvals", []), *items]
    added = len(items) + (0 if "approvals" in original.meta else 1)
    assert len(text.split(original.nl)) == len(original.text.split(original.nl)) + added
    remaining = iter(text.split(original.nl))
    assert all(line in remaining for line in original.text.split(original.nl)), (
        "every original line, in order"
    )


@SETTINGS
@given(documents(status=True, approvals=None), ITEMS, NEW_STATUS)
def test_approve_then_set_status_changes_only_what_it_should(doc, item, value):
    """What `smilepress approve` does: append an approval, then set the status."""
    result = set_field(append_to_list(doc.text, "approvals", item), "status", value)
    data, body = parsed(result)
    assert data["status"] == value and data["approvals"][-1] == item and body == doc.body
    prefix, style, suffix = doc.status_line
    assert prefix + quote(value, style) + suffix in result.split(doc.nl)
    kept = [line for line in doc.text.split(doc.nl) if not line.startswith("status:")]
    remaining = iter(result.split(doc.nl))
    assert all(line in remaining for line in kept), "every other original line, in order"


# -- fixed examples --------------------------------------------------------------------------------

ITEM = {
    "by": "wangliming",
    "role": "dentist",
    "at": "2026-11-28T10:00:00+08:00",
    "digest": "sha256:ab",
}
FLOW = "{by: wangliming, role: dentist, at: '2026-11-28T10:00:00+08:00', digest: 'sha256:ab'}"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("approvals: []\n", f"approvals:\n  - {FLOW}\n"),
        ("approvals:\n", f"approvals:\n  - {FLOW}\n"),
        ("approvals: ~\n", f"approvals:\n  - {FLOW}\n"),
        ("approvals: null\n", f"approvals:\n  - {FLOW}\n"),
        ("approvals:\n    - {by: x}\n", f"approvals:\n    - {{by: x}}\n    - {FLOW}\n"),
        ("approvals:\n- {by: x}\n", f"approvals:\n- {{by: x}}\n- {FLOW}\n"),
        (
            "approvals:\n    - by: x\n      role: y\n",
            f"approvals:\n    - by: x\n      role: y\n    - {FLOW}\n",
        ),
        (
            "approvals:\n    - {by: x}  # 注释\n    - {by: y}\n",
            f"approvals:\n    - {{by: x}}  # 注释\n    - {{by: y}}\n    - {FLOW}\n",
        ),
    ],
)
def test_append_to_list_shapes(before, after):
    text = f"---\ntitle: 甲\n{before}status: draft\n---\n正文\n"
    result = append_to_list(text, "approvals", ITEM)
    assert result == f"---\ntitle: 甲\n{after}status: draft\n---\n正文\n"
    assert parsed(result)[0]["approvals"][-1] == ITEM


def test_append_to_list_without_the_key_adds_it_before_the_closing_fence():
    text = "---\ntitle: 甲  # 注释\nstatus: draft\n---\n正文\n---\n"
    assert (
        append_to_list(text, "approvals", ITEM)
        == f"---\ntitle: 甲  # 注释\nstatus: draft\napprovals:\n  - {FLOW}\n---\n正文\n---\n"
    )


def test_append_to_list_keeps_four_space_indentation_in_crlf_with_bom():
    text = "\ufeff---\r\ntitle: 甲\r\napprovals:\r\n    - {by: x}\r\n---\r\n正文"
    result = append_to_list(text, "approvals", ITEM)
    assert (
        result
        == f"\ufeff---\r\ntitle: 甲\r\napprovals:\r\n    - {{by: x}}\r\n    - {FLOW}\r\n---\r\n正文"
    )


@pytest.mark.parametrize("value", ["[{by: x}]", "[x, y]", "{by: x}", "yes", "'text'"])
def test_append_to_a_flow_list_or_a_non_list_is_refused_with_a_hint(value):
    text = f"---\ntitle: 甲\napprovals: {value}\n---\n"
    with pytest.raises(SmilePressError) as caught:
        append_to_list(text, "approvals", ITEM, "content/x.md")
    (problem,) = caught.value.problems
    assert problem.path == "content/x.md" and problem.line == 3
    assert "approvals" in problem.message and "逐行" in problem.hint


@pytest.mark.parametrize(
    "text", ["no front matter\n", "---\ntitle: [坏\n---\n", "---\n- a\n---\n", "---\ntitle: 甲\n"]
)
def test_edits_of_a_broken_file_raise_smilepress_error(text):
    with pytest.raises(SmilePressError):
        append_to_list(text, "approvals", ITEM, "content/x.md")
    with pytest.raises(SmilePressError):
        set_field(text, "status", "review", "content/x.md")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("status: draft", "status: review"),
        ("status: 'draft'  # 注释", "status: 'review'  # 注释"),
        ('status: "draft"', 'status: "review"'),
        ("status:", "status: review"),
        ("status:   # 待定", "status: review   # 待定"),
        ("status: ~", "status: review"),
    ],
)
def test_set_field_shapes(line, expected):
    text = f"---\ntitle: 甲\n{line}\nauthor: x\n---\n正文\n"
    assert (
        set_field(text, "status", "review") == f"---\ntitle: 甲\n{expected}\nauthor: x\n---\n正文\n"
    )


def test_set_field_on_a_list_value_is_refused():
    with pytest.raises(SmilePressError) as caught:
        set_field("---\ntitle: 甲\nstatus: [draft]\n---\n", "status", "review", "content/x.md")
    assert caught.value.problems[0].line == 3


def test_set_field_quotes_a_value_that_needs_it_in_plain_style():
    result = set_field("---\nstatus: draft\n---\n", "status", "yes: no # x")
    assert parsed(result)[0]["status"] == "yes: no # x"


@pytest.mark.parametrize("style", ["|", ">-"])
def test_set_field_on_a_block_scalar_is_refused_with_a_hint(style):
    text = f"---\nstatus: {style}\n  draft\ntitle: x\n---\n正文\n"
    with pytest.raises(SmilePressError) as caught:
        set_field(text, "status", "review")
    assert caught.value.problems[0].line == 2 and "一行" in caught.value.problems[0].message


@pytest.mark.parametrize("value", ["", " []"])
def test_append_to_an_empty_list_keeps_the_comment_on_the_key_line(value):
    text = f"---\ntitle: 甲\napprovals:{value}  # 批准记录\n---\n"
    result = append_to_list(text, "approvals", {"by": "a"})
    assert result.split("\n")[2].startswith("approvals:") and "# 批准记录" in result.split("\n")[2]
