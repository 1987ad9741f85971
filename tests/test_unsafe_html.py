"""Writers' HTML, end to end: an attacker's page checked with `smilepress check` and built in every
profile. Whatever the allow-list removes is an error at its line before the build, and is gone from
the built site even when the department turned the check off; an ordinary page is built byte for
byte as without the sanitiser."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from PIL import Image

from conftest import REPO
from helpers import ProjectFactory
from smilepress.cli import main
from smilepress.view.sanitise import GeneratedPieces

AS_OF = "2026-11-28"
PROFILES = ("public", "internal", "preview")

# (what it is, the Markdown, its payload, what the finding says). Each payload appears only in
# what must go, on the line the finding must point at.
ATTACKS = [
    ("script, mixed case", "<ScRiPt>XSS01()</ScRiPt>", "XSS01", "<script> 元素"),
    ("script/x, inline", "前文 <script/x>XSS02()</script> 后文", "XSS02", "<script> 元素"),
    (
        "script inside <div markdown>",
        "<div markdown>\n<script>XSS03()</script>\n\n**粗体**\n</div>",
        "XSS03",
        "<script> 元素",
    ),
    ("svg onload", '<svg onload="XSS04()"><circle r="1"/></svg>', "XSS04", "<svg> 元素"),
    ("img onerror", '<img alt="示意" onerror="XSS05()">', "XSS05", "onerror 事件属性"),
    (
        "spaced, mixed-case scheme",
        '<a href="  JaVaScRiPt:XSS06()">六</a>',
        "XSS06",
        "javascript: 链接",
    ),
    ("tab as an entity", '<a href="jav&#x09;ascript:XSS07()">七</a>', "XSS07", "javascript: 链接"),
    (
        "letter as an entity",
        '<a href="&#106;avascript:XSS08()">八</a>',
        "XSS08",
        "javascript: 链接",
    ),
    ("data:text/html link", '<a href="data:text/html,XSS09">九</a>', "XSS09", "data: 链接"),
    (
        "iframe srcdoc",
        '<iframe srcdoc="&lt;script&gt;XSS10()&lt;/script&gt;"></iframe>',
        "XSS10",
        "<iframe> 元素",
    ),
    (
        "meta refresh",
        '<meta http-equiv="refresh" content="0;url=https://evil.example/XSS11">',
        "XSS11",
        "<meta> 元素",
    ),
    ("base href", '<base href="https://evil.example/XSS12/">', "XSS12", "<base> 元素"),
    (
        "form with an input",
        '<form action="https://evil.example/XSS13"><input name="q" value="XSS13"></form>',
        "XSS13",
        "<form> 标签",
    ),
    ("object", '<object data="https://evil.example/XSS14.swf"></object>', "XSS14", "<object> 元素"),
    ("embed", '<embed src="https://evil.example/XSS15.swf">', "XSS15", "<embed> 元素"),
    (
        "link to a stylesheet",
        '<link rel="stylesheet" href="https://evil.example/XSS16.css">',
        "XSS16",
        "<link> 元素",
    ),
    ("style element", "<style>body{background:url(XSS17)}</style>", "XSS17", "<style> 元素"),
    ("attr_list onclick", '## 标题 {onclick="XSS18()"}', "XSS18", "onclick 事件属性"),
    ("attr_list style", '段落\n{: style="color:red;XSS19" }', "XSS19", "style 属性"),
    (
        "math with a link",
        '<math><mtext><a href="javascript:XSS20()">m</a></mtext></math>',
        "XSS20",
        "<math> 元素",
    ),
    (
        "svg foreignObject",
        '<svg><foreignObject><iframe src="javascript:XSS21()"></iframe></foreignObject></svg>',
        "XSS21",
        "<svg> 元素",
    ),
    ("Markdown javascript: link", "[点我](javascript:XSS22())", "XSS22", "javascript: 链接"),
    (
        "data: link to a picture",
        '<a href="data:image/png;base64,XSS23">图</a>',
        "XSS23",
        "data: 链接",
    ),
    ("an id of the theme's", '<div id="__search">XSS24</div>', "XSS24", 'id="__search"'),
]
# A handbook piece amid them (staff sites only): SmilePress's SVG, not the writer's, stays.
ATTACK_PAGE = (
    "开头一段正常文字。\n\n<!-- handbook: flowchart content -->\n\n"
    + "\n\n".join(a[1] for a in ATTACKS)
    + "\n\n结尾一段正常文字。"
)
# Found by the check, gone from the preview; a data: picture is also an image-licence error, so
# this page is never public.
PICTURE = (
    '正文。\n\n<img alt="矢量图" src="data:image/svg+xml;base64,XSS25">\n\n'
    "![位图](data:image/png;base64,iVBORw0KGgo=)"
)
# The theme prints a writer's title as HTML (through the allow-list, like the page) and the
# description inside an attribute; SmilePress's own pages print them as text (the editorial board,
# the calendar, the drops page), and a waiver's reason too.
TITLE = "<img src=x onerror=XSS30()>标题 [链接](javascript:XSS31()) {onclick=XSS32()}"
TITLED = "publish_date: 2026-11-01\ndescription: '\"><script>XSS33()</script>'\n"
TITLED_BODY = "正文。<!-- smilepress-disable seo/title-length -- <script>XSS34()</script> -->"
ORDINARY = """正文第一段，带**粗体**、`代码`和[链接](https://example.com "标题")。

| 左 | 中 | 右 |
|:---|:--:|---:|
| a  | b  | c  |

!!! note "提示"
    这是提示。

脚注[^1]，缩写 WHO。

*[WHO]: 世界卫生组织

术语
:   定义

<details>
<summary>更多</summary>
内容 <abbr title="口腔">OC</abbr> <sup>1</sup>
</details>

## 小标题 {#sub .big}

<figure markdown>
![示意图](images/steps.png){ width="300" loading=lazy }
<figcaption>图说</figcaption>
</figure>

<img src="images/steps.png" alt="同一张图" width="64" height="64" srcset="images/steps.png 1x">

[^1]: 脚注内容。
"""


class Built(NamedTuple):
    root: Path
    findings: list[dict]  # `smilepress check --format json` of the whole project
    unsanitised: Path  # the public site built without the sanitiser
    trust_root: str


def _site(root: Path, profile: str, page: str) -> str:
    """A built page, without the preview's boxes (SmilePress's, quoting each finding as text)."""
    html = (root / "site" / profile / "pages" / page / "index.html").read_text(encoding="utf-8")
    return _BOXES.sub("", html)


_BOXES = re.compile(r'<div class="smilepress-(?:findings|banner)" role="note">.*?</div>', re.S)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Checked with the command, built in every profile (public and internal with the check
    turned off, so that the attack is published), and the ordinary page built without the
    sanitiser for comparison."""
    old_cwd, old_env = Path.cwd(), dict(os.environ)
    root = tmp_path_factory.mktemp("unsafe") / "proj"
    f = ProjectFactory(root, REPO)
    os.environ["SMILEPRESS_TRUST_ROOT"] = f.trust_root  # restored with the rest of os.environ
    os.chdir(root)
    try:
        config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
        config["markdown_extensions"] += ["footnotes", "abbr", "def_list"]
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
        f.commit_all("脚注、缩写、定义列表", "chensiyuan")  # mkdocs.yml is governed
        f.page("index.md", title="首页", body="欢迎。")
        f.page("pages/attack.md", title="攻击样例", body=ATTACK_PAGE)
        f.page("pages/picture.md", title="内嵌图片", body=PICTURE)
        images = root / "content/pages/images"
        images.mkdir(parents=True)
        Image.new("RGB", (64, 64), (240, 240, 235)).save(images / "steps.png")
        (images / "steps.png.yml").write_text("licence: own\nsource: 本院设计组绘制\n", "utf-8")
        f.page("pages/ordinary.md", title="常规排版", body=ORDINARY)
        f.article(
            "pages/titled.md",
            title=f"'{TITLE}'",
            type="page",
            status="review",
            extra=TITLED,
            body=TITLED_BODY,
        )
        f.commit_all("标题里的 HTML", "lixiaoyu")
        f.approve("pages/titled.md", "chensiyuan", "manager")
        checked = subprocess.run(
            [str(Path(sys.executable).parent / "smilepress"), "check", "--format", "json"],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, "SMILEPRESS_AS_OF": AS_OF},
        )
        assert checked.returncode == 1 and "Traceback" not in checked.stderr, checked.stderr
        assert main(["--as-of", AS_OF, "build", "--profile", "preview"]) == 0
        f.write("policies/compliance/local.yml", "disable: [secret/unsafe-html]\n")
        f.commit_all("关闭 HTML 检查", "chensiyuan")  # the build still sanitises
        for profile in ("public", "internal"):
            assert main(["--as-of", AS_OF, "build", "--profile", profile]) == 0
        unsanitised = root / "unsanitised"
        real = GeneratedPieces.sanitise
        GeneratedPieces.sanitise = lambda self, html: html
        try:
            build = ["build", "--profile", "public", "--site-dir", str(unsanitised)]
            assert main(["--as-of", AS_OF, *build]) == 0
        finally:
            GeneratedPieces.sanitise = real
        yield Built(root, json.loads(checked.stdout), unsanitised, f.trust_root)
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


