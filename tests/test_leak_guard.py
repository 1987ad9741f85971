"""The leak guard, from the attacker's side: every way of getting a text that must not be public
into a built site is caught, and a clean site (shared boilerplate included) is not.

One department (a module fixture) holds a draft with three paragraphs, a draft ad that shares the
licensed facts with a public page, an internal handbook page, a monthly report and a budget; the
guard's watch for its public site is made once, and each attack writes a small site of its own.
Full builds at the end check the plugin's side: a leak fails the build and keeps no site where a
deploy would take it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import opencc
import pytest

from conftest import REPO
from helpers import ProjectFactory, publish_what_the_gate_kept_out
from smilepress.cli import main
from smilepress.project import Project
from smilepress.report import leak_guard
from smilepress.report.leak_guard import Watch, Watched

AS_OF = "2026-11-28"
P1 = (
    "种植牙手术后的头两天，面部可能会有轻微肿胀，这是正常的组织反应，可以用冰袋间断冷敷来缓解不适。"
)
P2 = (
    "我们诊所计划在明年春季推出夜间急诊通道，由两位主"
    "治医师轮值，具体的收费标准和预约电话暂不对外公布。"
)
P3 = (
    "术后一周内避免用手术一侧咀嚼坚硬的食物，饭后可以用温盐水轻轻漱口，保持伤口清洁，按时复诊拆线。"
)
LICENSED = (
    "- 医疗机构名称：微笑口腔\n- 地址：广州市天河区（详细地址以门诊公示信息为准）\n"
    "- 诊疗科目：口腔科：儿童口腔专业、预防口腔专业、口腔种植专业\n"
    "- 诊疗时间：周一至周五 9:00—18:00，周六、周日 9:00—17:00\n"
)
AD_OWN = (
    "暑期儿童口腔检查月活动方案：八月每个周末加开儿童"
    "专场，由预防口腔专业的医生为孩子做窝沟封闭评估。"
)
ABOUT = (
    "微笑口腔是一家位于广州的口腔医疗机构，为社区居民提"
    "供日常口腔检查、预防保健和常见口腔疾病的诊疗服务。"
)
HANDBOOK = (
    "新员工入职第一周先读完写作规范和合规规则包的说明，再"
    "由部门经理安排一位老同事带着完成第一篇稿件的全流程。"
)
REPORT = (
    "十一月咨询量环比上升，主要来自百度搜索推广与美团点评；抖音点"
    "击率偏低，建议下月调整素材并把预算向咨询成本更低的渠道倾斜。"
)
BUDGET = (
    "# 2027 年度预算（草案，未经部门经理批准，只供内部讨论）：按类别和月份，单位元。\n"
    "year: 2027\ncategories:\n  推广费用: {2027-01: 120000, 2027-02: 120000}\n"
    "  内容制作费用: {2027-01: 25000, 2027-02: 25000}\n"
)
# Monthly figures: what a page shows of them is numbers under other labels (no key, no string).
METRICS = """month: 2027-01
channels:
  百度搜索推广: {impressions: 178532, clicks: 5137, consultations: 510, spend: 39922}
  官网SEO: {impressions: 62556, clicks: 2351, consultations: 142, spend: 1249, revenue: 55134}
"""
PLAN = """# 2027 年第一季度推广计划（草案）
period: 2027-Q1
themes: [冬季种植牙科普, 儿童涂氟与窝沟封闭, 洗牙常见误区]
schedule:
  - {date: 2027-01-08, item: 季度内容选题会}
  - {date: 2027-02-01, item: 冬季种植牙专题上线}
  - {date: 2027-03-20, item: 季度复盘与下季度计划}
