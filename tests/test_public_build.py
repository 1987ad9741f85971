"""End to end: the public site built from a corpus of tricky cases holds every article that must be
public and no trace of any article that must not be (HTML, search index, sitemap included)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from helpers import ProjectFactory
from smilepress.cli import main
from smilepress.workflow.front_matter_edit import append_to_list

AS_OF = "2026-11-28"
REVIEW_BY = "review_by: 2027-11-01\n"


def _cli(*argv) -> int:
    return main(list(argv))


def _approve_all(
    f: ProjectFactory, rel: str, roles: dict[str, str], author: str = "lixiaoyu"
) -> None:
    with f.acting_as(author):
        assert _cli("submit", f"content/{rel}") == 0
    for person, role in roles.items():
        with f.acting_as(person):
            assert _cli("approve", "--role", role, f"content/{rel}") == 0


def _hand_approve(f: ProjectFactory, rel: str, by: str, role: str, committer: str) -> None:
    from smilepress.project import Project

    path = f.root / "content" / rel
    digest = Project(f.root).load(path).digest
    item = {"by": by, "role": role, "at": "2026-11-20T10:00:00+08:00", "digest": digest}
    path.write_text(
        append_to_list(path.read_text(encoding="utf-8"), "approvals", item), encoding="utf-8"
    )
    f.commit_all(f"批准 {rel}", committer)


EDU = {"wangliming": "dentist", "chensiyuan": "manager"}
# rel -> (title, marker, must be public)
CASES: dict[str, tuple[str, str, bool]] = {}


def _case(rel, title, public):
    marker = f"MARK{len(CASES):02d}{'PUB' if public else 'HIDDEN'}"
    CASES[rel] = (title, marker, public)
    return title, f"这是一段用于检测的正文内容，标记 {marker} 出现在这里。"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Build the tricky project once; tests read its sites."""
    old_cwd, old_env = Path.cwd(), dict(os.environ)
    root = tmp_path_factory.mktemp("tricky") / "proj"
    f = ProjectFactory(root, REPO)
    os.environ["SMILEPRESS_TRUST_ROOT"] = f.trust_root  # restored with the rest of os.environ
    os.chdir(root)
    try:
        CASES.clear()
        t, b = _case("index.md", "首页欢迎光临", True)
        f.article(
            "index.md",
            title=t,
            type="page",
            status="published",
            body=b + "\n\n[一篇草稿](education/draft.md)",
        )
        t, b = _case("education/good.md", "合格的科普文章甲", True)
        f.article(
            "education/good.md",
            title=t,
            body=b
            + "\n\n另见[草稿](draft.md)和[页面](../about.md)。"
            + '\n\n再看[另一种写法][草]与<a href="draft.md">网页写法</a>。\n\n[草]: draft.md',
            extra=REVIEW_BY,
        )
        t, b = _case("faq/good.md", "合格的问答乙", True)
        f.article("faq/good.md", title=t, type="faq", author="wujia", body=b)
        t, b = _case("education/draft.md", "仍是草稿的文章丙", False)
        f.article("education/draft.md", title=t, body=b, extra=REVIEW_BY)
        t, b = _case("education/in-review.md", "审核中的文章丁", False)
        f.article("education/in-review.md", title=t, body=b, extra=REVIEW_BY)
        t, b = _case("education/stale.md", "批准后又改过的文章戊", False)
        f.article("education/stale.md", title=t, body=b, extra=REVIEW_BY)
        t, b = _case("education/self.md", "自己批准自己的文章己", False)
        f.article("education/self.md", title=t, author="wangliming", body=b, extra=REVIEW_BY)
        t, b = _case("education/norole.md", "没有角色的人批准的文章庚", False)
        f.article("education/norole.md", title=t, body=b, extra=REVIEW_BY)
        t, b = _case("education/typed.md", "作者手写批准的文章辛", False)
        f.article("education/typed.md", title=t, body=b, extra=REVIEW_BY)
        t, b = _case("education/future.md", "定时发布的文章壬", False)
        f.article(
            "education/future.md", title=t, body=b, extra="publish_date: 2026-12-15\n" + REVIEW_BY
        )
        t, b = _case("education/expired.md", "已经过期的文章癸", False)
        f.article(
            "education/expired.md", title=t, body=b, extra="expiry_date: 2026-10-01\n" + REVIEW_BY
        )
        t, b = _case("education/overdue.md", "复审逾期的文章子", False)
        f.article("education/overdue.md", title=t, body=b, extra="review_by: 2026-06-30\n")
        t, b = _case("education/capital.md", "状态大写的文章丑", False)
        f.article("education/capital.md", title=t, status="Published", body=b, extra=REVIEW_BY)
        t, b = _case("education/archived.md", "已归档的文章寅", False)
        f.article("education/archived.md", title=t, body=b, extra=REVIEW_BY)
        t, b = _case("education/wechat.md", "只发公众号的文章卯", False)
        f.article("education/wechat.md", title=t, body=b, extra="channels: [wechat]\n" + REVIEW_BY)
        t, b = _case("handbook/rules.md", "内部手册页辰", False)
        f.article(
            "handbook/rules.md",
            title=t,
            type="page",
            status="published",
            body=b,
            extra="audience: internal\n",
        )
        t, b = _case("education/broken.md", "格式错误的文章巳", False)
        f.write(
            "content/education/broken.md",
            f"---\ntitle: {t}\ntype: education\nstatus: published\n"
            f"author: lixiaoyu\n  bad: [indent\n---\n\n{b}\n",
        )
        t, b = _case("education/gbk.md", "GBK编码的文章未", False)
        (root / "content/education/gbk.md").write_bytes(
            (
                f"---\ntitle: {t}\ntype: education\nstatus: published\nauthor: lixiaoyu\n"
                f"---\n\n{b}\n"
            ).encode("gbk")
        )
        t, b = _case("about.md", "关于我们页面午", True)
        f.article(
            "about.md",
            title=t,
            type="page",
            status="published",
            body=b + "（内部编号：SP-about）\n\n## 就诊须知\n\n请提前预约。",
        )
        f.commit_all("全部初稿", "lixiaoyu")

        for page in ("index.md", "about.md", "handbook/rules.md"):  # pages: the manager's
            _approve_all(f, page, {"chensiyuan": "manager"})
        _approve_all(f, "education/good.md", EDU)
        _approve_all(f, "faq/good.md", {"liufang": "dentist"}, author="wujia")
        _approve_all(f, "education/in-review.md", {"wangliming": "dentist"})
        _approve_all(f, "education/stale.md", EDU)
        stale = root / "content/education/stale.md"
        stale.write_text(
            stale.read_text(encoding="utf-8").replace("检测的正文", "检测的新正文"),
            encoding="utf-8",
        )
        f.commit_all("批准后改正文", "lixiaoyu")
        _hand_approve(f, "education/self.md", "wangliming", "dentist", "wangliming")
        _hand_approve(f, "education/self.md", "chensiyuan", "manager", "chensiyuan")
        _hand_approve(f, "education/norole.md", "wangliming", "dentist", "wangliming")
        _hand_approve(f, "education/norole.md", "liufang", "manager", "liufang")
        _hand_approve(f, "education/typed.md", "wangliming", "dentist", "lixiaoyu")
        _hand_approve(f, "education/typed.md", "chensiyuan", "manager", "lixiaoyu")
        for rel in ("future.md", "expired.md", "overdue.md", "archived.md", "wechat.md"):
            _approve_all(f, f"education/{rel}", EDU)
        for rel in ("self.md", "norole.md", "typed.md"):
            text = (root / "content/education" / rel).read_text(encoding="utf-8")
            (root / "content/education" / rel).write_text(
                text.replace("status: draft", "status: published"), encoding="utf-8"
            )
        f.commit_all("作者自己改成 published", "lixiaoyu")
        with f.acting_as("chensiyuan"):
            assert _cli("publish", "content/education/good.md") == 0
            assert _cli("archive", "content/education/archived.md") == 0

        config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
        config["nav"] = [
            "index.md",
            {"科普": ["education/good.md", "education/draft.md", "education/typed.md"]},
            {"问答": ["faq/good.md"]},
            "about.md",
            {"手册": ["handbook/rules.md"]},
        ]
        (root / "mkdocs.yml").write_text(
            yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
        )
        f.commit_all("导航", "chensiyuan")  # mkdocs.yml is governed: the manager signs
        for profile in ("public", "internal", "preview"):
            assert _cli("--as-of", AS_OF, "build", "--profile", profile) == 0
        yield f
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


