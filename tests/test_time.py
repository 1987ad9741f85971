"""Time never fails a build (issue 12): content that expires or passes its review date drops out,
the publish goes on and says who must act; a dentist's re-review brings medical content back."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from smilepress.checks.detectors import id_check_digit
from smilepress.cli import main
from smilepress.project import Project
from smilepress.report.drops import report
from smilepress.workflow.front_matter_edit import append_to_list

A = "content/education/a.md"
PUBLISH = [sys.executable, str(REPO / "scripts" / "publish")]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def live(factory, capsys):
    """A 科普 article approved by a dentist and the manager, published, due for review on
    2026-12-10."""
    factory.article(
        "education/a.md",
        title="巴氏刷牙法",
        author="sunhao",
        body="刷毛与牙齿呈 45 度角。",
        extra="review_by: 2026-12-10\npublish_date: 2026-01-01\n",
    )
    factory.commit_all("写稿", "sunhao")
    for person, args in (
        ("sunhao", ["submit", A]),
        ("wangliming", ["approve", "--role", "dentist", A]),
        ("chensiyuan", ["approve", "--role", "manager", A]),
        ("chensiyuan", ["publish", A]),
    ):
        with factory.acting_as(person):
            assert run(capsys, "--as-of", "2026-12-01", *args)[0] == 0
    return factory


def entry(factory, as_of: str):
    project = Project(factory.root, as_of=dt.date.fromisoformat(as_of))
    return project, project.entry(project.load(factory.root / A))


def re_review(factory, capsys, person="wangliming", *extra, as_of="2026-12-11"):
    with factory.acting_as(person):
        return run(
            capsys, "--as-of", as_of, "approve", "--role", "dentist", "--re-review", *extra, A
        )


# -- the re-review -------------------------------------------------------------------------------


def test_re_review_brings_overdue_content_back_without_staling_other_approvals(live, capsys):
    project, before = entry(live, "2026-12-11")
    assert not before.decision("public", project.today).public
    assert "review-overdue" in before.decision("public", project.today).causes
    code, out, _ = re_review(live, capsys, "wangliming", "--next-review", "2027-12-10")
    assert code == 0 and "下次复审期限 2027-12-10" in out
    project, after = entry(live, "2026-12-11")
    assert after.decision("public", project.today).public
    assert all(v.counts for v in after.approvals.verdicts), [
        v.reason for v in after.approvals.verdicts
    ]
    assert after.facts.review_by == dt.date(2027, 12, 10)
    assert "status: published" in (live.root / A).read_text(encoding="utf-8")  # the status stays
    assert (
        live.git("log", "-1", "--format=%ae|%s") == "wangliming@example.com|re-review: 巴氏刷牙法\n"
    )
    project, later = entry(live, "2027-12-11")
    assert (
        "review-overdue" in later.decision("public", project.today).causes
    )  # and it falls due again


def test_show_and_log_understand_a_re_review(live, capsys):
    re_review(live, capsys, "liufang")
    code, out, _ = run(capsys, "--as-of", "2026-12-11", "show", A)
    assert code == 0 and "公开网站：收录" in out
    assert "刘芳（口腔医师）复审，下次复审期限 2027-12-11" in out
    assert (
        "复审期限：2027-12-11，由 刘芳 复审延至此日；最初批准的期限为 2026-12-10（文件中）" in out
    )
    code, out, _ = run(capsys, "--as-of", "2026-12-11", "show", "--format", "json", A)
    row = json.loads(out)
    assert row["review_by"] == "2027-12-11" and row["approvals"][-1]["review_by"] == "2027-12-11"
    code, out, _ = run(capsys, "log", A)
    assert "复审：刘芳（口腔医师），下次复审期限 2027-12-11  ✓ 刘芳 签名" in out


@pytest.mark.parametrize(
    ("who", "role", "extra", "word"),
    [
        ("chensiyuan", "manager", [], "请用 --role dentist"),  # only the dentist role re-reviews
        ("chensiyuan", "dentist", [], "没有“口腔医师”角色"),
        ("wangliming", "dentist", ["--next-review", "2026-12-11"], "应在今天"),
        ("wangliming", "dentist", ["--next-review", "2029-01-01"], "最晚为 2028-12-10"),
        ("wangliming", "dentist", ["--next-review", "明年"], "日期 '明年' 无效"),
    ],
)
def test_re_review_refusals_say_why_and_change_nothing(live, capsys, who, role, extra, word):
    before = (live.root / A).read_bytes()
    with live.acting_as(who):
        code, _, err = run(
            capsys, "--as-of", "2026-12-11", "approve", "--role", role, "--re-review", *extra, A
        )
    assert code == 1 and word in err
    assert (live.root / A).read_bytes() == before


def test_re_review_of_changed_or_unapproved_content_goes_through_review(live, capsys):
    live.replace(A, "45 度角", "45 度角，每天两次")
    live.commit_all("改了一句", "sunhao")
    code, _, err = re_review(live, capsys)
    assert code == 1 and "请作者重新送审" in err
    live.article("education/b.md", title="草稿", author="sunhao", extra="review_by: 2026-12-10\n")
    live.commit_all("草稿", "sunhao")
    with live.acting_as("wangliming"):
        code, _, err = run(
            capsys, "approve", "--role", "dentist", "--re-review", "content/education/b.md"
        )
    assert code == 1 and "只有已批准或已发布的文章可以复审" in err


def test_an_author_who_is_a_dentist_cannot_re_review_own_article(factory, capsys):
    factory.article(
        "education/a.md", title="自己写的", author="wangliming", extra="review_by: 2026-12-10\n"
    )
    factory.commit_all("写稿", "wangliming")
    code, _, err = re_review(factory, capsys)
    assert code == 1 and "不能复审自己的文章" in err


def test_a_writer_cannot_forge_a_re_review(live, capsys):
    """Attacks: a typed re-review line, a copied dentist line with a later date, an edited
    review_by."""
    text = (live.root / A).read_text(encoding="utf-8")
    digest = entry(live, "2026-12-11")[1].article.digest
    forged = append_to_list(
        text,
        "approvals",
        {
            "by": "wangliming",
            "role": "dentist",
            "at": "2026-12-11T09:00:00+08:00",
            "digest": digest,
            "review_by": "2028-12-01",
        },
        A,
    )
    (live.root / A).write_text(forged, encoding="utf-8")
    live.commit_all("补上复审", "sunhao")
    project, e = entry(live, "2026-12-11")
    assert not e.decision("public", project.today).public
    assert e.facts.review_by == dt.date(2026, 12, 10)
    assert [v.code for v in e.approvals.verdicts][-1] == "unproven"
    # a genuine re-review, then the writer moves its date: the moved line is unproven, the date
    # falls back
    live.git("checkout", "-q", "HEAD~1", "--", A)
    live.commit_all("撤回", "sunhao")
    code, _, err = re_review(live, capsys)
    assert code == 0, err
    live.replace(A, "review_by: '2027-12-11'", "review_by: '2028-12-10'")
    live.commit_all("延长", "sunhao")
    project, e = entry(live, "2027-12-20")
    assert e.facts.review_by == dt.date(2026, 12, 10)
    assert not e.decision("public", project.today).public
    # and the front matter's own review_by is approved text: moving it makes every approval stale
    live.git("checkout", "-q", "HEAD~1", "--", A)
    live.replace(A, "review_by: 2026-12-10", "review_by: 2029-12-10")
    live.commit_all("改复审日期", "sunhao")
    project, e = entry(live, "2026-12-11")
    assert {v.code for v in e.approvals.verdicts} == {"stale"}


# -- the drops report ------------------------------------------------------------------------------


def test_drops_report_says_what_dropped_why_and_who_must_act(live, capsys):
    project, _ = entry(live, "2026-11-20")
    soon = report(project)
    assert [n.path for n in soon.upcoming] == [A] and soon.upcoming[0].date == "2026-12-11"
    assert soon.upcoming[0].who == ("王立明（口腔医师）", "刘芳（口腔医师）")
    project, _ = entry(live, "2026-12-11")
    today = report(project)
    assert [n.path for n in today.dropped] == [A] and today.dropped[0].date == "2026-12-11"
    assert "--re-review content/education/a.md" in today.dropped[0].action
    code, out, _ = run(capsys, "--as-of", "2026-12-11", "drops", "--format", "json")
    assert code == 0 and json.loads(out)["dropped"][0]["path"] == A
    code, out, _ = run(capsys, "--as-of", "2026-12-11", "drops", "--format", "markdown")
    assert "| 巴氏刷牙法<br>`content/education/a.md` | 2026-12-11 |" in out
    code, out, _ = run(capsys, "--as-of", "2026-12-01", "drops")
    assert code == 0 and "0 篇标为已批准或已发布的文章不在网站上" in out


def test_an_author_is_not_asked_to_review_own_work(factory, capsys):
    factory.article(
        "education/a.md",
        title="医师写的",
        author="wangliming",
        status="published",
        extra="review_by: 2026-06-30\n",
    )
    factory.commit_all("写稿", "wangliming")
    project = Project(factory.root, as_of=dt.date(2026, 12, 1))
    (notice,) = report(project).dropped
    assert "王立明（作者）" in notice.who and "王立明（口腔医师）" not in notice.who
    assert "刘芳（口腔医师）" in notice.who


# -- the publish: two kinds of problem, two answers ------------------------------------------------


def test_publish_goes_on_when_one_article_drops_and_reports_it(live, tmp_path):
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    result = subprocess.run(
        [*PUBLISH, "--as-of", "2026-12-11"], cwd=live.root, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "已下线（2026-12-11） content/education/a.md《巴氏刷牙法》" in result.stdout
    assert "需要：王立明（口腔医师）、刘芳（口腔医师）" in result.stdout
    assert "| 巴氏刷牙法<br>`content/education/a.md` |" in summary.read_text(encoding="utf-8")
    assert not (live.root / "site/public/education/a").exists()
    drops_page = live.root / "site/internal/editorial/drops/index.html"
    assert "巴氏刷牙法" in drops_page.read_text(encoding="utf-8")
    assert not (live.root / "site/public/editorial").exists()


def test_strict_build_fails_when_no_approval_can_be_proven(live, capsys, caplog):
    """A shallow or history-less checkout would take every approved article down: that is
    integrity."""
    (live.root / ".git" / "shallow").write_text(live.git("rev-parse", "HEAD"), encoding="utf-8")
    assert main(["--as-of", "2026-12-01", "build", "--profile", "public", "--strict"]) == 1
    assert "无法证明任何批准" in caplog.text and "浅克隆" in caplog.text
    assert (
        main(["--as-of", "2026-12-01", "build", "--profile", "public"]) == 0
    )  # without --strict: a warning


# -- the sample, built in the future ---------------------------------------------------------------

HISTORY = (
    subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    == "false"
)
TODAY = dt.date(2026, 12, 3)
TIME_CAUSES = {"scheduled", "expired", "review-overdue"}


def _dates(path: Path) -> dict:
    """An article's dates read with plain PyYAML (not the model), a re-review's extending
    review_by."""
    import yaml

    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1]) or {}
    reviews = [meta.get("review_by")] + [
        a.get("review_by") for a in meta.get("approvals") or [] if "review_by" in a
    ]
    reviews = [dt.date.fromisoformat(str(d)) for d in reviews if d]
    return {
        "publish": meta.get("publish_date"),
        "expiry": meta.get("expiry_date"),
        "review": max(reviews) if reviews else None,
    }


@pytest.mark.skipif(not HISTORY, reason="needs the repository's full git history")
def test_the_sample_over_the_next_two_years():
    """Every scheduled article appears on its day and every expired or overdue one disappears, for
    every day on which something changes, up to two years ahead."""
    project = Project(REPO, as_of=TODAY)
    timeless = {
        e.article.path
        for e in project.entries
        if not e.decision("public", TODAY).causes - TIME_CAUSES and e.article.audience == "public"
    }
    dates = {e.article.path: _dates(REPO / e.article.path) for e in project.entries}
    edges = {TODAY + dt.timedelta(days=n) for n in range(0, 731, 61)}
    for d in dates.values():
        for day in (d["publish"], d["expiry"], d["review"]):
            if day:
                edges |= {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
    edges = sorted(day for day in edges if TODAY <= day <= TODAY + dt.timedelta(days=730))
    assert len(edges) > 20
    for day in edges:
        expected = {
            path
            for path in timeless
            if (not dates[path]["publish"] or dates[path]["publish"] <= day)
            and (not dates[path]["expiry"] or dates[path]["expiry"] >= day)
            and (not dates[path]["review"] or dates[path]["review"] >= day)
        }
        public = {e.article.path for e in project.entries if e.decision("public", day).included}
        assert public == expected, (day, public ^ expected)
    scheduled = [p for p in timeless if dates[p]["publish"] and dates[p]["publish"] > TODAY]
    assert scheduled, "the sample keeps a scheduled article"


@pytest.mark.skipif(not HISTORY, reason="needs the repository's full git history")
@pytest.mark.parametrize(
    "as_of",
    [
        "2026-12-11",
        "2027-02-01",
        "2028-12-03",
    ],
)
def test_the_sample_publishes_in_the_future(tmp_path, as_of):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    result = subprocess.run(
        [*PUBLISH[:1], str(clone / "scripts/publish"), "--as-of", as_of],
        cwd=clone,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"下线报告（截至 {as_of}）" in result.stdout
    assert (clone / "site/public/index.html").is_file()
    day = dt.date.fromisoformat(as_of)
    for path, first, last in (
        ("ads/2026-dongji-zhongzhiya-zhuanti", "2026-11-01", "2027-01-31"),  # expiry_date
        ("education/zhichi-baqu-qianhou", "2026-12-15", "2027-12-15"),
    ):  # scheduled, review_by
        live = dt.date.fromisoformat(first) <= day <= dt.date.fromisoformat(last)
        assert (clone / f"site/public/{path}/index.html").is_file() == live, path


@pytest.mark.parametrize("profile", ["public", "internal"])
def test_mkdocs_own_strict_mode_never_fails_on_time(tmp_path, profile):
    """MkDocs' --strict fails on any warning: only integrity problems are logged as warnings."""
    env = {**os.environ, "SMILEPRESS_PROFILE": profile, "SMILEPRESS_AS_OF": "2028-06-01"}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "mkdocs"),
            "build",
            "--strict",
            "-d",
            str(tmp_path / "s"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "已下线" in result.stderr and "WARNING" not in result.stderr


def test_an_id_number_is_judged_as_of_the_as_of_day(factory, capsys):
    """One clock: a holder born after --as-of (but before the real today) has no ID number yet on
    that day, whatever the findings cache holds from a check as of another day."""
    born = dt.date.today() - dt.timedelta(days=10)
    first17 = f"110105{born:%Y%m%d}001"
    factory.article(
        "faq/id.md", title="证件", type="faq", body=f"证件号 {first17}{id_check_digit(first17)}。"
    )

    def id_findings(*as_of: str) -> int:
        _, out, _ = run(capsys, *as_of, "check", "--format", "json")
        return sum(1 for f in json.loads(out) if f["category"] == "pii-id-card")

    day_before = (born - dt.timedelta(days=1)).isoformat()
    assert id_findings("--as-of", day_before) == 0
    assert id_findings("--as-of", born.isoformat()) == 1
    assert id_findings() == 1  # the real today
    assert id_findings("--as-of", day_before) == 0  # the cached findings are not reused