"""


@pytest.fixture(scope="module")
def dept(tmp_path_factory):
    """The department: public pages, a draft, a draft ad, an internal page and data."""
    old_cwd, old_env = Path.cwd(), dict(os.environ)
    f = ProjectFactory(tmp_path_factory.mktemp("leak") / "proj", REPO)
    os.environ["SMILEPRESS_TRUST_ROOT"] = f.trust_root
    os.chdir(f.root)
    try:
        f.page("index.md", "首页", "欢迎来到微笑口腔科普网站。")
        f.page("about.md", "关于我们", f"{ABOUT}\n\n## 机构信息\n\n{LICENSED}")
        f.article(
            "education/draft.md", title="种植牙术后护理（草稿）", body=f"{P1}\n\n{P2}\n\n{P3}"
        )
        f.article(
            "ads/summer.md",
            title="暑期儿童口腔检查月",
            type="ad",
            body=f"> 广告\n\n{AD_OWN}\n\n## 机构信息\n\n{LICENSED}",
        )
        f.article(
            "handbook/guide.md",
            title="新员工入职指南",
            type="page",
            status="review",
            body=HANDBOOK,
            extra="audience: internal\n",
        )
        f.commit_all("稿件", "lixiaoyu")  # the writer's text: the manager may approve it
        f.write("data/reports/2026-11.md", REPORT + "\n")
        f.write("data/budget/2027.yml", BUDGET)
        f.write("data/plans/2027-Q1.yml", PLAN)
        f.write("data/metrics/2027-01.yml", METRICS)
        f.commit_all("数据", "chensiyuan")
        f.approve("handbook/guide.md", "chensiyuan", "manager")
        yield f
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


@pytest.fixture(scope="module")
def public(dept) -> Watch:
    project = Project(dept.root, as_of=dt.date.fromisoformat(AS_OF), trust_root=dept.trust_root)
    return leak_guard.watch(project, "public", ["微笑口腔 · 口腔健康科普"])


def scan_files(tmp_path: Path, watch: Watch, files: dict[str, bytes | str]) -> list:
    site = tmp_path / "site"
    for name, data in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data.encode() if isinstance(data, str) else data)
    return leak_guard.scan(site, watch)


def sources(leaks) -> set[str]:
    return {leak.source for leak in leaks}


def page(text: str) -> str:
    return f"<!doctype html><html><body><article><p>{text}</p></article></body></html>"


def test_the_watch_holds_what_must_not_be_public(public):
    forbidden = {w.source for w in public.forbidden}
    allowed = {w.source for w in public.allowed}
    assert {"content/education/draft.md", "content/ads/summer.md"} <= forbidden
    assert "content/handbook/guide.md" in forbidden  # internal: approved, but not for the website
    assert {"policies/people.yml", "data/reports/2026-11.md", "data/budget/2027.yml"} <= forbidden
    assert any(s.startswith("员工手册页面 handbook/") for s in forbidden)
    assert {"content/index.md", "content/about.md"} <= allowed
    assert not any(s.startswith("data/reference") for s in forbidden)  # outside texts
    assert "zhaomin" in {person.id for person in public.staff}


# -- the attacks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["draft.htm", "notes.txt", "feed.xml", "x.svg", "page.shtml", "README", ".hidden"]
)
def test_a_draft_in_a_static_file_of_any_name_is_caught(tmp_path, public, name):
    leaks = scan_files(tmp_path, public, {name: page(P2)})
    assert [(leak.site_file, leak.source) for leak in leaks] == [
        (name, "content/education/draft.md")
    ]


def test_people_yml_copied_into_the_static_folder_is_caught(tmp_path, dept, public):
    people = (dept.root / "policies/people.yml").read_bytes()
    assert "policies/people.yml" in sources(scan_files(tmp_path, public, {"people.txt": people}))


def test_a_draft_with_a_zero_width_joiner_between_every_character_is_caught(tmp_path, public):
    disguised = "\u200d".join(P2)
    assert "content/education/draft.md" in sources(
        scan_files(tmp_path, public, {"a.html": page(disguised)})
    )


def test_a_draft_in_traditional_characters_is_caught(tmp_path, public):
    traditional = opencc.OpenCC("s2t").convert(P2)
    assert traditional != P2
    assert "content/education/draft.md" in sources(
        scan_files(tmp_path, public, {"a.html": page(traditional)})
    )


def test_a_drafts_middle_paragraph_inside_an_allowed_page_is_caught(tmp_path, public):
    about = page(f"{ABOUT}</p><p>{P2}</p><ul><li>{LICENSED}</li></ul>")
    (leak,) = scan_files(tmp_path, public, {"about/index.html": about})
    assert leak.source == "content/education/draft.md"
    assert leak.marker.startswith("我们诊所计划")  # the middle paragraph, not the first


def test_entity_encoded_draft_text_is_caught(tmp_path, public):
    named = {"，": "&#xff0c;", "。": "&#12290;"}
    encoded = "".join(named.get(ch) or f"&#x{ord(ch):x};" for ch in P3)
    assert "content/education/draft.md" in sources(
        scan_files(tmp_path, public, {"a.html": page(encoded)})
    )


@pytest.mark.parametrize(
    ("form", "encode"),
    [
        ("script", lambda t: 'var t = "' + "".join(f"\\u{ord(c):04x}" for c in t) + '";'),
        ("style", lambda t: 'p::after { content: "' + "".join(f"\\{ord(c):x} " for c in t) + '"}'),
        ("json", lambda t: json.dumps({"docs": [{"text": t}]})),
        ("address", lambda t: f"<loc>https://example.com/{quote(t)}/</loc>"),
    ],
)
def test_escaped_draft_text_is_caught(tmp_path, public, form, encode):
    assert "content/education/draft.md" in sources(
        scan_files(tmp_path, public, {f"x.{form}": encode(P1)})
    )


def test_packed_and_encoded_files_are_read(tmp_path, public):
    files = {
        "sitemap.dat": gzip.compress(page(P1).encode()),
        "utf16.txt": P1.encode("utf-16"),
        "gbk.html": f'<meta charset="gbk"><p>{P1}</p>'.encode("gbk"),
        "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0ciTXt" + P1.encode() + b"\x00\xff",
        "font.woff": b"wOFF\x00\x01\x00\x00" + P1.encode("utf-16-be") + b"\x00\x00\xff",
    }
    for name, data in files.items():
        (alone := tmp_path / name.replace(".", "-")).mkdir()
        (alone / name).write_bytes(data)
        assert sources(leak_guard.scan(alone, public)) == {"content/education/draft.md"}, name


def test_a_monthly_report_and_a_budget_are_caught(tmp_path, public):
    found = sources(
        scan_files(
            tmp_path,
            public,
            {"report.html": page(REPORT), "budget.txt": BUDGET, "budget.json": json.dumps(BUDGET)},
        )
    )
    assert {"data/reports/2026-11.md", "data/budget/2027.yml"} <= found


def test_data_shown_another_way_is_caught_by_its_strings(tmp_path, public):
    """The plan's themes and schedule as a page would list them: no keys, no dates."""
    items = ["冬季种植牙科普", "儿童涂氟与窝沟封闭", "洗牙常见误区", "季度内容选题会"]
    items += ["冬季种植牙专题上线", "季度复盘与下季度计划"]
    listed = "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    assert "data/plans/2027-Q1.yml" in sources(scan_files(tmp_path, public, {"p.html": listed}))


