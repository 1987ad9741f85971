#!/usr/bin/env python3
"""Build-time benchmark: SmilePress against plain mkdocs-material on the same corpus, in one run.

Three variants of every corpus are built, interleaved (run 1 of each, then run 2 of each, ...), each
in a fresh `mkdocs build` process, so that the machine's noise hits all of them alike:

  plain   mkdocs-material alone: theme material (zh), search with jieba, the same Markdown in
          docs_dir
  ours    the same files in content/ (type: page), each approved by signed commits of the people
          its type and the checks ask for (approve_everything), built through the SmilePress
          plugin, public profile, leak guard on
  half    as `ours`, but every other file is a draft (not publishable)

It prints the median of each, `ours/plain` (goal: at most 1.15) and `half/ours` (goal: at most 0.6,
which shows that the gate works before Markdown is rendered).

Corpora: `oi-wiki` (the real OI-wiki Markdown in ../shared/corpus, 465 pages, extracted to a
temporary folder, never copied into the repository) and `genN` (N generated Chinese articles with
headings, lists and tables, made deterministically from the prose paragraphs of both corpora).

    .venv/bin/python scripts/bench_build.py          # oi-wiki, gen1000, gen5000; 3 runs
    .venv/bin/python scripts/bench_build.py --corpus gen1000 --runs 5
    .venv/bin/python scripts/bench_build.py --quick  # gen200, 1 run: a smoke test

Last measured: see the closing note of the foundation issue and README.md ("Benchmarks").
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO.parent / "shared" / "corpus"
MKDOCS = str(Path(sys.executable).parent / "mkdocs")
VARIANTS = ("plain", "ours", "half")
_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def extract(archive: str, into: Path) -> Path:
    with tarfile.open(CORPUS_DIR / archive) as tar:
        tar.extractall(into, filter="data")
    return into / "docs"


def oi_wiki(tmp: Path) -> list[tuple[str, str, str]]:
    """(relative path, title, body) of every OI-wiki page, its own front matter removed."""
    docs = extract("oi-wiki-docs.tar.gz", tmp / "oi-wiki")
    pages = []
    for path in sorted(docs.rglob("*.md")):
        body = _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"))
        heading = re.search(r"^#\s+(.+)$", body, re.M)
        pages.append(
            (
                path.relative_to(docs).as_posix(),
                heading.group(1).strip() if heading else path.stem,
                body,
            )
        )
    return pages


def prose_paragraphs(tmp: Path) -> list[str]:
    lines = []
    for archive, name in (("oi-wiki-docs.tar.gz", "p-oi"), ("hello-algo-zh-docs.tar.gz", "p-ha")):
        for path in sorted(extract(archive, tmp / name).rglob("*.md")):
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if (
                    40 <= len(line) <= 400
                    and len(_CJK.findall(line)) > len(line) * 0.5
                    and line[0] not in "#|-*>$`!<["
                ):
                    lines.append(line)
    return lines


def generated(n: int, tmp: Path) -> list[tuple[str, str, str]]:
    """n Chinese articles of 600-1500 characters with headings, lists and sometimes a table."""
    paragraphs = prose_paragraphs(tmp)
    rng = random.Random(n)
    pages = []
    for i in range(n):
        parts, size = [], 0
        while size < rng.randint(600, 1500):
            parts.append(f"## {rng.choice(paragraphs)[:12]}")
            for _ in range(rng.randint(1, 3)):
                p = rng.choice(paragraphs)
                parts.append(p)
                size += len(p)
            if rng.random() < 0.3:
                parts.append(
                    "\n".join(f"- {rng.choice(paragraphs)[:30]}" for _ in range(rng.randint(2, 5)))
                )
            if rng.random() < 0.15:
                rows = "\n".join(
                    f"| {rng.choice(paragraphs)[:8]} | {rng.randint(1, 99)} |" for _ in range(4)
                )
                parts.append(f"| 项目 | 数值 |\n|---|---|\n{rows}")
        pages.append(
            (
                f"section-{i // 100:03d}/article-{i:05d}.md",
                rng.choice(paragraphs)[:20],
                "\n\n".join(parts),
            )
        )
    return pages


_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")


def with_front_matter(title: str, body: str, status: str) -> str:
    # The corpus archives hold Markdown only: a picture would be a missing file (and, in SmilePress,
    # an unlicensed one that keeps the page off the site). Every variant gets the alt text instead.
    meta = {"title": title, "type": "page", "status": status, "author": "lixiaoyu"}
    body = _IMAGE.sub(lambda m: m.group(1), body)
    return (
        "---\n"
        + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        + "---\n\n"
        + body
        + "\n"
    )


def make_projects(
    pages: list[tuple[str, str, str]], where: Path, variants=VARIANTS, status: str = "published"
) -> dict[str, Path]:
    """One project folder per variant; returns variant -> mkdocs.yml."""
    base = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    configs = {}
    for variant in variants:
        root = where / variant
        shutil.copytree(REPO / "plugins" / "theme", root / "plugins" / "theme")
        shutil.copytree(REPO / "policies", root / "policies")
        config = dict(base)
        if variant == "plain":
            docs = root / "docs"
            shutil.copytree(REPO / "plugins" / "theme" / "static", docs)
            config["docs_dir"] = "docs"
            config["plugins"] = [
                p for p in base["plugins"] if not (isinstance(p, dict) and "smilepress" in p)
            ]
        else:
            docs = root / "content"
        for i, (rel, title, body) in enumerate(pages):
            draft = variant == "half" and i % 2
            state = "draft" if draft else (status if variant != "plain" else "published")
            (docs / rel).parent.mkdir(parents=True, exist_ok=True)
            (docs / rel).write_text(with_front_matter(title, body, state), encoding="utf-8")
        (root / "mkdocs.yml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        configs[variant] = root / "mkdocs.yml"
    return configs


REVIEW_STATUS = "review"


def approve_everything(root: Path, author: str = "lixiaoyu") -> str:
    """Make the project at `root` a git repository in which every article in review was approved
    by signed commits of the people holding the roles it needs (the manager, and the compliance
    officer where the checks route it), as the department's own history would prove; returns the
    trust root. Articles the checks keep out for an error stay out, as they would."""
    sys.path.insert(0, str(REPO / "plugins"))
    from smilepress.project import Project  # noqa: PLC0415 (the library of the checkout)
    from smilepress.workflow import front_matter_edit  # noqa: PLC0415

    def git(*args: str, person: str | None = None) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, check=True, capture_output=True, text=True,
            env={**os.environ, **signed_env(root, person)},
        ).stdout  # fmt: skip

    git("init", "-q", "-b", "main")
    content = [p for p in (root / "content").rglob("*.md")]
    stash = {p: p.read_text(encoding="utf-8") for p in content}
    for p in content:
        p.unlink()
    git("add", "-A")
    git("commit", "-q", "-m", "部门配置", person="chensiyuan")
    trust_root = git("rev-parse", "HEAD").strip()
    for p, text in stash.items():
        p.write_text(text, encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "文章", person=author)
    for _ in range(3):  # each round: every role still missing, one signed commit per person
        project = Project(root, trust_root=trust_root)
        todo: dict[str, list] = {}
        for entry in project.entries:
            if entry.article.status in ("review", "approved") and entry.approvals.missing:
                todo.setdefault(entry.approvals.missing[0], []).append(entry)
        if not todo:
            break
        for role, entries in todo.items():
            person = next(x.id for x in project.policies.holders(role) if x.id != author)
            for entry in entries:
                a = entry.article
                path = root / a.path
                text = path.read_text(encoding="utf-8")
                item = {"by": person, "role": role, "at": "2026-12-01T10:00:00+08:00",
                        "digest": a.digest}  # fmt: skip
                text = front_matter_edit.append_to_list(text, "approvals", item, a.path)
                if len(entry.approvals.missing) == 1:
                    text = front_matter_edit.set_field(text, "status", "approved", a.path)
                path.write_text(text, encoding="utf-8")
            git("add", "-A")
            git("commit", "-q", "-m", f"批准（{role}）", person=person)
    return trust_root


def signed_env(root: Path, person: str | None) -> dict[str, str]:
    """git's environment for `person` of the sample department, signing with their sample key."""
    if person is None:
        return {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "commit.gpgsign",
                "GIT_CONFIG_VALUE_0": "false"}  # fmt: skip
    people = yaml.safe_load((root / "policies" / "people.yml").read_text(encoding="utf-8"))
    who = people["people"][person]
    key = root.parent / f".key-{person}"
    if not key.exists():
        shutil.copy(REPO / "sample-keys" / person, key)
        key.chmod(0o600)
    return {
        "GIT_AUTHOR_NAME": who["name"], "GIT_AUTHOR_EMAIL": who["email"],
        "GIT_COMMITTER_NAME": who["name"], "GIT_COMMITTER_EMAIL": who["email"],
        "GIT_CONFIG_COUNT": "3", "GIT_CONFIG_KEY_0": "gpg.format", "GIT_CONFIG_VALUE_0": "ssh",
        "GIT_CONFIG_KEY_1": "user.signingkey", "GIT_CONFIG_VALUE_1": str(key),
        "GIT_CONFIG_KEY_2": "commit.gpgsign", "GIT_CONFIG_VALUE_2": "true",
    }  # fmt: skip


