"""The editorial pages ask the gate: the board, the calendar, the queues and the staff start page
say what the publication gate decided, never their own idea of "done"; every row links to its
article when the staff site has it and says why it is not public; `smilepress board` and the board
page agree; staff read Chinese state and role names, never ids."""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re

import pytest
import yaml

from smilepress import staging
from smilepress.cli import main
from smilepress.pages import editorial, start
from smilepress.project import Project
from smilepress.report import board

TODAY = dt.date(2026, 12, 1)
LATER = dt.date(2028, 6, 1)  # past every review date set in December 2026
LIVE = "content/education/live.md"
OLD = "content/faq/old.md"
REVIEW = "content/education/review.md"
DRAFT = "content/faq/draft.md"
AWAY = "content/faq/away.md"  # approved, kept off the website by its channels


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def act(capsys, person: str, factory, *argv) -> None:
    with factory.acting_as(person):
        assert run(capsys, "--as-of", TODAY.isoformat(), *argv)[0] == 0


@pytest.fixture
def desk(factory, capsys):
    """A live 科普 article, an archived 问答, one in review, a planned draft, an approved 问答 that
    is not for the website; all with a publish date."""
    factory.article(
        "education/live.md",
        title="巴氏刷牙法",
        author="sunhao",
        body="刷毛与牙齿呈 45 度角。",
        extra="publish_date: 2026-11-02\nreview_by: 2027-06-01\n",
    )
    factory.article(
        "faq/old.md",
        title="洗牙疼吗？",
        type="faq",
        author="wujia",
        body="大多数人只有轻微不适。",
        extra="publish_date: 2026-10-01\n",
    )
    factory.article(
        "education/review.md",
        title="牙线怎么用",
        author="lixiaoyu",
        body="每天用一次牙线。",
        extra="publish_date: 2026-12-20\n",
    )
    factory.article(
        "faq/draft.md",
        title="孩子几岁看牙？",
        type="faq",
        author="wujia",
        body="长出第一颗牙后。",
        extra="publish_date: 2027-01-10\n",
    )
    factory.article(
        "faq/away.md",
        title="种植牙能用多久？",
        type="faq",
        author="wujia",
        body="护理得好可以用很多年。",
        extra="publish_date: 2026-11-20\nchannels: [wechat]\n",
    )
    factory.commit_all("写稿", "lixiaoyu")
    act(capsys, "sunhao", factory, "submit", LIVE)
    act(capsys, "wangliming", factory, "approve", "--role", "dentist", LIVE)
    act(capsys, "chensiyuan", factory, "approve", "--role", "manager", LIVE)
    act(capsys, "chensiyuan", factory, "publish", LIVE)
    for path in (OLD, AWAY):
        act(capsys, "wujia", factory, "submit", path)
        act(capsys, "wangliming", factory, "approve", "--role", "dentist", path)
    act(capsys, "chensiyuan", factory, "publish", OLD)
    act(capsys, "chensiyuan", factory, "archive", OLD)
    factory.replace(OLD, "轻微不适", "轻微的不适")  # its approval is stale now: still nobody waits
    factory.commit_all("改措辞", "wujia")
    act(capsys, "lixiaoyu", factory, "submit", REVIEW)
    return factory


def project_at(factory, day: dt.date = TODAY) -> Project:
    return Project(factory.root, as_of=day)


def on_site(project: Project, profile: str = "internal") -> set[str]:
    return {e.article.src_uri for e, d in project.decisions(profile) if d.included}


def by_path(project: Project) -> dict[str, board.Item]:
    return {i.path: i for i in board.items(project)}


def calendar_stages(page: str) -> dict[str, str]:
    """Title -> the state the calendar gives it (its publish-date lines)."""
    out = {}
    for line in page.split("## 医学内容复审期限")[0].splitlines():
        m = re.match(r"- \d{4}-\d\d-\d\d \*\*(.+?)\*\*：\[?([^\]（]+)", line)
        if m:
            out[m.group(2)] = m.group(1)
    return out