@pytest.fixture(autouse=True)
def _project_trust_root(project, monkeypatch):
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", project.trust_root)


def _unsafe(findings: list[dict], page: str) -> list[dict]:
    return [f for f in findings if f["rule"] == "secret/unsafe-html" and f["path"].endswith(page)]


def _line_of(root: Path, page: str, payload: str) -> int:
    lines = (root / "content/pages" / page).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if payload in line)


@pytest.mark.parametrize(
    ("name", "markdown", "payload", "said"), ATTACKS, ids=[a[0] for a in ATTACKS]
)
def test_each_attack_is_an_error_at_its_line(project, name, markdown, payload, said):
    root, findings = project.root, project.findings
    line = _line_of(root, "attack.md", payload)
    here = [f for f in _unsafe(findings, "attack.md") if f["line"] == line]
    assert here, f"{name}: no finding on line {line}"
    assert all(f["level"] == "error" for f in here)
    assert said in here[0]["message"], here[0]["message"]
    assert here[0]["category"] == "unsafe-html" and here[0]["basis"]


def test_the_attack_page_has_no_other_unsafe_html_finding(project):
    root, findings = project.root, project.findings
    lines = {_line_of(root, "attack.md", payload) for _, _, payload, _ in ATTACKS}
    assert {f["line"] for f in _unsafe(findings, "attack.md")} == lines


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    ("name", "markdown", "payload", "said"), ATTACKS, ids=[a[0] for a in ATTACKS]
)
def test_each_attack_is_gone_from_every_built_site(project, profile, name, markdown, payload, said):
    root = project.root
    page = _site(root, profile, "attack")
    assert "开头一段正常文字" in page and "结尾一段正常文字" in page  # the page was published
    if payload == "XSS24":  # the text stays, the id goes (the theme's own search box keeps it)
        assert "<div>XSS24</div>" in page and page.count('id="__search"') == 1
    else:
        assert payload not in page


