"""The site's own text is checked too: what a public page shows besides the article.

Each place the site puts text of its own (the theme's templates: main.html's blocks, a partial, the
404 page; the nav's section titles from folder names and content-type names; the credit under a
picture) gets a plain claim, and the public build refuses it naming the file and the line (or, for
text that is one article's own, keeps that article off the site with a finding at the file and
line); the same place with harmless text builds. Config and theme edits are committed by the
manager (chensiyuan), as the repository governs them (tests/helpers.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from smilepress.cli import main
from smilepress.model.policies import load_policies
from smilepress.project import Project
from smilepress.report import leak_guard
from smilepress.workflow import site_chrome, site_config

AS_OF = "2026-11-28"
CLAIM = "本院种植牙全市最好"  # self-praise and a superlative: an error on any public page
HARMLESS = "本院种植牙术后护理要点"
MAIN = "plugins/theme/overrides/main.html"


@pytest.fixture
def project(factory):
    factory.page("index.md", "首页", "欢迎来到微笑口腔科普网站。")
    return factory


def build(capsys, caplog, profile: str = "public") -> tuple[int, str]:
    caplog.set_level("INFO")
    caplog.clear()
    code = main(["--as-of", AS_OF, "build", "--profile", profile])
    out, err = capsys.readouterr()
    text = out + err + caplog.text
    assert "Traceback" not in text
    return code, text


def site_text(root: Path) -> str:
    """Every file of the public site, decoded as the leak guard reads it."""
    site = root / "site/public"
    return "\n".join(
        leak_guard.site_file_content(path).decode("utf-8")
        for path in (leak_guard.site_files(site) if site.is_dir() else ())
    )


def theme(f, rel: str, text: str) -> None:
    """A file of the theme folder, committed by the manager (plugins/theme/ is governed)."""
    f.write(rel, text)
    f.commit_all("改主题", "chensiyuan")


def refused(code: int, log: str, root: Path, where: str, what: str = "") -> None:
    assert code == 1, log[-3000:]
    assert where in log, (where, log[-3000:])
    assert what in log
    assert not (root / "site/public").exists()


# -- what a template shows -------------------------------------------------------------------------

TEMPLATE = """{% extends "base.html" %}
{#- 注释不会显示：本院种植牙全市最好 -#}
{% block announce %}
  <div class="notice"><!-- 旧的说法：本院种植牙全市最好 -->
    <p title="悬停提示" data-x="{{ config.extra.x }}">第一段&nbsp;<strong>加粗</strong>文字&#12290;
       第二行的文字</p>
    <img src="a.png"
         alt="图片替代文字"><input type="hidden" value="隐藏的值"><input placeholder="请输入">
    {{ "表达式里的字符串" }}{% set slogan = "语句里的字符串" %}
    {% raw %}{{ 原样显示 }}{% endraw %}
  </div>
  <script>var label = "脚本里的字符串"; var n = {{ "脚本外的字符串" | tojson }};</script>
{% endblock %}
"""


def test_a_template_shows_its_text_nodes_attributes_and_printed_strings():
    pieces, problem = site_chrome.template_text(TEMPLATE, MAIN)
    assert problem is None
    shown = [(p.line, p.text) for p in pieces]
    assert shown == [
        (1, "base.html"),
        (5, "悬停提示"),
        (5, "第一段 加粗文字。 第二行的文字"),  # entities decoded, the lines joined as shown
        (8, "图片替代文字"),
        (8, "请输入"),
        (9, "表达式里的字符串 {{ 原样显示 }}"),  # {% raw %}: shown as written
        (9, "语句里的字符串"),
        (12, "脚本里的字符串"),
        (12, "脚本外的字符串"),
    ]
    paragraph = pieces[2]
    assert paragraph.line_at(paragraph.text.index("第二行")) == 6
    everything = "".join(p.text for p in pieces)
    for hidden in ("注释不会显示", "旧的说法", "隐藏的值", "config", "slogan", "notice"):
        assert hidden not in everything


def test_a_template_jinja_cannot_read_is_refused_not_skipped():
    pieces, problem = site_chrome.template_text("<p>好</p>\n{{ x }\n", MAIN)
    assert pieces == [] and problem is not None and problem.line == 2
    assert "无法按 Jinja 语法读取" in problem.message


ANNOUNCE = '{% extends "base.html" %}\n{% block announce %}\n  <p>TEXT</p>\n{% endblock %}\n'


@pytest.mark.parametrize(
    ("rel", "text", "line"),
    [
        # Material's announcement bar
        (MAIN, ANNOUNCE, 3),
        # the footer, in an attribute
        (
            MAIN,
            '{% extends "base.html" %}\n{% block footer %}\n'
            '  <footer><a href="/" title="TEXT">首页</a></footer>\n{% endblock %}\n',
            3,
        ),
        # what search engines show
        (
            MAIN,
            '{% extends "base.html" %}\n{% block extrahead %}\n'
            '  <meta name="description" content="TEXT">\n{% endblock %}\n',
            3,
        ),
        # a string printed by an expression, and one a statement keeps for later
        (MAIN, '{% extends "base.html" %}\n{% block announce %}{{ "TEXT" }}{% endblock %}\n', 2),
        (MAIN, '{% extends "base.html" %}\n{% set claim = "TEXT" %}\n', 2),
        # written as entities
        (MAIN, ANNOUNCE.replace("TEXT", "ENTITIES"), 3),
        # the words on two lines of one paragraph: the line of each match
        (MAIN, ANNOUNCE.replace("TEXT", "TWO_LINES"), 4),
        # a partial that overrides Material's
        ("plugins/theme/overrides/partials/copyright.html", '<div class="c">\nTEXT\n</div>\n', 2),
        # the 404 page
        (
            "plugins/theme/overrides/404.html",
            '{% extends "main.html" %}\n{% block content %}\n  <h1>404</h1>\n'
            "  <p>TEXT</p>\n{% endblock %}\n",
            4,
        ),
    ],
)
def test_a_claim_in_a_theme_template_refuses_the_public_build(
    project, capsys, caplog, rel, text, line
):
    entities = "".join(f"&#{ord(ch)};" for ch in CLAIM)
    two_lines = "本院种植牙\n     全市最好"
    theme(
        project,
        rel,
        text.replace("TEXT", CLAIM).replace("ENTITIES", entities).replace("TWO_LINES", two_lines),
    )
    code, log = build(capsys, caplog)
    refused(code, log, project.root, f"{rel}:{line}:", site_chrome.TEMPLATE_SHOWN)
    assert "ad-law/superlative" in log

    # The same place with harmless text builds, and shows it.
    for placeholder in ("TEXT", "ENTITIES", "TWO_LINES"):
        text = text.replace(placeholder, HARMLESS)
    theme(project, rel, text)
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]


def test_text_a_browser_does_not_show_is_not_a_claim(project, capsys, caplog):
    """Jinja's comments and names, HTML comments and hidden fields are not shown text."""
    theme(
        project,
        MAIN,
        '{% extends "base.html" %}\n{# ' + CLAIM + " #}\n{% block announce %}\n"
        f'<!-- {CLAIM} --><input type="hidden" name="x" value="{CLAIM}">'
        f"<p>{HARMLESS}</p>\n{{% endblock %}}\n",
    )
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    assert HARMLESS in (project.root / "site/public/index.html").read_text(encoding="utf-8")


def test_the_staff_handbook_frame_is_not_judged_as_the_website(project, capsys, caplog):
    theme(project, MAIN, ANNOUNCE.replace("TEXT", CLAIM))
    assert build(capsys, caplog, "internal")[0] == 0


# -- the 404 page ----------------------------------------------------------------------------------


def test_the_public_404_page_is_chinese_and_links_home(project, capsys, caplog):
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    page = (project.root / "site/public/404.html").read_text(encoding="utf-8")
    assert "页面不存在" in page and "返回首页" in page
    assert "Not found" not in page
    assert '<a href="/">返回首页</a>' in page  # site_url's path: the 404 page is served anywhere


def test_the_sample_theme_and_static_files_pass_the_public_check():
    config = site_config.read(REPO)
    project = Project(REPO)
    shown = site_chrome.shown_texts(REPO, site_config.folders(config))
    assert {s.path for s in shown} >= {"plugins/theme/overrides/404.html"}
    shown += site_chrome.type_labels(REPO, project.policies)
    resolved = {key: config.data.get(key) for key in site_chrome.CHROME_KEYS}
    refusals, notes = site_chrome.chrome_problems(
        project.checker, config, resolved, shown, "public", project.today
    )
    assert refusals == [] and notes == []


# -- labels the site derives from data -------------------------------------------------------------


def test_a_folder_name_shown_as_a_nav_section_is_checked(project, capsys, caplog):
    project.page(f"{CLAIM}/about.md", "关于我们", "本院位于市中心。")
    code, log = build(capsys, caplog)
    refused(code, log, project.root, f"content/{CLAIM}/:0:", "文件夹名会作为栏目标题")

    project.git("rm", "-r", "-q", f"content/{CLAIM}")
    project.page("口腔护理/about.md", "关于我们", "本院位于市中心。")
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    assert "口腔护理" in (project.root / "site/public/index.html").read_text(encoding="utf-8")


def test_only_folders_the_public_nav_shows_are_judged(project, capsys, caplog):
    """A draft's folder is no section of the public site; a folder section_titles names is
    mkdocs.yml's text."""
    project.article(f"{CLAIM}/draft.md", title="草稿", body="草稿。")
    project.page("education/about.md", "科普", "正文。")
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    assert CLAIM not in site_text(project.root)


def test_a_content_type_name_is_a_nav_title_and_is_checked(project, capsys, caplog):
    line = project.replace("policies/workflow.yml", "name: 科普文章", f"name: {CLAIM}")
    project.commit_all("改类型名称", "chensiyuan")
    code, log = build(capsys, caplog)
    refused(code, log, project.root, f"policies/workflow.yml:{line}:", "内容类型的名称")

    project.replace("policies/workflow.yml", f"name: {CLAIM}", "name: 口腔科普")
    project.commit_all("改类型名称", "chensiyuan")
    assert build(capsys, caplog)[0] == 0


def test_folder_titles_are_mkdocs_own():
    from mkdocs.utils import dirname_to_title

    for name in ("education", "zhong-zhi_ya", "Mixed-Case", CLAIM, "口腔-护理", "a1_b"):
        assert site_chrome.folder_title(name) == dirname_to_title(name)
    titles = site_chrome.nav_titles(load_policies(REPO), {"faq": "常见问题"})
    assert site_chrome.section_title("Education", titles) == "科普文章"
    assert site_chrome.section_title("Faq", titles) == "常见问题"
    assert site_chrome.section_title(dirname_to_title("kou-qiang"), titles) is None


def test_the_old_names_still_import():
    assert site_config.chrome_problems is site_chrome.chrome_problems
    assert site_config.Shown is site_chrome.Shown
    from smilepress.workflow.site_config import shown_texts

    assert shown_texts is site_chrome.shown_texts


# -- text a page shows from the article's own data: the article's check ----------------------------


def _png(path: Path, colour=(200, 120, 40)) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), colour).save(path)