def test_monthly_figures_under_other_labels_are_caught(tmp_path, public):
    """A table of a month's figures, formatted as a page would (thousands separators, units)."""
    rows = [("百度", "178,532", "5,137", "39922 元"), ("官网", "62,556", "2,351", "1,249 元")]
    cells = ["".join(f"<td>{v}</td>" for v in row) for row in rows]
    table = "<table><tr><th>渠道</th><th>展现</th><th>点击</th><th>花费</th></tr>"
    table += "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"
    (leak,) = [x for x in scan_files(tmp_path, public, {"m.html": table}) if "metrics" in x.source]
    assert leak.source == "data/metrics/2027-01.yml"
    assert "178532" in str(leak) and "m.html" in str(leak)


@pytest.mark.parametrize(
    "spell",
    [
        lambda n: f"{n:,}".replace(",", " "),  # 178 532
        lambda n: f"{n:,}".replace(",", "\u2009"),  # a thin space
        lambda n: f"{n:,}".replace(",", "\u00a0"),  # a no-break space
        lambda n: f"{n:,}".replace(",", "'"),  # 178'532
        lambda n: f"{n:,}".replace(",", "’"),
        lambda n: f"{n:,}".replace(",", "_"),
        lambda n: f"{n:,}".replace(",", "，"),  # a full-width comma
        lambda n: str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
        lambda n: "".join(f"&#{ord(d)};" for d in str(n)),
        lambda n: f"<span>{str(n)[:3]}</span>{str(n)[3:]}",
    ],
    ids=[
        "space",
        "thin",
        "nbsp",
        "apostrophe",
        "right-quote",
        "underscore",
        "fw-comma",
        "fw-digits",
        "entities",
        "span",
    ],
)
def test_monthly_figures_however_grouped_are_caught(tmp_path, public, spell):
    """The same figures written another way: the guard compares their digits."""
    shown = "，".join(
        f"{label} {spell(n)}"
        for label, n in [("展现", 178532), ("花费", 39922), ("收入", 55134), ("展现", 62556)]
    )
    leaks = scan_files(tmp_path, public, {"m.html": page(shown)})
    assert "data/metrics/2027-01.yml" in sources(leaks)