# -- the calendar --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [TODAY, LATER])
def test_the_calendar_states_are_the_gates(desk, day):
    project = project_at(desk, day)
    p = project.policies
    page = editorial.pages(project, on_site(project))[editorial.CALENDAR]
    shown = calendar_stages(page)
    for entry in project.entries:
        decision = entry.decision("public", project.today)
        assert shown[entry.article.display_title] == board.stage(
            p, entry.article.status, decision
        ), entry.article.path


def test_live_archived_overdue_and_planned_articles_are_named_for_what_they_are(desk):
    shown = calendar_stages(editorial.pages(project_at(desk))[editorial.CALENDAR])
    assert shown == {
        "巴氏刷牙法": "已发布",
        "洗牙疼吗？": "已归档",
        "牙线怎么用": "待审",
        "孩子几岁看牙？": "计划",
        "种植牙能用多久？": "不上网站",
    }
    later = project_at(desk, LATER)
    shown = calendar_stages(editorial.pages(later)[editorial.CALENDAR])
    assert shown["巴氏刷牙法"] == "逾期复审"  # its review date passed: off the site, not "已发布"
    assert shown["洗牙疼吗？"] == "已归档"  # archived stays archived, whatever its dates
    live = by_path(later)[LIVE]
    assert live.waiting_for == ("口腔医师",) and not live.public  # the re-review waits


def test_the_list_command_queues_what_the_board_queues(desk, capsys):
    """`smilepress list --reviewer` asks the board whose queue an article is in: a live article
    past its review date waits for the dentists, an archived one for nobody."""
    code, out, _ = run(
        capsys, "--as-of", LATER.isoformat(), "list", "--reviewer", "wangliming", "--format", "json"
    )
    assert code == 0
    paths = {row["path"] for row in json.loads(out)}
    assert LIVE in paths and OLD not in paths
    later = by_path(project_at(desk, LATER))
    assert {p for p, i in later.items() if "口腔医师" in i.waiting_for} <= paths | {
        p for p, i in later.items() if "wangliming" in i.authors
    }


# -- the board: one function for the page and the command -----------------------------------------


def _board_rows(page: str) -> dict[str, list[str]]:
    """Title -> the cells of its row on the board page."""
    rows = {}
    for line in page.splitlines():
        if line.startswith("| ") and not line.startswith(("| 文章", "|---")):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            title = re.sub(r"^\[(.*)\]\(.*\)$", r"\1", cells[0])
            rows[html.unescape(title)] = cells
    return rows


def test_the_board_page_and_the_command_agree(desk, capsys):
    project = project_at(desk)
    found = board.items(project)
    rows = _board_rows(editorial.pages(project, on_site(project))[editorial.BOARD])
    code, out, _ = run(capsys, "--as-of", TODAY.isoformat(), "board", "--format", "json")
    assert code == 0
    listed = {i["path"]: i for i in json.loads(out)}
    assert set(listed) == {i.path for i in found}
    code, text, _ = run(capsys, "--as-of", TODAY.isoformat(), "board")
    for item in found:
        assert listed[item.path]["stage"] == item.stage
        assert listed[item.path]["waiting_for"] == list(item.waiting_for)
        cells = rows[item.title]
        assert cells[3] == item.stage and cells[5] == ("、".join(item.waiting_for) or "—")
        (line,) = [x for x in text.splitlines() if f" — {item.path}" in x]
        assert f"［{item.stage}］" in line
        assert ("等待：" in line) == bool(item.waiting_for)
        if item.waiting_for:
            assert f"等待：{'、'.join(item.waiting_for)}（" in line
    # the columns are the workflow's states, in its order, with the same counts
    for name, column in board.columns(project, found):
        assert f"{name}（{len(column)}）" in text
        assert f"## {name}（{len(column)}）" in editorial.pages(project)[editorial.BOARD]