@pytest.fixture(autouse=True)
def _corpus_trust_root(corpus, monkeypatch):
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", corpus.trust_root)


def site_text(site: Path) -> str:
    """Everything written to the site, as text a reader or a crawler could see."""
    parts = []
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".txt", ".js"):
            parts.append(html.unescape(path.read_text(encoding="utf-8", errors="replace")))
    return "\n".join(parts).replace("\u200b", "")


def test_public_site_has_no_trace_of_what_must_not_be_public(corpus):
    text = site_text(corpus.root / "site/public")
    search = (
        (corpus.root / "site/public/search/search_index.json")
        .read_text(encoding="utf-8")
        .replace("\u200b", "")
    )
    for rel, (title, marker, public) in CASES.items():
        if public:
            assert title in text and marker in search, rel
        else:
            assert title not in text, rel
            assert marker not in text, rel
            assert not (corpus.root / "site/public" / rel.replace(".md", "")).exists(), rel


def test_public_search_index_and_sitemap_list_only_public_pages(corpus):
    index = json.loads(
        (corpus.root / "site/public/search/search_index.json").read_text(encoding="utf-8")
    )
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert locations == {"", "education/good/", "faq/good/", "about/"}
    sitemap = (corpus.root / "site/public/sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>") == 4


def test_the_theme_sees_no_editorial_field_and_anchors_are_chinese(corpus):
    for profile in ("public", "internal"):
        page = (corpus.root / f"site/{profile}/about/index.html").read_text(encoding="utf-8")
        assert "md-status" not in page  # `status: published` is the editorial state, not Material's
        assert 'id="就诊须知"' in page  # not id="_1": a deep link that stays put
        # the writer's reference number is for staff
        assert ("SP-about" in page) is (profile == "internal")


