"""The MkDocs glue in isolation: link targets, nav pruning, profiles and site folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from smilepress.cli import main
from smilepress.mkdocs_plugin.plugin import SmilePressPlugin
from smilepress.staging import page_targets


@pytest.mark.parametrize(
    ("page", "href", "expected"),
    [
        ("education/a.md", "b.md", ("education/b.md",)),
        ("education/a.md", "../faq/q.md#x", ("faq/q.md",)),
        ("education/a.md", "/faq/q.md", ("faq/q.md",)),
        ("education/a.md", "../faq/q/", ("faq/q.md", "faq/q/index.md")),
        ("education/a.md", "%E8%8D%89%E7%A8%BF.md", ("education/草稿.md",)),
        ("education/a.md", "https://example.com/b.md", ()),
        ("education/a.md", "mailto:x@example.com", ()),
        ("education/a.md", "#anchor", ()),
    ],
)
def test_page_targets(page, href, expected):
    assert page_targets(page, href) == expected


def test_nav_pruning_drops_hidden_pages_and_empty_sections():
    plugin = SmilePressPlugin()
    plugin.excluded_uris = {"education/draft.md", "faq/q.md"}
    nav = [
        "index.md",
        {"科普": ["education/good.md", {"草稿": "education/draft.md"}]},
        {"问答": ["faq/q.md"]},
        {"外链": "https://example.com/"},
    ]
    assert plugin._prune_nav(nav) == [
        "index.md",
        {"科普": ["education/good.md"]},
        {"外链": "https://example.com/"},
    ]


def test_each_profile_builds_into_its_own_folder_and_unknown_profile_is_refused(
    factory, capsys, monkeypatch
):
    factory.page("index.md", title="首页", body="欢迎。")
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    env = {**os.environ, "SMILEPRESS_PROFILE": "internal"}
    subprocess.run([mkdocs, "build", "-q"], cwd=factory.root, check=True, env=env)
    assert (factory.root / "site/internal/index.html").is_file()
    assert not (factory.root / "site/index.html").exists()
    bad = subprocess.run(
        [mkdocs, "build", "-q"],
        cwd=factory.root,
        env={**env, "SMILEPRESS_PROFILE": "staging"},
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "staging" in bad.stderr and "Traceback" not in bad.stderr


def test_options_come_from_the_command_then_the_environment_then_mkdocs_yml(
    factory, monkeypatch, caplog
):
    from mkdocs.config import load_config

    factory.page("index.md", title="首页", body="欢迎。")
    factory.replace(
        "mkdocs.yml",
        "  - smilepress:\n",
        "  - smilepress:\n      profile: preview\n      as_of: '2026-01-01'\n",
    )
    factory.commit_all("预览选项", "chensiyuan")  # mkdocs.yml is governed: the manager signs

    def options() -> tuple[str, str]:
        plugin = load_config(str(factory.root / "mkdocs.yml")).plugins["smilepress"]
        return plugin.config.profile, plugin.config.as_of

    assert options() == ("preview", "2026-01-01")
    monkeypatch.setenv("SMILEPRESS_PROFILE", "internal")
    monkeypatch.setenv("SMILEPRESS_AS_OF", "2026-06-01")
    assert options() == ("internal", "2026-06-01")
    caplog.set_level("INFO")
    assert main(["--as-of", "2026-11-28", "build", "--profile", "public"]) == 0
    assert "SmilePress public 版" in caplog.text and "截至 2026-11-28" in caplog.text
    assert (factory.root / "site/public/index.html").is_file()
    assert not (factory.root / "site/internal").exists()
    # the command hands its options to the plugin, not through the environment
    assert os.environ["SMILEPRESS_PROFILE"] == "internal" and "SMILEPRESS_STRICT" not in os.environ


def test_broken_policies_fail_the_build_with_the_line(factory, caplog):
    people = factory.root / "policies" / "people.yml"
    people.write_text(
        people.read_text(encoding="utf-8").replace("roles: [manager]", "roles: [boss]"),
        encoding="utf-8",
    )
    assert main(["build", "--profile", "public"]) == 1
    assert "policies/people.yml" in caplog.text and "boss" in caplog.text


def test_publish_leaves_the_current_sites_untouched_on_an_integrity_failure(factory):
    """A broken rule pack is an integrity failure: the publish stops and the last good site
    stays."""
    factory.page("index.md", title="首页", body="欢迎。")
    publish = [sys.executable, str(Path(__file__).resolve().parent.parent / "scripts" / "publish")]
    subprocess.run(publish, cwd=factory.root, check=True, capture_output=True)
    before = (factory.root / "site/public/index.html").read_bytes()
    factory.write("policies/compliance/local.yml", "rules:\n  - id: local/x\n    type: nonsense\n")
    factory.article("index.md", title="首页", type="page", status="published", body="欢迎光临。")
    factory.commit_all("坏规则包", "chensiyuan")
    result = subprocess.run(publish, cwd=factory.root, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "policies/compliance/local.yml" in result.stderr and "发布中止" in result.stderr
    assert "Traceback" not in result.stderr
    assert (factory.root / "site/public/index.html").read_bytes() == before
    assert not (factory.root / "site/.staging").exists()
