"""The publication predicate as a truth table (Hugo's TestShouldBuild is the model)."""

import datetime as dt

import pytest

from smilepress.workflow.gate import Facts, decide

TODAY = dt.date(2026, 11, 28)
D = dt.date.fromisoformat


def facts(**overrides) -> Facts:
    base = dict(
        status="published",
        publishable_states=frozenset({"approved", "published"}),
        audience="public",
        channels=("website",),
        publish_date=None,
        expiry_date=None,
        review_by=None,
    )
    return Facts(**{**base, **overrides})


# (facts, public, internal, a word the first reason must contain)
TABLE = [
    (facts(), True, True, None),
    (facts(status="approved"), True, True, None),
    (facts(status="draft"), False, False, "draft"),
    (facts(status="review"), False, False, "review"),
    (facts(status="archived"), False, False, "archived"),
    (facts(status="Published"), False, False, "Published"),
    (facts(status=""), False, False, "无"),
    (facts(missing_approvals=("口腔医师",)), False, False, "口腔医师"),
    (facts(errors=("文件有错误：x",)), False, False, "文件有错误"),
    (facts(publish_date=D("2026-11-28")), True, True, None),  # goes live on its day
    (facts(publish_date=D("2026-11-29")), False, False, "定时发布"),
    (facts(publish_date=D("2026-11-27")), True, True, None),
    (facts(expiry_date=D("2026-11-28")), True, True, None),  # still up on its last day
    (facts(expiry_date=D("2026-11-27")), False, False, "已过期"),
    (facts(review_by=D("2026-11-28")), True, True, None),
    (facts(review_by=D("2026-11-27")), False, False, "复审已逾期"),
    (facts(channels=("wechat",)), False, False, "发布渠道里没有网站"),
    (facts(channels=("wechat", "website")), True, True, None),
    (facts(audience="internal"), False, True, "内部页面"),
    (facts(audience="internal", status="draft"), False, False, "draft"),
]


@pytest.mark.parametrize(("f", "public", "internal", "word"), TABLE)
def test_truth_table(f, public, internal, word):
    pub, intern, prev = (decide(f, p, TODAY) for p in ("public", "internal", "preview"))
    assert pub.included is public and pub.public is public
    assert intern.included is internal
    assert prev.included is True
    if word:
        assert word in pub.reasons[0]
    else:
        assert pub.reasons == ()


def test_every_reason_is_reported_not_only_the_first():
    d = decide(
        facts(
            status="draft",
            missing_approvals=("部门经理",),
            approval_reasons=("王立明批准已失效",),
            expiry_date=D("2026-01-01"),
        ),
        "public",
        TODAY,
    )
    text = d.summary
    assert (
        "draft" in text and "部门经理" in text and "王立明批准已失效" in text and "已过期" in text
    )


@pytest.mark.parametrize(
    ("review_by", "warned"),
    [("2026-12-28", True), ("2026-12-29", False), ("2026-11-28", True), ("2026-11-27", False)],
)
def test_review_warning_starts_30_days_before(review_by, warned):
    d = decide(facts(review_by=D(review_by)), "public", TODAY)
    assert bool(d.warnings) is warned


def test_preview_leaves_out_only_files_that_cannot_be_rendered():
    assert decide(facts(status="draft"), "preview", TODAY).included
    assert not decide(
        facts(readable=False, errors=("文件不是 UTF-8 编码",)), "preview", TODAY
    ).included


def test_unknown_profile_is_a_programming_error():
    with pytest.raises(ValueError):
        decide(facts(), "staging", TODAY)