def test_staff_sites_are_not_indexed_and_name_their_own_address(corpus):
    public = (corpus.root / "site/public/about/index.html").read_text(encoding="utf-8")
    assert 'name="robots"' not in public
    assert '<link rel="canonical" href="https://www.example.com/about/">' in public
    for profile in ("internal", "preview"):
        site = corpus.root / "site" / profile
        assert not (site / "sitemap.xml").exists() and not (site / "sitemap.xml.gz").exists()
        for page in site.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert '<meta name="robots" content="noindex, nofollow">' in text, page
            assert "www.example.com" not in text, page


def test_links_to_hidden_pages_become_plain_text(corpus):
    page = (corpus.root / "site/public/education/good/index.html").read_text(encoding="utf-8")
    assert "draft" not in page.split("<article", 1)[1].split("</article>")[0]
    assert "再看另一种写法与<a>网页写法</a>。" in page  # by reference, and in HTML
    assert "另见草稿和" in page.replace("<span>", "").replace("</span>", "").replace(
        '<a href="../../about/">', ""
    )


def test_internal_profile_is_handbook_plus_public(corpus):
    text = site_text(corpus.root / "site/internal")
    for rel, (_title, marker, public) in CASES.items():
        # the home is the staff start page: the patients' welcome page is the public site's
        expected = (public and rel != "index.md") or rel == "handbook/rules.md"
        assert (marker in text) is expected, rel
    home = (corpus.root / "site/internal/index.html").read_text(encoding="utf-8")
    assert "员工工作台" in home and "等待处理" in home