@pytest.mark.parametrize("profile", PROFILES)
def test_no_script_frame_handler_or_javascript_link_reaches_the_site(project, profile):
    root = project.root
    content = _site(root, profile, "attack").split('<article class="md-content__inner', 1)[1]
    content = content.split("</article>", 1)[0]
    for trace in ("<script", "<iframe", "onerror", "onclick", "onload", "javascript:", "<form"):
        assert trace not in content.lower(), trace
    if profile != "preview":  # (whose boxes are in the index too)
        index = (root / "site" / profile / "search/search_index.json").read_text(encoding="utf-8")
        assert not any(f"XSS{n:02d}" in index for n in range(1, 24))


def test_a_data_picture_is_checked_by_type(project):
    root, findings = project.root, project.findings
    (svg,) = _unsafe(findings, "picture.md")
    assert svg["line"] == _line_of(root, "picture.md", "XSS25")
    assert "data:image/svg+xml" in svg["message"]
    preview = _site(root, "preview", "picture")
    assert "XSS25" not in preview and "data:image/png;base64,iVBORw0KGgo=" in preview


def test_an_ordinary_page_has_no_finding_and_is_built_byte_for_byte(project):
    root, findings, unsanitised = project.root, project.findings, project.unsanitised
    assert _unsafe(findings, "ordinary.md") == []
    built = _site(root, "public", "ordinary")
    for kept in ('class="admonition note"', 'id="fn:1"', "<abbr", "<dl>", 'id="sub"', "<details"):
        assert kept in built
    assert built == (unsanitised / "pages/ordinary/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("profile", PROFILES)
def test_a_handbook_piece_in_a_writers_page_is_not_sanitised(project, profile):
    page = _site(project.root, profile, "attack")
    diagram = '<div class="smilepress-diagram"><svg xmlns="http://www.w3.org/2000/svg" role="img"'
    assert (diagram in page) == (profile != "public")  # never public: staff only
    assert "smilepress-generated" not in page  # the marks around it are gone


_LOADS = {"href", "src", "srcset", "action", "formaction", "data", "cite", "poster", "srcdoc"}


class _Markup(HTMLParser):
    """Every element and attribute of a built page, and what its scripts hold."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        if self.lasttag in ("script", "style"):
            self.scripts.append(data)


@pytest.mark.parametrize("profile", PROFILES)
def test_no_payload_runs_anywhere_in_the_site(project, profile):
    """Every page of the site (the theme's navigation and head, SmilePress's editorial and drops
    pages, which quote titles, reasons and findings): payloads only ever as text."""
    pages = list((project.root / "site" / profile).rglob("*.html"))
    assert any("editorial" in p.parts for p in pages) == (profile != "public")
    for page in pages:
        markup = _Markup()
        markup.feed(page.read_text(encoding="utf-8"))
        markup.close()
        for tag, attrs in markup.tags:
            for name, value in attrs.items():
                runs = name.startswith("on") or name in _LOADS
                assert not (runs and "XSS" in value), (page, tag, name, value)
            assert tag != "meta" or "http-equiv" not in attrs, page
        assert not any("XSS" in code for code in markup.scripts), page
    titled = _site(project.root, profile, "titled")
    assert '<h1><img src="x">标题 [链接](javascript:XSS31()) {onclick=XSS32()}</h1>' in titled
    assert '<meta name="description" content="&quot;><script>XSS33()</script>">' in titled


def test_html_the_allow_list_removes_from_a_title_is_an_error_at_the_title(project):
    (title,) = _unsafe(project.findings, "titled.md")
    assert (title["line"], title["match"]) == (2, "onerror=XSS30()")
    assert title["message"].endswith("onerror 事件属性")
