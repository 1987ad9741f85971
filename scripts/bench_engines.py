#!/usr/bin/env python3
"""Engine benchmark: SmilePress under MkDocs and under Zensical against plain Material and plain
Zensical, on the same corpus, in one run.

Four builds of the OI-wiki public site (../shared/corpus, 465 pages, every page publishable), each
in a fresh process, interleaved (run 1 of each, then run 2 of each, ...) so that the machine's noise
hits all of them alike:

  material        plain mkdocs-material: theme material (zh), search with jieba, the Markdown as is
  zensical        plain Zensical on the same project (`zensical build --clean`: cold)
  ours            `smilepress build --profile public`: every check, gate and leak guard (MkDocs)
  ours-zensical   `smilepress build --engine zensical --profile public`: the same, built by Zensical

Cold means no cache at all: plain Zensical with --clean, SmilePress with its cache folder
(.smilepress-cache: findings, originality index, Zensical's cache) removed. Then, in every run, one
article changes (a sentence added) and each is built again: the rebuild a writer waits for, with
every cache the previous builds left (MkDocs has none of its own).

It prints the medians and the ratios the engine issue asks for: ours/material (goal <= 1.10) and
ours-zensical/material (goal <= 0.90), cold and rebuilding.

    .venv/bin/python scripts/bench_engines.py             # 3 runs
    .venv/bin/python scripts/bench_engines.py --runs 5
    .venv/bin/python scripts/bench_engines.py --quick     # gen200, 1 run: a smoke test
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_build  # noqa: E402  (the corpus and the project folders, shared with it)

BIN = Path(sys.executable).parent
VARIANTS = ("material", "zensical", "ours", "ours-zensical")
GOALS = {"ours": 1.10, "ours-zensical": 0.90}
CHANGED_SENTENCE = "\n\n这一段是基准测试为模拟一次修改而加上的。\n"


def commands(projects: dict[str, Path], out: Path, cold: bool) -> dict[str, tuple[list, Path]]:
    """variant -> (command, folder it runs in)."""
    plain, ours = projects["plain"].parent, projects["ours"].parent
    return {
        "material": ([str(BIN / "mkdocs"), "build", "-q", "-d", str(out / "material")], plain),
        "zensical": ([str(BIN / "zensical"), "build", *(["--clean"] if cold else [])], plain),
        "ours": (
            [str(BIN / "smilepress"), "build", "--profile", "public", "--site-dir",
             str(out / "ours")],
            ours,
        ),
        "ours-zensical": (
            [str(BIN / "smilepress"), "build", "--engine", "zensical", "--profile", "public",
             "--site-dir", str(out / "ours-zensical")],
            ours,
        ),
    }  # fmt: skip


def timed(command: list, cwd: Path, trust_root: str) -> float:
    env = {
        "SMILEPRESS_TRUST_ROOT": trust_root,
        "NO_MKDOCS_2_WARNING": "1",
        "SMILEPRESS_PROFILE": "public",
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(Path.home()),
    }
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(
            f"{' '.join(command)} failed in {cwd}:\n{(result.stderr or result.stdout)[-3000:]}"
        )
    return elapsed


def change_one_article(projects: dict[str, Path], rel: str) -> None:
    """The same sentence added to the same article of both projects."""
    for variant, folder in (("plain", "docs"), ("ours", "content")):
        path = projects[variant].parent / folder / rel
        path.write_text(path.read_text(encoding="utf-8") + CHANGED_SENTENCE, encoding="utf-8")


def bench(pages, runs: int, tmp: Path) -> dict[str, list[float]]:
    projects = bench_build.make_projects(pages, tmp / "projects", ("plain", "ours"), "review")
    trust_root = bench_build.approve_everything(projects["ours"].parent)
    times: dict[str, list[float]] = {f"{v}{k}": [] for k in ("", " rebuild") for v in VARIANTS}
    for run in range(runs):
        for variant in VARIANTS:
            command, cwd = commands(projects, tmp / "out", cold=True)[variant]
            if variant.startswith("ours"):  # cold: no findings, originality or Zensical cache
                shutil.rmtree(cwd / ".smilepress-cache", ignore_errors=True)
            times[variant].append(timed(command, cwd, trust_root))
        change_one_article(projects, pages[run % len(pages)][0])
        for variant in VARIANTS:
            command, cwd = commands(projects, tmp / "out", cold=False)[variant]
            times[f"{variant} rebuild"].append(timed(command, cwd, trust_root))
        print(
            f"  run {run + 1}/{runs}: " + "  ".join(f"{k} {t[-1]:.1f}s" for k, t in times.items()),
            flush=True,
        )
    return times


def report(times: dict[str, list[float]], runs: int) -> None:
    med = {k: statistics.median(t) for k, t in times.items()}
    base = med["material"]
    print(f"\nmedians of {runs} interleaved run(s), ratio to plain Material's cold build:")
    print(f"{'build':<24} {'median s':>9} {'ratio':>7}  goal")
    for key, value in med.items():
        variant = key.removesuffix(" rebuild")
        goal = GOALS.get(variant) if key == variant else None
        verdict = (
            "" if goal is None else f"<= {goal:.2f} {'ok' if value / base <= goal else 'MISS'}"
        )
        print(f"{key:<24} {value:>9.1f} {value / base:>7.2f}  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="gen200, one run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smilepress-bench-engines-"))
    try:
        pages = bench_build.generated(200, tmp) if args.quick else bench_build.oi_wiki(tmp)
        runs = 1 if args.quick else args.runs
        print(f"{len(pages)} pages, {sum(len(b) for _, _, b in pages) / 1e6:.2f} M characters")
        report(bench(pages, runs, tmp), runs)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