def test_an_archived_article_waits_for_nobody(desk, capsys):
    project = project_at(desk)
    old = by_path(project)[OLD]
    assert old.stage == "已归档" and old.waiting_for == () and old.waiting_roles == ()
    entry = next(e for e in project.entries if e.article.path == OLD)
    assert entry.approvals.missing == ("dentist",)  # what the board once showed it waiting for
    pages = editorial.pages(project, on_site(project))
    cells = _board_rows(pages[editorial.BOARD])["洗牙疼吗？"]
    assert cells[5] == "—" and cells[-1] == "状态为“已归档”，只有“已批准”、“已发布”的文章可以发布"
    assert all("洗牙疼吗" not in pages[editorial.person_page(pid)] for pid in ("wangliming",))
    assert "洗牙疼吗" not in pages[editorial.QUEUE]
    _, text, _ = run(capsys, "--as-of", TODAY.isoformat(), "board")
    (line,) = [x for x in text.splitlines() if OLD in x]
    assert "等待" not in line


def test_every_row_links_to_its_page_on_the_staff_site_and_says_why_it_is_not_public(desk):
    project = project_at(desk)
    site = on_site(project)
    pages = editorial.pages(project, site)
    gate = {e.article.path: e.decision("public", project.today) for e in project.entries}
    for uri in (editorial.BOARD, editorial.QUEUE, editorial.person_page("chensiyuan")):
        for line in pages[uri].splitlines():
            if not line.startswith("| ") or line.startswith(("| 文章", "|---", "| 以何角色")):
                continue
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            title_cell = cells[0] if uri != editorial.person_page("chensiyuan") else cells[1]
            item = next(i for i in board.items(project) if i.title in html.unescape(title_cell))
            m = re.fullmatch(r"\[(.+)\]\((.+)\)", title_cell)
            assert bool(m) == (item.uri in site), (uri, title_cell)
            if m:  # a relative link that works from the page's own folder
                target = posixpath.normpath(posixpath.join(posixpath.dirname(uri), m.group(2)))
                assert target == item.uri
            decision = gate[item.path]  # every table: the gate's reasons, in its order
            shown = decision.reasons[:1] if item.stage == "已归档" else decision.reasons
            expected = "已公开" if decision.public else "；".join(shown)
            assert html.unescape(cells[-1]) == expected, (uri, item.path)
    rows = _board_rows(pages[editorial.BOARD])
    assert rows["巴氏刷牙法"][-1] == "已公开" and rows["巴氏刷牙法"][0].startswith("[巴氏刷牙法](")
    # approved, kept off the website: the reason, not a dash
    assert rows["种植牙能用多久？"][-1].startswith("发布渠道里没有网站")
    assert rows["牙线怎么用"][-1].startswith("状态为“审核中”")


def test_each_person_page_lists_exactly_that_persons_queue(desk):
    project = project_at(desk)
    p = project.policies
    found = board.items(project)
    pages = editorial.pages(project, on_site(project), found)
    for person in p.people.values():
        page = pages[editorial.person_page(person.id)]
        queue = page.split("## 等你审核")[1].split("\n## ")[0]
        listed = {
            html.unescape(t)
            for t in re.findall(r"^\| [^|]+ \| \[?([^\]|]+?)\]?(?:\([^)]*\))? \|", queue, re.M)
        }
        listed.discard("文章")
        expected = {
            i.title
            for i in found
            if i.stage in ("待审", "逾期复审")
            and set(i.waiting_roles) & set(person.roles)
            and person.id not in i.authors
        }
        assert listed == expected, person.id
    # the review: the dentist and the manager; its author (李晓雨) does not review it
    assert "牙线怎么用" in pages[editorial.person_page("wangliming")].split("## 你的文章")[0]
    assert "牙线怎么用" in pages[editorial.person_page("chensiyuan")].split("## 你的文章")[0]
    assert "牙线怎么用" in pages[editorial.person_page("lixiaoyu")].split("## 你的文章")[1]
    assert "牙线怎么用" not in pages[editorial.person_page("lixiaoyu")].split("## 你的文章")[0]


# -- the compliance summary ------------------------------------------------------------------------


