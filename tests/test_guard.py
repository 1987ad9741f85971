"""The leak guard catches what must not be public even when the gate itself is wrong."""

from __future__ import annotations

import json

import pytest

import smilepress.project
from helpers import publish_what_the_gate_kept_out
from smilepress.cli import main
from smilepress.report import leak_guard


def _build(factory, caplog) -> tuple[int, str]:
    code = main(["--as-of", "2026-11-28", "build", "--profile", "public"])
    return code, caplog.text


@pytest.fixture
def site(factory):
    factory.page("index.md", title="首页", body="欢迎来到微笑口腔科普网站首页。")
    factory.article(
        "education/draft.md",
        title="尚未审核的草稿文章",
        body="这篇草稿文章的独特句子绝不能出现在公开网站上，它还要经过医生和部门经理的审核。",
    )
    factory.commit_all("稿件", "lixiaoyu")
    return factory


def test_clean_build_passes_the_guard(site, caplog):
    code, log = _build(site, caplog)
    assert code == 0, log
    assert (site.root / "site/public/index.html").exists()


def test_guard_catches_a_plugin_that_publishes_what_the_gate_kept_out(site, caplog, monkeypatch):
    publish_what_the_gate_kept_out(monkeypatch)
    code, log = _build(site, caplog)
    assert code == 1
    assert "防泄漏检查失败" in log and "尚未审核的草稿文章" in log
    assert "education/draft/index.html" in log and "content/education/draft.md" in log
    assert not (
        site.root / "site/public"
    ).exists()  # moved aside, never left where deploy would take it
    assert (site.root / "site/public.leak").is_dir()


def test_a_staff_email_is_kept_out_by_the_gate_and_caught_by_the_guard(site, caplog, monkeypatch):
    site.article(
        "about.md",
        title="关于我们",
        type="page",
        status="published",
        body="投稿请联系 zhaomin@example.com 获取更多信息。",
    )
    site.commit_all("关于", "lixiaoyu")
    code, log = _build(site, caplog)
    assert (
        code == 0 and not (site.root / "site/public/about/index.html").exists()
    )  # pii-email: the gate says no

    publish_what_the_gate_kept_out(monkeypatch)
    code, log = _build(site, caplog)
    assert code == 1 and "zhaomin@example.com" in log


def test_public_staff_may_be_named(site, caplog):
    site.article(
        "about.md",
        title="关于我们",
        type="page",
        status="published",
        body="本站文章由王立明医师审核。",
    )
    site.commit_all("关于", "lixiaoyu")
    code, log = _build(site, caplog)
    assert code == 0, log


def _watch(forbidden: dict[str, str]) -> leak_guard.Watch:
    texts = tuple(leak_guard.Watched(src, text, "page") for src, text in forbidden.items())
    return leak_guard.Watch("public", texts, ())


SECRET_X = "这是一段不该出现在公开网站上的文字，它来自一篇还没有通过审核的草稿文章。"
SECRET_Y = "另一段秘密内容在此，它属于员工手册的内部规定，只能在员工手册里看到。"


def test_scan_sees_through_markup_entities_and_zero_width_spaces(tmp_path):
    marked = SECRET_X.replace("一段", "<strong>一段</strong>").replace("不", "&#x4E0D;")
    (tmp_path / "a.html").write_text(
        f"<p>{marked.replace('出现', chr(0x200B).join('出现'))}</p>", encoding="utf-8"
    )
    (tmp_path / "search_index.json").write_text(
        json.dumps({"docs": [{"text": "\u200b".join(SECRET_Y)}]}), encoding="utf-8"
    )
    leaks = leak_guard.scan(
        tmp_path, _watch({"x.md": SECRET_X, "y.md": SECRET_Y, "z.md": "没有的句子" * 9})
    )
    assert sorted((leak.site_file, leak.source) for leak in leaks) == [
        ("a.html", "x.md"),
        ("search_index.json", "y.md"),
    ]


def test_a_passage_running_over_lines_is_read_in_order(tmp_path):
    half = len(SECRET_X) // 2
    (tmp_path / "a.html").write_text(
        f"<p>{SECRET_X[:half]}\n<em>{SECRET_X[half:]}</em></p>", encoding="utf-8"
    )
    (tmp_path / "b.html").write_text(
        f"<p>{SECRET_X[half:]}</p>\n<p>{SECRET_X[:half]}</p>", encoding="utf-8"
    )
    leaks = leak_guard.scan(tmp_path, _watch({"x.md": SECRET_X}))
    assert [(leak.site_file, leak.more) for leak in leaks] == [("a.html", 0)]


def test_the_handbook_in_a_public_build_is_caught(site, caplog, monkeypatch):
    from mkdocs.structure.files import File

    from smilepress import staging
    from smilepress.mkdocs_plugin.plugin import SmilePressPlugin

    original = SmilePressPlugin.on_files

    def leaky_on_files(self, files, config):  # a bug: the handbook's pages go into every profile
        files = original(self, files, config)
        _, pages, _, _ = staging.generated_pages(self.project, set())
        for uri, markdown in pages.items():
            files.append(File.generated(config, uri, content=markdown))
        return files

    monkeypatch.setattr(SmilePressPlugin, "on_files", leaky_on_files)
    code, log = _build(site, caplog)
    assert code == 1
    assert "防泄漏检查失败" in log and "员工手册页面 handbook/" in log
    assert not (site.root / "site/public").exists()


def test_the_handbook_the_internal_build_generates_is_watched(site):
    project = smilepress.project.Project(site.root)
    pages = {w.source: w.text for w in leak_guard.watch(project, "public").forbidden}
    assert "本制度适用于口腔网络运营部全体员工" in pages["员工手册页面 handbook/index.md"]
    assert "policies/general.yml" in pages and "policies/people.yml" in pages
    assert not any(
        w.source.startswith("员工手册") for w in leak_guard.watch(project, "internal").forbidden
    )
