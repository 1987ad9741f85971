"""Factories for tests: projects, articles, and acting as a person in git."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import yaml

TODAY = "2026-11-28"
REPO = Path(__file__).resolve().parent.parent
SAMPLE_KEYS = REPO / "sample-keys"  # the sample staff's private keys: SAMPLE ONLY


def key_file(person: str) -> Path:
    """A private copy (mode 600: ssh-keygen refuses others) of `person`'s sample signing key."""
    folder = Path(tempfile.gettempdir()) / f"smilepress-test-keys-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / person
    if not path.exists():
        tmp = folder / f".{person}.{os.getpid()}"
        shutil.copy(SAMPLE_KEYS / person, tmp)
        tmp.chmod(0o600)
        tmp.replace(path)
    return path


def signing_env(key: Path | None) -> dict[str, str]:
    """Environment that makes git sign every commit with `key` (None: sign nothing)."""
    if key is None:
        return {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "commit.gpgsign",
            "GIT_CONFIG_VALUE_0": "false",
        }
    return {
        "GIT_CONFIG_COUNT": "3",
        "GIT_CONFIG_KEY_0": "gpg.format",
        "GIT_CONFIG_VALUE_0": "ssh",
        "GIT_CONFIG_KEY_1": "user.signingkey",
        "GIT_CONFIG_VALUE_1": str(key),
        "GIT_CONFIG_KEY_2": "commit.gpgsign",
        "GIT_CONFIG_VALUE_2": "true",
    }


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
            # Proofs start here: the department's first state (a CI setting in real life;
            # the `factory` fixture names it in SMILEPRESS_TRUST_ROOT).
            self.trust_root = self.git("rev-parse", "HEAD").strip()

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

    def identity(self, person: str, signed: bool = True) -> dict:
        """git's environment for acting as `person`: their name and e-mail, and (`signed`) their
        sample signing key, as a person with a registered key would commit."""
        p = self.people()[person]
        has_key = signed and (SAMPLE_KEYS / person).is_file()
        return {
            "GIT_AUTHOR_NAME": p["name"],
            "GIT_AUTHOR_EMAIL": p["email"],
            "GIT_COMMITTER_NAME": p["name"],
            "GIT_COMMITTER_EMAIL": p["email"],
            **signing_env(key_file(person) if has_key else None),
        }

    @contextmanager
    def acting_as(self, person: str, signed: bool = True):
        """Make git (and so the smilepress commands) act as `person` (signing with their key)."""
        identity = self.identity(person, signed)
        saved = {k: os.environ.get(k) for k in identity}
        os.environ.update(identity)
        try:
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def commit_all(self, message: str, person: str, signed: bool = True) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, env=self.identity(person, signed))

    def approve(self, rel: str, person: str, role: str) -> None:
        """`person` approves content/`rel` in `role` with `smilepress approve`, signed."""
        from smilepress.cli import main

        with self.acting_as(person):
            assert main(["approve", "--role", role, f"content/{rel}"]) == 0

    def page(self, rel: str, title: str, body: str) -> Path:
        """A page the manager approved (every type needs someone's approval), committed."""
        path = self.article(rel, title=title, type="page", status="review", body=body)
        self.commit_all(f"页面 {title}", "lixiaoyu")
        self.approve(rel, "chensiyuan", "manager")
        return path

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


def publish_what_the_gate_kept_out(monkeypatch) -> None:
    """A bug in the plugin (or a hook, or another plugin): the pages the gate kept out of the
    profile are built anyway. The gate itself is right, so the leak guard, which asks it, knows
    what must not be there."""
    from mkdocs.structure.files import File  # noqa: PLC0415 (only the guard's tests need MkDocs)

    from smilepress.mkdocs_plugin.plugin import SmilePressPlugin  # noqa: PLC0415

    original = SmilePressPlugin.on_files

    def everything(self, files, config):
        files = original(self, files, config)
        for uri, (_, decision) in self.decisions.items():
            if not decision.included:
                root = str(self.project.content_root)
                files.append(File(uri, root, config.site_dir, config.use_directory_urls))
        return files

    monkeypatch.setattr(SmilePressPlugin, "on_files", everything)