def test_preview_has_everything_with_banners(corpus):
    site = corpus.root / "site/preview"
    text = site_text(site)
    for rel, (_title, marker, _public) in CASES.items():
        if rel not in (
            "education/broken.md",
            "education/gbk.md",
        ):  # cannot be rendered: named in the build log
            assert marker in text, rel
    stale = (site / "education/stale/index.html").read_text(encoding="utf-8")
    assert "smilepress-banner" in stale and "批准后内容又有改动" in stale
    # the commit that changed it by id, author and date; never its message (a developer's words)
    assert "（李晓雨，" in stale and "起内容已改变" in stale and "批准后改正文" not in stale
    typed = (site / "education/typed/index.html").read_text(encoding="utf-8")
    assert "李晓雨 签名，不是批准人本人" in typed
    good = (site / "education/good/index.html").read_text(encoding="utf-8")
    assert "smilepress-banner" not in good


def test_scheduled_article_appears_on_its_day_without_a_human(corpus, tmp_path):
    os.chdir(corpus.root)
    site = tmp_path / "later"
    assert (
        _cli("--as-of", "2026-12-15", "build", "--profile", "public", "--site-dir", str(site)) == 0
    )
    text = site_text(site)
    assert CASES["education/future.md"][0] in text
    assert CASES["education/good.md"][0] in text


def test_strict_build_drops_each_failing_article_and_names_it(corpus, tmp_path, caplog):
    """An article's own problem never fails a build: it drops out and the log says why and who must
    act."""
    os.chdir(corpus.root)
    code = _cli(
        "--as-of",
        AS_OF,
        "build",
        "--profile",
        "public",
        "--strict",
        "--site-dir",
        str(tmp_path / "s"),
    )
    err = caplog.text
    assert code == 0
    for rel in (
        "self.md",
        "norole.md",
        "typed.md",
        "capital.md",
        "broken.md",
        "gbk.md",
        "stale.md",
        "expired.md",
    ):
        assert re.search(rf"已下线(（[-0-9]+）)? content/education/{re.escape(rel)}《", err), rel
    assert (
        "需要：王立明（口腔医师）、刘芳（口腔医师）——口腔医师复审" in err
    )  # overdue.md: who must act
    assert "content/education/good.md《" not in err
    assert "handbook/rules.md" not in err  # internal, not failing
    assert (tmp_path / "s/education/good/index.html").is_file()
    assert not (tmp_path / "s/education/broken").exists()


def test_plain_mkdocs_without_the_plugin_publishes_no_article(corpus, tmp_path):
    config = yaml.safe_load((corpus.root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [
        p for p in config["plugins"] if not (isinstance(p, dict) and "smilepress" in p)
    ]
    config.pop("nav")
    (tmp_path / "mkdocs.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
    )
    shutil.copytree(corpus.root / "plugins", tmp_path / "plugins")
    shutil.copytree(corpus.root / "content", tmp_path / "content")
    subprocess.run(
        [
            str(Path(sys.executable).parent / "mkdocs"),
            "build",
            "-q",
            "-f",
            str(tmp_path / "mkdocs.yml"),
            "-d",
            str(tmp_path / "out"),
        ],
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    text = site_text(tmp_path / "out")
    for title, marker, _ in CASES.values():
        assert marker not in text and title not in text


def test_plain_mkdocs_build_with_the_plugin_reads_the_profile_from_the_environment(
    corpus, tmp_path
):
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "SMILEPRESS_PROFILE": "internal",
        "SMILEPRESS_AS_OF": AS_OF,
    }
    subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "-q", "-d", str(tmp_path / "out")],
        check=True,
        cwd=corpus.root,
        env=env,
    )
    assert CASES["handbook/rules.md"][1] in site_text(tmp_path / "out")


def test_sites_load_nothing_from_outside_hosts(corpus):
    """No script, stylesheet, font, image or frame from another host (canonical links are not
    loads)."""
    import re

    loads = re.compile(
        r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"(https?:)?//|"
        r"<link\b(?![^>]*rel=\"(?:canonical|alternate)\")[^>]*href=\"(https?:)?//|url\((['\"]?)(https?:)?//"
    )
    for profile in ("public", "internal", "preview"):
        for path in (corpus.root / "site" / profile).rglob("*"):
            if path.suffix in (".html", ".css"):
                text = path.read_text(encoding="utf-8")
                assert not loads.search(text), (path, loads.search(text).group(0))
                assert "fonts.googleapis" not in text and "unpkg.com" not in text