def test_the_compliance_summary_is_by_level_in_the_rules_words(factory):
    factory.article("education/a.md", title="矫正方式怎么选", body="隐形矫正是目前最好的矫正方式。")
    factory.commit_all("写稿", "lixiaoyu")
    project = Project(factory.root)
    page = editorial.pages(project, on_site(project, "preview"))[editorial.COMPLIANCE]
    levels = re.findall(r"^## (\S+?)（", page, re.M)
    assert levels[:2] == ["错误", "需审核"] and "警告" in levels
    review = page.split("## 需审核")[1].split("\n## ")[0]
    assert "绝对化用语" in review and "《广告法》" in review  # what the rule says, and its basis
    assert "[矫正方式怎么选](../education/a.md)" in review  # the article, linked
    assert not re.search(r"ad-law/|absolute-claim", page)  # no rule ids


# -- the start page --------------------------------------------------------------------------------


def test_the_internal_home_is_the_staff_start_page(desk):
    project = project_at(desk)
    options = _options()
    internal = staging.stage(project, "internal", options)
    home = internal.pages["index.md"]
    assert home.source is None and home.body.startswith("# 员工工作台")
    body = home.body
    assert body.index("## 员工手册") < body.index("## 等待处理") < body.index("## 指标与报告")
    assert "[员工手册](handbook/index.md)" in body
    assert "[王立明](editorial/people/wangliming.md)" in body
    assert "指标看板" in body and "## 编辑工作" in body
    # nav: the start page, the handbook, what waits, the figures, then the articles
    sections = [next(iter(x)) if isinstance(x, dict) else x for x in internal.nav]
    assert sections[0] == "index.md" and sections[1:3] == ["员工手册", "待办与编辑"]
    assert sections.index("待办与编辑") < sections.index("科普文章")
    # the patients' welcome page stays the public site's home
    factory_home = "content/index.md"
    desk.page("index.md", "欢迎", "欢迎来到微笑口腔。")
    project = project_at(desk)
    public = staging.stage(project, "public", options)
    assert public.pages["index.md"].source == factory_home
    assert staging.stage(project, "internal", options).pages["index.md"].source is None
    nav = [next(iter(x)) if isinstance(x, dict) else x for x in public.nav]
    assert nav[0] == "index.md" and "员工手册" not in nav and "待办与编辑" not in nav


def test_the_start_page_links_this_months_report_or_the_latest():
    class P:
        today = dt.date(2026, 12, 4)

    pages = {"reports/2026-10.md", "reports/2026-11.md", "reports/2027-01.md"}
    assert start.this_months_report(P, pages) == "reports/2026-11.md"
    assert start.this_months_report(P, pages | {"reports/2026-12.md"}) == "reports/2026-12.md"
    assert start.this_months_report(P, set()) is None


def _options() -> staging.SiteOptions:
    from smilepress.zensical_engine import plugin_options

    data = yaml.safe_load(
        (staging.Path(__file__).parents[1] / "mkdocs.yml").read_text(encoding="utf-8")
    )
    return plugin_options(data)


# -- banners: Chinese names, never ids -------------------------------------------------------------


def test_banners_name_states_and_roles_in_chinese(desk):
    from smilepress.mkdocs_plugin.plugin import _banner

    desk.replace(LIVE, "45 度角", "45 度角，轻轻刷")  # the approvals go stale
    desk.commit_all("edit the text", "sunhao")  # an English commit message: not for the banner
    project = project_at(desk)
    p = project.policies
    ids = set(p.states) | set(p.roles) | set(p.publishable_states)
    for entry in project.entries:
        decision = entry.decision("public", project.today)
        text = re.sub(r"<[^>]+>", "", _banner(entry, decision, project))
        words = set(re.findall(r"[A-Za-z][A-Za-z_-]*", text))
        assert not words & ids, (entry.article.path, text)
        assert "edit the text" not in text
    live = next(e for e in project.entries if e.article.path == LIVE)
    text = _banner(live, live.decision("public", project.today), project)
    assert "批准后内容又有改动" in text and "起内容已改变" in text
    review = next(e for e in project.entries if e.article.path == REVIEW)
    text = _banner(review, review.decision("public", project.today), project)
    assert "状态为“审核中”，只有“已批准”、“已发布”的文章可以发布" in text
