#!/usr/bin/env python3
"""The leak guard's cost on the public build of a large corpus, measured in one run.

The OI-wiki corpus (465 Markdown pages in ../shared/corpus, extracted to a temporary folder, never
copied into the repository) becomes a SmilePress project with a git history of its own: the trust
root, then one commit signed with the sample manager's key that approves four pages in five (type
page: the manager's approval is all one needs) and leaves every fifth a draft. Then, run after run:

  build   `smilepress build --profile public` in a fresh process. The guard fingerprints and scans
          in a second process while MkDocs writes the pages; its line in the build log says what
          it cost the build: gathering the texts in the build's process, and the wait for the scan
          after MkDocs finished.
  alone   the guard by itself on the site just built, in this process: the watch, the
          fingerprints, every file read (wall and CPU time).
  compare (with --compare DIR) the same build with the plugins of another checkout, e.g. main
          before this guard, interleaved (every other run before the build above, so that a
          machine growing busier or quieter favours neither).

A first build, not counted, fills the caches (the checks' findings, the guard's texts), as every
build after the first finds them; its time is printed too. It prints the medians and the guard's
share of the build.

    .venv/bin/python scripts/bench_leak_guard.py                 # 3 runs
    .venv/bin/python scripts/bench_leak_guard.py --runs 5 --compare /work/main
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))
sys.path.insert(0, str(REPO / "scripts"))

import bench_build  # noqa: E402 (the corpus reader the build benchmark uses)

from smilepress.project import Project  # noqa: E402
from smilepress.report import leak_guard  # noqa: E402
from smilepress.workflow.front_matter_edit import append_to_list  # noqa: E402

SMILEPRESS = str(Path(sys.executable).parent / "smilepress")
AS_OF = "2026-11-28"
MANAGER, WRITER = "chensiyuan", "lixiaoyu"
PAGES_LINE = re.compile(r"public 版：收录 (\d+) 篇，排除 (\d+) 篇")
GUARD_LINE = re.compile(
    r"防泄漏检查（public 版）：读了 (\d+) 个文件，对照 (\d+) 份.*?准备 ([\d.]+) 秒，"
    r"扫描进程用时 ([\d.]+) 秒，构建结束后等待 ([\d.]+) 秒"
)


def git(root: Path, *args: str, env: dict | None = None) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    return done.stdout


def make_project(tmp: Path) -> tuple[Path, str, int]:
    """The corpus as a project whose approvals the signed history proves: (root, trust root,
    drafts)."""
    root = tmp / "project"
    shutil.copytree(REPO / "policies", root / "policies")
    shutil.copytree(REPO / "plugins" / "theme", root / "plugins" / "theme")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "部门配置", env=bench_build.signed_env(root, MANAGER))
    trust_root = git(root, "rev-parse", "HEAD").strip()
    pages = bench_build.oi_wiki(tmp)
    drafts = set(range(4, len(pages), 5))
    for i, (rel, title, body) in enumerate(pages):
        meta = {"title": title, "type": "page", "status": "draft" if i in drafts else "approved"}
        meta["author"] = WRITER
        body = bench_build._IMAGE.sub(lambda m: m.group(1), body)  # the archive has no pictures
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    project = Project(root)
    for i, (rel, _, _) in enumerate(pages):
        if i in drafts:
            continue
        path = root / "content" / rel
        approval = {
            "by": MANAGER,
            "role": "manager",
            "at": "2026-11-20T10:00:00+08:00",
            "digest": project.load(path).digest,
        }
        text = append_to_list(path.read_text(encoding="utf-8"), "approvals", approval)
        path.write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "稿件与批准", env=bench_build.signed_env(root, MANAGER))
    return root, trust_root, len(drafts)


def build(root: Path, trust_root: str, plugins: Path | None = None) -> tuple[float, dict]:
    """One public build in a fresh process: its wall time and the guard's line of its log."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SMILEPRESS_TRUST_ROOT": trust_root}
    if plugins is not None:  # another checkout's package first on the path
        env["PYTHONPATH"] = str(plugins)
    shutil.rmtree(root / "site", ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(
        [SMILEPRESS, "--as-of", AS_OF, "build", "--profile", "public"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"the build failed:\n{done.stderr[-3000:]}")
    found = GUARD_LINE.search(done.stderr)
    pages = PAGES_LINE.search(done.stderr)
    guard = {"published": int(pages.group(1)), "kept out": int(pages.group(2))} if pages else {}
    if found:
        files, texts, prepare, scan, wait = found.groups()
        guard |= {
            "files": int(files),
            "texts": int(texts),
            "prepare": float(prepare),
            "scan": float(scan),
            "wait": float(wait),
        }
    return elapsed, guard


def guard_alone(root: Path, trust_root: str) -> tuple[float, float]:
    """The guard by itself on the built site, in this process: (wall, CPU) seconds. The
    project's decisions (which the build makes anyway) are made before the clock starts."""
    project = Project(root, as_of=dt.date.fromisoformat(AS_OF), trust_root=trust_root)
    project.decisions("public")
    wall, cpu = time.perf_counter(), time.process_time()
    leaks = leak_guard.check_site(project, root / "site" / "public")
    if leaks:
        sys.exit("the guard found leaks in a clean site:\n" + "\n".join(map(str, leaks[:10])))
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="a checkout whose plugins/ to build with too")
    args = parser.parse_args()
    other = args.compare.resolve() / "plugins" if args.compare else None
    tmp = Path(tempfile.mkdtemp(prefix="smilepress-bench-guard-"))
    try:
        root, trust_root, drafts = make_project(tmp)
        pages = len(list((root / "content").rglob("*.md")))
        print(f"oi-wiki: {pages} pages, {drafts} of them drafts, as of {AS_OF}", flush=True)
        cold, guard = build(root, trust_root)  # the checks' and the guard's caches fill
        print(
            f"  first build, caches empty: {cold:.1f} s (guard: prepare {guard['prepare']:.2f} s, "
            f"wait after MkDocs {guard['wait']:.2f} s); the runs below are warm",
            flush=True,
        )
        rows: dict[str, list[float]] = {}
        for run in range(args.runs):
            measured = {}
            if other is not None and run % 2:  # every other run first: the machine's drift
                measured["compare build"] = build(root, trust_root, other)[0]
            seconds, guard = build(root, trust_root)
            wall, cpu = guard_alone(root, trust_root)
            measured |= {"build": seconds, "alone wall": wall, "alone cpu": cpu}
            measured |= {f"guard {k}": float(v) for k, v in guard.items()}
            if other is not None and not run % 2:
                measured["compare build"] = build(root, trust_root, other)[0]
            for key, value in measured.items():
                rows.setdefault(key, []).append(value)
            print(
                f"  run {run + 1}/{args.runs}: build {seconds:.1f} s (guard: prepare "
                f"{guard.get('prepare', 0):.2f} s, scan process {guard.get('scan', 0):.1f} s, "
                f"wait after MkDocs {guard.get('wait', 0):.2f} s); guard alone {wall:.1f} s wall, "
                f"{cpu:.1f} s CPU"
                + (f"; compare build {measured['compare build']:.1f} s" if other else ""),
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report({key: statistics.median(values) for key, values in rows.items()}, args.runs)
    return 0


def report(med: dict[str, float], runs: int) -> None:
    build = med["build"]
    in_build = med.get("guard prepare", 0) + med.get("guard wait", 0)
    count = {key: int(med.get(f"guard {key}", 0)) for key in ("published", "kept out", "files")}
    print(
        f"\nmedians of {runs} runs (public build: {count['published']} pages published, "
        f"{count['kept out']} kept out; {count['files']} files read against "
        f"{int(med.get('guard texts', 0))} texts that must not be there):"
    )
    print(f"  build                              {build:7.1f} s")
    print(f"  guard in the build's process        {med.get('guard prepare', 0):7.2f} s")
    print(f"  waiting for the scan after MkDocs   {med.get('guard wait', 0):7.2f} s")
    print(f"  guard's cost to the build          {in_build:7.2f} s  = {in_build / build:.1%}")
    print(f"  scan process (parallel to MkDocs)  {med.get('guard scan', 0):7.1f} s")
    print(
        f"  guard alone, one process           {med['alone wall']:7.1f} s wall, "
        f"{med['alone cpu']:.1f} s CPU  = {med['alone wall'] / build:.1%} of the build"
    )
    if "compare build" in med:
        print(
            f"  build with --compare's plugins     {med['compare build']:7.1f} s  "
            f"(this one / that one = {build / med['compare build']:.3f})"
        )


if __name__ == "__main__":
    sys.exit(main())
