"""The leak guard catches what must not be public even when the gate itself is wrong."""

from __future__ import annotations

import json

import pytest

import smilepress.project
from smilepress.cli import main
from smilepress.report import leak_guard
from smilepress.workflow.gate import decide


def _build(factory, caplog) -> tuple[int, str]:
    code = main(["--as-of", "2026-11-28", "build", "--profile", "public"])
    return code, caplog.text


@pytest.fixture
def site(factory):
    factory.page("index.md", title="首页", body="欢迎来到微笑口腔科普网站首页。")
    factory.article(
        "education/draft.md",
        title="尚未审核的草稿文章",
        body="这篇草稿文章的独特句子绝不能出现在公开网站上。",
    )
    factory.commit_all("稿件", "lixiaoyu")
    return factory


def test_clean_build_passes_the_guard(site, caplog):
    code, log = _build(site, caplog)
    assert code == 0, log
    assert (site.root / "site/public/index.html").exists()


def test_guard_catches_a_gate_that_lets_everything_through(site, caplog, monkeypatch):
    def broken_gate(facts, profile, today):  # a bug: every article "passes"
        d = decide(facts, profile, today)
        return d.__class__(profile, True, True, True, (), ())

    monkeypatch.setattr(smilepress.project, "decide", broken_gate)
    code, log = _build(site, caplog)
    assert code == 1
    assert "防泄漏检查失败" in log and "尚未审核的草稿文章" in log
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

    def broken_gate(facts, profile, today):  # a bug: every article "passes"
        d = decide(facts, profile, today)
        return d.__class__(profile, True, True, True, (), ())

    monkeypatch.setattr(smilepress.project, "decide", broken_gate)
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


def test_scan_sees_through_markup_entities_and_zero_width_spaces(tmp_path):
    (tmp_path / "a.html").write_text(
        "<p>这是<strong>一段</strong>&#x4E0D;该\u200b出现的文字</p>", encoding="utf-8"
    )
    (tmp_path / "search_index.json").write_text(
        json.dumps({"docs": [{"text": "另一段\u200b秘密\u200b内容在此"}]}), encoding="utf-8"
    )
    leaks = leak_guard.scan(
        tmp_path,
        {"这是一段不该出现的文字": "x.md", "另一段秘密内容在此": "y.md", "没有的句子": "z.md"},
    )
    assert sorted((leak.site_file, leak.source) for leak in leaks) == [
        ("a.html", "x.md"),
        ("search_index.json", "y.md"),
    ]


def test_fragments_skip_markup_and_short_pieces():
    body = (
        "## 标题\n\n这是**很长的一句**用于检测泄漏的文字，短句。\n\n"
        "[链接文字在这里也算正文内容](x.md)"
    )
    frags = leak_guard.fragments(body)
    assert "这是很长的一句用于检测泄漏的文字" in frags
    assert "链接文字在这里也算正文内容" in frags
    assert all(len(f) >= leak_guard.MIN_FRAGMENT for f in frags)


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("newton", False),
        ("bracket", False),
        ("种植牙护理", True),
        ("三个字", False),
        ("a-much-longer-title", True),
    ],
)
def test_only_distinctive_text_is_a_marker(marker, expected):
    assert leak_guard.distinctive(marker) is expected


def test_tags_never_join_separate_lines(tmp_path):
    (tmp_path / "a.html").write_text(
        "<p>甲乙丙丁<span\n>戊己庚辛</p>\nx <b>壬癸</b>", encoding="utf-8"
    )
    assert leak_guard.scan(tmp_path, {"甲乙丙丁戊己庚辛": "x.md"}) == []
    assert [leak.marker for leak in leak_guard.scan(tmp_path, {"x壬癸": "y.md"})] == ["x壬癸"]


def test_the_handbook_in_a_public_build_is_caught(site, caplog, monkeypatch):
    from smilepress.mkdocs_plugin.plugin import SmilePressPlugin

    original = SmilePressPlugin.on_files

    def leaky_on_files(self, files, config):  # a bug: the handbook's pages go into every profile
        files = original(self, files, config)
        self._add_handbook_pages(files, config)
        return files

    monkeypatch.setattr(SmilePressPlugin, "on_files", leaky_on_files)
    code, log = _build(site, caplog)
    assert code == 1
    assert "防泄漏检查失败" in log and "员工手册 §" in log
    assert not (site.root / "site/public").exists()


def test_handbook_markers_are_long_fragments_of_its_clauses(site):
    markers = leak_guard.handbook_markers(smilepress.project.Project(site.root))
    assert markers.get("本制度适用于口腔网络运营部全体员工") == "员工手册 §1.2"
    assert all(leak_guard.distinctive(m) for m in markers)
