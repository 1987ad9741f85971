"""The repository's own sample content: its approvals are proven by this project's git history,
and a copy without that history (a tarball) still builds and says why no article is public."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from smilepress.project import Project

AS_OF = __import__("datetime").date(2026, 11, 28)
HISTORY = (
    subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    == "false"
)


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(REPO, as_of=AS_OF)


def test_sample_content_is_realistic(project):
    types = {a.type for a in project.articles}
    states = {a.status for a in project.articles}
    assert len([a for a in project.articles if a.type != "page"]) >= 15
    assert types == set(project.policies.types)
    assert states == set(project.policies.states)
    assert not project.problems(), [str(p) for p in project.problems()]


@pytest.mark.skipif(not HISTORY, reason="needs the repository's full git history")
def test_sample_approvals_are_proven_by_this_repositorys_history(project):
    public = {e.article.path for e, d in project.decisions("public") if d.included}
    assert public == {
        "content/index.md",
        "content/about.md",
        "content/education/zhongzhiya-shuhou-huli.md",
        "content/education/yinxing-jiaozheng-rumen.md",
        "content/education/ertong-tufu.md",
        "content/education/shuaya-fangfa.md",
        "content/ads/2026-dongji-zhongzhiya-zhuanti.md",
        "content/faq/xiya-hou-yachi-minggan.md",
        "content/faq/zhongzhiya-neng-yong-duojiu.md",
        "content/cases/jiaozheng-gushi-xiaolin.md",
    }
    by_path = {e.article.path: e for e in project.entries}
    stale = by_path["content/education/xiya-changjian-wuqu.md"].approvals.verdicts
    assert {v.code for v in stale} <= {"stale", "old-digest"}  # approved before digest v2
    typed = by_path["content/cases/zhongzhiya-huifu-zhangshushu.md"].approvals.verdicts
    # the legacy lines (digest v1), the typed-in manager line, the re-signed dentist line
    assert [v.code for v in typed] == ["old-digest", "old-digest", ""]


@pytest.mark.skipif(not HISTORY, reason="needs the repository's full git history")
def test_strict_publish_of_the_sample_succeeds(tmp_path):
    """What CI runs on main, on a clone of this repository."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    result = subprocess.run(
        [sys.executable, str(clone / "scripts/publish"), "--as-of", "2026-11-28"],
        cwd=clone,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (clone / "site/public/education/zhongzhiya-shuhou-huli/index.html").is_file()
    assert (clone / "site/internal/handbook/xiezuo-guifan/index.html").is_file()
    assert not (clone / "site/public/handbook").exists()
    assert not (clone / "site/.staging").exists()
    # the sections in the order their readers need them (mkdocs.yml section_order)
    assert _nav_sections(clone / "site/public/index.html") == [
        "科普文章",
        "客服问答",
        "病例故事",
        "推广广告",
    ]
    # the internal site's home is the staff start page, not the patients' welcome page
    home = (clone / "site/internal/index.html").read_text(encoding="utf-8")
    assert "员工工作台" in home and "欢迎来到微笑口腔" not in home
    assert _nav_sections(clone / "site/internal/index.html")[:3] == [
        "员工手册",
        "待办与编辑",
        "指标看板",
    ]


def _nav_sections(page: Path) -> list[str]:
    """The titles of the top-level sections of a page's primary navigation."""
    text = page.read_text(encoding="utf-8")
    primary = text[text.index("md-nav--primary") :]
    return [
        re.sub(r"\s+", "", title)
        for title in re.findall(
            r"md-nav__item--section[^>]*>\s*<input[^>]*>\s*<label[^>]*>\s*(?:<span[^>]*>)?([^<]+)",
            primary,
        )
    ]


def test_a_copy_without_history_builds_and_says_why_nothing_is_public(tmp_path):
    copy = tmp_path / "tarball"
    copy.mkdir()
    shutil.copy(REPO / "mkdocs.yml", copy)
    for folder in ("policies", "content", "plugins/theme"):
        shutil.copytree(REPO / folder, copy / folder)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "smilepress"),
            "--as-of",
            "2026-11-28",
            "build",
            "--profile",
            "public",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "不是 git 仓库" in result.stderr
    site = copy / "site/public"
    assert (site / "404.html").is_file()
    assert not (site / "index.html").exists()  # a page needs the manager's proven approval too
    assert not (site / "education").exists() and not (site / "faq").exists()
