"""Shared fixtures: throwaway SmilePress projects with their own git history."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from helpers import ProjectFactory

REPO = Path(__file__).resolve().parent.parent
# The sample department's trust root, as the Makefile names it: the default for every test (and for
# module-wide fixtures that build this repository); the `factory` fixture names its own project's.
SAMPLE_TRUST_ROOT = re.search(
    r"^export SMILEPRESS_TRUST_ROOT \?= (\w+)$", (REPO / "Makefile").read_text(), re.M
).group(1)
os.environ["SMILEPRESS_TRUST_ROOT"] = SAMPLE_TRUST_ROOT


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    for name in (
        "SMILEPRESS_PROFILE",
        "SMILEPRESS_AS_OF",
        "GIT_AUTHOR_EMAIL",
        "GIT_AUTHOR_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_CONFIG_COUNT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", SAMPLE_TRUST_ROOT)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv(
        "SMILEPRESS_DEBUG", "1"
    )  # an internal error fails the test instead of hiding as exit 2
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def factory(tmp_path, monkeypatch) -> ProjectFactory:
    """A new project in tmp_path (policies and theme copied from this repository), a git repo."""
    f = ProjectFactory(tmp_path / "proj", REPO)
    monkeypatch.chdir(f.root)
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", f.trust_root)
    return f