def test_telephone_numbers_of_a_data_file_however_grouped_are_caught(tmp_path, public):
    """Leads with their telephone numbers in data/ (a CSV); a page listing them grouped."""
    leads = leak_guard.Watched(
        "data/leads/2027-01.csv",
        "姓名,电话\n张,13800138000\n李,13912345678\n王,02087654321\n",
        "structured",
        why="部门数据",
    )
    figures = leak_guard.watchlist.data_figures(leads)
    assert figures is not None and "13800138000" in figures.numbers
    watch = Watch("public", (), (), figures=(figures,))
    shown = page("预约电话：138-0013-8000、139 1234 5678、020-87654321")
    assert sources(scan_files(tmp_path, watch, {"a.html": shown})) == {"data/leads/2027-01.csv"}


def test_a_figure_or_two_and_common_numbers_are_no_leak(tmp_path, public):
    """Two of a month's figures, years, small counts, a telephone number; three figures far
    apart in a script's table of numbers: no evidence."""
    text = "2027 年 1 月共 5137 次点击，花费 39922 元，咨询 510 次，142 人到院。电话 020-12345678。"
    other = [str(10007 + 7919 * i) for i in range(30)]
    table = ",".join(other[:10] + ["178532"] + other[10:20] + ["39922"] + other[20:] + ["62556"])
    files = {"a.html": page(text), "tables.js": f"var t=[{table}];"}
    assert scan_files(tmp_path, public, files) == []


def test_an_internal_handbook_page_is_caught(tmp_path, public):
    assert sources(scan_files(tmp_path, public, {"guide.html": page(HANDBOOK)})) == {
        "content/handbook/guide.md"
    }


def test_the_generated_handbook_is_caught(tmp_path, public):
    clause = (
        "为规范口腔网络运营部的工作流程，提高工作效率，确保部门各项工作有序开展，"
        "提升公司在口腔领域的网络影响力和业务量，特制定本管理制度。"
    )
    found = sources(scan_files(tmp_path, public, {"rules.html": page(clause)}))
    assert "policies/general.yml" in found
    assert any(s.startswith("员工手册页面 handbook/") for s in found)


