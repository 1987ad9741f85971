"""Factories for tests: projects, articles, and acting as a person in git."""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import yaml

TODAY = "2026-11-28"


class ProjectFactory:
    def __init__(self, root: Path, repo: Path, git: bool = True):
        self.root = root
        root.mkdir(parents=True)
        shutil.copytree(repo / "policies", root / "policies")
        shutil.copytree(repo / "plugins" / "theme", root / "plugins" / "theme")
        shutil.copy(repo / "mkdocs.yml", root / "mkdocs.yml")
        (root / "content").mkdir()
        if git:
            self.git("init", "-q", "-b", "main")
            self.git("config", "user.name", "测试")
            self.git("config", "user.email", "nobody@example.com")
            self.git("config", "commit.gpgsign", "false")
            self.commit_all("初始化", "chensiyuan")

    def git(self, *args: str, env: dict | None = None) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=self.root,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        ).stdout

    def people(self) -> dict:
        return yaml.safe_load((self.root / "policies" / "people.yml").read_text(encoding="utf-8"))[
            "people"
        ]

    def identity(self, person: str) -> dict:
        p = self.people()[person]
        return {
            "GIT_AUTHOR_NAME": p["name"],
            "GIT_AUTHOR_EMAIL": p["email"],
            "GIT_COMMITTER_NAME": p["name"],
            "GIT_COMMITTER_EMAIL": p["email"],
        }

    @contextmanager
    def acting_as(self, person: str):
        """Make git (and so the smilepress commands) act as `person`."""
        saved = {k: os.environ.get(k) for k in self.identity(person)}
        os.environ.update(self.identity(person))
        try:
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def commit_all(self, message: str, person: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, env=self.identity(person))

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def replace(self, rel: str, old: str, new: str) -> int:
        """Replace the first `old` in a project file; return the (1-based) line where it was."""
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return text[: text.index(old)].count("\n") + 1

    def article(
        self,
        rel: str,
        *,
        title: str,
        type: str = "education",  # noqa: A002 (named after the front-matter field, like the others)
        status: str = "draft",
        author: str = "lixiaoyu",
        body: str = "正文。",
        extra: str = "",
    ) -> Path:
        fields = f"title: {title}\ntype: {type}\nstatus: {status}\nauthor: {author}\n{extra}"
        return self.write(f"content/{rel}", f"---\n{fields.rstrip()}\n---\n\n{body}\n")