def build(config: Path, site: Path, trust_root: str | None = None) -> float:
    env = {
        **({"SMILEPRESS_TRUST_ROOT": trust_root} if trust_root else {}),
        "NO_MKDOCS_2_WARNING": "1",
        "SMILEPRESS_PROFILE": "public",
        "PATH": "/usr/bin:/bin",
        "HOME": str(Path.home()),
    }
    start = time.perf_counter()
    result = subprocess.run(
        [MKDOCS, "build", "-q", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build of {config} failed:\n{result.stderr[-3000:]}")
    shutil.rmtree(site, ignore_errors=True)
    return elapsed


def bench(name: str, pages, runs: int, tmp: Path) -> dict[str, list[float]]:
    configs = make_projects(pages, tmp / name, status="review")
    roots = {v: approve_everything(configs[v].parent) for v in VARIANTS if v != "plain"}
    times: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for run in range(runs):
        for variant in VARIANTS:
            site = tmp / name / f"site-{variant}"
            times[variant].append(build(configs[variant], site, roots.get(variant)))
        print(
            f"  {name} run {run + 1}/{runs}: "
            + "  ".join(f"{v} {times[v][-1]:.1f}s" for v in VARIANTS),
            flush=True,
        )
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="oi-wiki,gen1000,gen5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="gen200, one run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    args = parser.parse_args()
    corpora, runs = (["gen200"], 1) if args.quick else (args.corpus.split(","), args.runs)
    tmp = Path(tempfile.mkdtemp(prefix="smilepress-bench-"))
    rows = []
    try:
        for name in corpora:
            pages = (
                oi_wiki(tmp) if name == "oi-wiki" else generated(int(name.removeprefix("gen")), tmp)
            )
            print(
                f"{name}: {len(pages)} pages, "
                f"{sum(len(b) for _, _, b in pages) / 1e6:.2f} M characters",
                flush=True,
            )
            times = bench(name, pages, runs, tmp)
            med = {v: statistics.median(t) for v, t in times.items()}
            rows.append((name, len(pages), med))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nmedians of {runs} interleaved run(s):")
    print(
        f"{'corpus':<9} {'pages':>6} {'plain s':>8} {'ours s':>8} {'half s':>8} "
        f"{'ours/plain':>11} {'half/ours':>10}"
    )
    for name, n, med in rows:
        ratio, half = med["ours"] / med["plain"], med["half"] / med["ours"]
        print(
            f"{name:<9} {n:>6} {med['plain']:>8.1f} {med['ours']:>8.1f} {med['half']:>8.1f} "
            f"{ratio:>7.2f} {'ok' if ratio <= 1.15 else 'MISS':<4}"
            f"{half:>6.2f} {'ok' if half <= 0.6 else 'MISS'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