def check_json(capsys) -> list[dict]:
    capsys.readouterr()
    main(["--as-of", AS_OF, "check", "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_a_claim_in_a_picture_credit_keeps_the_article_off_with_the_sidecar_line(
    project, capsys, caplog
):
    _png(project.root / "content/pages/img/team.png")
    sidecar = "licence: CC-BY-4.0\nsource: https://commons.example.org/t\ncredit: NAME\n"
    project.write("content/pages/img/team.png.yml", sidecar.replace("NAME", CLAIM))
    project.page("pages/team.md", "医生团队", "![团队合影](img/team.png)")
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]  # one article's own problem: it drops, the site builds
    assert not (project.root / "site/public/pages/team").exists()
    assert CLAIM not in site_text(project.root)
    found = [f for f in check_json(capsys) if f["rule"] == "ad-law/superlative"]
    assert [(f["path"], f["line"], f["column"]) for f in found] == [
        ("content/pages/img/team.png.yml", 3, 14)
    ]
    assert "下方会显示说明" in found[0]["message"]

    project.write("content/pages/img/team.png.yml", sidecar.replace("NAME", "张三"))
    project.commit_all("改署名", "lixiaoyu")
    project.approve("pages/team.md", "chensiyuan", "manager")
    assert build(capsys, caplog)[0] == 0
    page = (project.root / "site/public/pages/team/index.html").read_text(encoding="utf-8")
    assert "<figcaption>图片：张三 / CC BY 4.0</figcaption>" in page