def test_the_editorial_pages_are_caught_by_what_they_list(tmp_path, dept, public):
    """Not fingerprinted themselves (making them costs a git call an article): they list titles,
    people and findings, whose sources are watched."""
    from smilepress.pages import editorial
    from smilepress.view.render import renderer

    project = Project(dept.root, as_of=dt.date.fromisoformat(AS_OF), trust_root=dept.trust_root)
    files = {
        uri.replace(".md", ".html"): renderer(project.markdown_config).body_html(markdown)
        for uri, markdown in editorial.pages(project).items()
    }
    leaks = scan_files(tmp_path, public, files)
    assert {leak.marker for leak in leaks} >= {"李晓雨"}  # the writer: not public
    assert all(leak.site_file.startswith("editorial/") for leak in leaks)


def test_a_draft_ads_own_text_is_caught_its_licensed_facts_are_not(tmp_path, public):
    assert sources(scan_files(tmp_path, public, {"ad.html": page(AD_OWN)})) == {
        "content/ads/summer.md"
    }
    facts = page(LICENSED.replace("\n", "</p><p>"))
    assert scan_files(tmp_path / "facts", public, {"ad.html": facts}) == []


def test_shared_text_and_short_pieces_are_no_leak(tmp_path, public):
    files = {
        "about/index.html": page(f"{ABOUT}</p><p>{LICENSED}"),  # the public page as it is
        "a.html": page(P2[:20]),  # a piece shorter than a passage
        "b.html": page("".join(P2[i] for i in range(0, len(P2), 2))),  # every other character
    }
    assert scan_files(tmp_path, public, files) == []


@pytest.mark.parametrize("size", [18, 22, 29])
def test_a_draft_cut_into_pieces_shorter_than_a_passage_is_caught(tmp_path, public, size):
    """Every piece under min_passage, each in a paragraph of its own among other text: the
    pieces of one text together are a leak, and the message says how many."""
    draft = P1 + P2 + P3
    pieces = [draft[i : i + size] for i in range(0, len(draft), size)]
    filler = "欢迎来到微笑口腔科普网站。"
    text = "</p><p>".join(f"{filler}{piece}" for piece in pieces)
    (leak,) = scan_files(tmp_path, public, {"a.html": page(text)})
    assert leak.source == "content/education/draft.md"
    assert leak.pieces > 1 and f"{leak.pieces} 段文字" in str(leak)


def test_pieces_of_english_boilerplate_a_draft_shares_with_the_theme_are_no_leak():
    """A draft quoting a licence, and a theme's script holding that licence's phrases (seen on
    OI-wiki's build: a JavaScript source map); pieces of Chinese text of a draft are a leak."""
    from smilepress.checks.originality import content_characters
    from smilepress.report.leak_guard.passages import Fingerprints
    from smilepress.view.normalise import normalised_text

    licence = (
        "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, "
        "INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A "
        "PARTICULAR PURPOSE AND NONINFRINGEMENT."
    )
    chars = [content_characters(normalised_text(f"{P1}{P2}{licence}{P3}"))]
    prints = Fingerprints(chars, [], 30)
    english = content_characters(normalised_text(licence))
    cut = "".join(f"{english[i : i + 25]}var x=1;" for i in range(0, len(english), 29))
    assert prints.find(content_characters(normalised_text(cut))) == []
    chinese = content_characters(normalised_text(P1 + P2 + P3))
    cut = "".join(f"{chinese[i : i + 22]}欢迎" for i in range(0, len(chinese), 22))
    (found,) = prints.find(cut)
    assert found.pieces >= 3