def test_a_claim_in_a_front_matter_credit_is_found_at_its_line(project, capsys):
    _png(project.root / "content/pages/img/tooth.png")
    entry = "  - {src: img/tooth.png, licence: CC-BY-4.0, source: 'https://example.org/t', "
    project.article(
        "pages/tooth.md",
        title="牙齿结构",
        type="page",
        body="![牙齿](img/tooth.png)",
        extra=f"images:\n{entry}credit: '{CLAIM}'}}\n",
    )
    project.commit_all("稿", "lixiaoyu")
    found = [f for f in check_json(capsys) if f["rule"] == "ad-law/superlative"]
    line = (project.root / "content/pages/tooth.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, text in enumerate(line, 1) if CLAIM in text)
    column = line[at - 1].index("全市最好") + 1
    assert [(f["path"], f["line"], f["column"]) for f in found] == [
        ("content/pages/tooth.md", at, column)
    ]


def test_a_waiver_in_the_article_does_not_reach_a_sidecar(project, capsys):
    _png(project.root / "content/pages/img/a.png")
    project.write("content/pages/img/a.png.yml", f"licence: own\nsource: 本院\ncredit: {CLAIM}\n")
    project.article(
        "pages/a.md",
        title="合影",
        type="page",
        body="<!-- smilepress-disable ad-law -- 测试 -->\n![合影](img/a.png)\n\n正文。\n",
    )
    project.commit_all("稿", "lixiaoyu")
    found = [f for f in check_json(capsys) if f["path"].endswith("a.png.yml")]
    assert found and not any(f["waived"] or f["waiver"] for f in found)


@pytest.mark.parametrize(
    ("field", "extra"),
    [
        ("title", ""),  # also the page's nav label and the window's title
        ("description", f"description: {CLAIM}\n"),  # <meta name="description">
    ],
)
def test_what_the_theme_shows_from_front_matter_is_the_articles_own_check(
    project, capsys, caplog, field, extra
):
    title = CLAIM if field == "title" else "医生团队"
    path = project.article(
        "pages/team.md", title=title, type="page", status="review", extra=extra, body="正文。"
    )
    project.commit_all("稿", "lixiaoyu")
    project.approve("pages/team.md", "chensiyuan", "manager")
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, text in enumerate(lines, 1) if text.startswith(f"{field}:"))
    found = [f for f in check_json(capsys) if f["rule"] == "ad-law/superlative"]
    assert [(f["path"], f["line"]) for f in found] == [("content/pages/team.md", at)]
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    assert CLAIM not in site_text(project.root)


def test_tags_show_only_where_a_tags_plugin_prints_them(project, capsys, caplog):
    """Material's search shows a page's tags in its results: without a tags plugin (whose pages
    the checks read) the public site leaves them out; with one, they are the article's wording."""
    project.article(
        "pages/team.md",
        title="医生团队",
        type="page",
        status="review",
        extra=f"tags: [{CLAIM}]\n",
        body="正文。",
    )
    project.commit_all("稿", "lixiaoyu")
    project.approve("pages/team.md", "chensiyuan", "manager")
    assert not [f for f in check_json(capsys) if f["rule"] == "ad-law/superlative"]
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    assert (project.root / "site/public/pages/team/index.html").is_file()
    assert CLAIM not in site_text(project.root)  # search_index.json included

    project.replace("mkdocs.yml", "  - smilepress:\n", "  - material/tags\n  - smilepress:\n")
    project.commit_all("标签插件", "chensiyuan")
    found = [f for f in check_json(capsys) if f["rule"] == "ad-law/superlative"]
    assert [(f["path"], f["line"]) for f in found] == [("content/pages/team.md", 6)]
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    assert CLAIM not in site_text(project.root)