def test_a_shorter_minimum_passage_catches_a_shorter_piece(tmp_path, dept):
    dept.write("policies/leak-guard.yml", "version: 1\nmin_passage: 16\n")
    try:
        project = Project(dept.root, as_of=dt.date.fromisoformat(AS_OF), trust_root=dept.trust_root)
        watch = leak_guard.watch(project, "public")
    finally:
        (dept.root / "policies/leak-guard.yml").write_bytes(
            (REPO / "policies/leak-guard.yml").read_bytes()
        )
    assert watch.min_passage == 16
    assert "content/education/draft.md" in sources(
        scan_files(tmp_path, watch, {"a.html": page(P2[:20])})
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("version: 1\nmin_passage: 4\n", "min_passage 应该是 9 到 500 之间的整数"),
        ("version: 1\nmin_passage: true\n", "min_passage 应该是"),
        ("version: 1\nminimum: 30\n", "未知字段 'minimum'"),
    ],
)
def test_a_wrong_policy_says_where_and_the_default_is_used(tmp_path, text, words):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / leak_guard.POLICY_FILE).write_text(text, encoding="utf-8")
    policy, (problem,) = leak_guard.load_policy(tmp_path)
    assert policy == leak_guard.Policy()
    assert words in problem.message and problem.path == "policies/leak-guard.yml"
    assert problem.line == 2


def test_staff_names_and_emails(tmp_path, public):
    leaks = scan_files(tmp_path, public, {"c.html": page("投稿请联系赵敏：zhaomin@example.com")})
    assert sorted(leak.marker for leak in leaks) == ["zhaomin@example.com", "赵敏"]
    assert all("public: true" in str(leak) for leak in leaks)


@pytest.mark.parametrize(
    "text",
    [
        '<svg><a href="mailto:zhaomin@example.com"><text>联系我们</text></a></svg>',
        '<p data-owner="zhaomin&#64;example.com">联系我们</p>',
        "<p>联系我们</p><!-- zhaomin@example.com -->",
    ],
    ids=["mailto", "attribute-with-entity", "comment"],
)
def test_a_staff_email_in_an_address_attribute_or_comment_is_caught(tmp_path, public, text):
    """Shown or not, an address in a published file is harvested: it is a leak wherever it is."""
    leaks = scan_files(tmp_path, public, {"a.html": text})
    assert [leak.marker for leak in leaks] == ["zhaomin@example.com"]


def test_a_message_names_the_file_the_source_why_and_what_to_do(tmp_path, public):
    (leak,) = scan_files(tmp_path, public, {"a.htm": page(P2), "b.txt": P2})
    text = str(leak)
    assert text.startswith("a.htm（另有 1 个文件）：含有 content/education/draft.md")
    assert "《种植牙术后护理（草稿）》" in text and "我们诊所计划在明年春季" in text
    assert "——这篇文章不在公开网站中：" in text and "删除，然后重新构建" in text


def test_the_background_scan_reads_again_what_changed_after_it_was_handed_over(tmp_path, public):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(page(ABOUT), encoding="utf-8")
    scan = leak_guard.BackgroundScan()
    scan.begin(site, public)
    scan.written(site / "index.html")
    (site / "index.html").write_text(page(ABOUT + P2), encoding="utf-8")  # a later hook's edit
    (site / "late.txt").write_text(HANDBOOK, encoding="utf-8")  # never handed over
    assert sources(scan.finish()) == {"content/education/draft.md", "content/handbook/guide.md"}
    assert scan.stats.files >= 2 and scan.stats.texts == len(public.forbidden)


def test_texts_read_in_an_earlier_build_are_not_read_again(tmp_path, public, monkeypatch):
    from dataclasses import replace

    watch = replace(public, cache=tmp_path / "cache" / "leak-guard")
    (tmp_path / "cache").mkdir()
    first = leak_guard.Scanner(watch).fingerprints
    assert (tmp_path / "cache" / "leak-guard" / "seen-v1.json").is_file()

    def read_again(self, markdown):
        raise AssertionError(f"{self.source} read again")

    monkeypatch.setattr(Watched, "seen", read_again)
    again = leak_guard.Scanner(watch).fingerprints
    assert (again.prints == first.prints).all() and (again.docs == first.docs).all()
    changed = replace(watch.forbidden[0], text=watch.forbidden[0].text + "\n\n新的一段。")
    with pytest.raises(AssertionError, match="read again"):  # a changed text is read anew
        leak_guard.Scanner(replace(watch, forbidden=(changed,)))
    (tmp_path / "cache" / "leak-guard" / "seen-v1.json").write_text("{broken", "utf-8")
    monkeypatch.undo()
    assert (leak_guard.Scanner(watch).fingerprints.prints == first.prints).all()


# -- determinism ----------------------------------------------------------------------------------

_FINGERPRINTS = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
from smilepress.report.leak_guard import Scanner, Watch, Watched
texts = {f"content/t{i}.md": f"---\\ntitle: 第{i}篇\\n---\\n" + sys.argv[2] * (i + 1)
         for i in range(5)}
watch = Watch("public", tuple(Watched(k, v, "page") for k, v in texts.items()),
              (Watched("content/ok.md", sys.argv[2][:30]),))
f = Scanner(watch).fingerprints
digest = hashlib.sha256()
for array in (f.prints, f.docs, f.places):
    digest.update(array.tobytes())
print(digest.hexdigest(), len(f))
"""


def test_fingerprints_do_not_depend_on_the_hash_seed():
    outputs = set()
    for seed in ("0", "1", "4242"):
        done = subprocess.run(
            [sys.executable, "-c", _FINGERPRINTS, str(REPO / "plugins"), P1 + P2 + P3],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.add(done.stdout)
    (output,) = outputs
    assert int(output.split()[1]) > 10


# -- builds: the plugin fails the build and keeps no leaky site -----------------------------------


def _build(profile: str, capsys, caplog) -> tuple[int, str]:
    caplog.set_level("INFO")
    caplog.clear()
    code = main(["--as-of", AS_OF, "build", "--profile", profile])
    out, err = capsys.readouterr()
    return code, out + err + caplog.text


def test_clean_public_and_internal_builds_pass(dept, capsys, caplog, monkeypatch):
    monkeypatch.chdir(dept.root)
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", dept.trust_root)
    for profile in ("public", "internal"):
        code, log = _build(profile, capsys, caplog)
        assert code == 0, log[-3000:]
        assert f"防泄漏检查（{profile} 版）" in log
    public = leak_guard.site_file_content(dept.root / "site/public/about/index.html")
    assert "医疗机构名称" in public.decode()  # the licensed facts the draft ad shares: published
    assert (dept.root / "site/internal/handbook/guide/index.html").is_file()


def test_a_paragraph_pasted_into_an_allowed_page_fails_the_build(dept, capsys, caplog, monkeypatch):
    from smilepress.mkdocs_plugin.plugin import SmilePressPlugin

    monkeypatch.chdir(dept.root)
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", dept.trust_root)
    original = SmilePressPlugin.on_page_markdown

    def pasting(self, markdown, page, config, files):  # a bug, or a hook that adds text
        markdown = original(self, markdown, page, config, files)
        return markdown + f"\n\n{P2}\n" if page.file.src_uri == "about.md" else markdown

    monkeypatch.setattr(SmilePressPlugin, "on_page_markdown", pasting)
    code, log = _build("public", capsys, caplog)
    assert code == 1 and "防泄漏检查失败" in log
    assert "about/index.html" in log and "content/education/draft.md" in log
    assert not (dept.root / "site/public").exists()
    assert (dept.root / "site/public.leak/about/index.html").is_file()


def test_an_internal_build_that_shows_a_draft_fails(dept, capsys, caplog, monkeypatch):
    monkeypatch.chdir(dept.root)
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", dept.trust_root)
    publish_what_the_gate_kept_out(monkeypatch)
    code, log = _build("internal", capsys, caplog)
    assert code == 1 and "防泄漏检查失败：internal 版" in log
    assert "content/education/draft.md" in log and "content/ads/summer.md" in log
    assert not (dept.root / "site/internal").exists()
    assert (dept.root / "site/internal.leak").is_dir()
    assert "Traceback" not in log
