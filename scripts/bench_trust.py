#!/usr/bin/env python3
"""What proving approvals by signatures costs (workflow/trust.py), side by side in one run.

1. The sample: a clone of this repository; a public build (`smilepress build --profile public`)
   with the signature cache cleared before every run (cold) and kept (warm), interleaved, and the
   ledger alone (reading the history since the trust root and every signature) cold and warm, in
   this process. Prints medians and the share of the warm build the ledger takes (goal: ≤ 5 %).
2. Linearity: throwaway repositories with N signed commits each; the cold cost of verifying them
   (one `git log %G?` pass) per commit, and the warm cost (cache by commit id), for growing N.

    .venv/bin/python scripts/bench_trust.py            # 5 runs, N = 50, 200, 800
    .venv/bin/python scripts/bench_trust.py --runs 3 --sizes 50,200
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))

from smilepress.load.signatures import CACHE_NAME, Signatures  # noqa: E402
from smilepress.project import Project  # noqa: E402

SMILEPRESS = str(Path(sys.executable).parent / "smilepress")


def sample_trust_root() -> str:
    found = re.search(r"SMILEPRESS_TRUST_ROOT \?= (\w+)", (REPO / "Makefile").read_text())
    if not found:
        sys.exit("Makefile names no SMILEPRESS_TRUST_ROOT")
    return found.group(1)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def build(clone: Path, root: str) -> None:
    subprocess.run(
        [SMILEPRESS, "--trust-root", root, "build", "--profile", "public"],
        cwd=clone,
        check=True,
        capture_output=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def ledger(clone: Path, root: str) -> None:
    project = Project(clone, trust_root=root)
    assert project.ledger.available, project.ledger.reason
    project.ledger.signatures.save()


def sample(runs: int) -> None:
    root = sample_trust_root()
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
        cache = clone / ".smilepress-cache" / CACHE_NAME
        times: dict[str, list[float]] = {
            k: [] for k in ("build cold", "build warm", "ledger cold", "ledger warm")
        }
        build(clone, root)  # caches of the other checks warm for both variants
        for _ in range(runs):
            cache.unlink(missing_ok=True)
            times["build cold"].append(timed(build, clone, root))
            times["build warm"].append(timed(build, clone, root))
            cache.unlink(missing_ok=True)
            times["ledger cold"].append(timed(ledger, clone, root))
            times["ledger warm"].append(timed(ledger, clone, root))
        commits = len(Project(clone, trust_root=root).ledger.walk)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"sample: {commits} commits since the trust root, {runs} runs, medians")
    for k, v in med.items():
        print(f"  {k:12} {v * 1000:8.0f} ms")
    print(f"  cold/warm build          {med['build cold'] / med['build warm']:.3f}")
    print(f"  warm ledger / warm build {med['ledger warm'] / med['build warm']:.3%}  (goal ≤ 5 %)")


def signed_repo(folder: Path, n: int, key: Path) -> list[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@example.com",
    }
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"]
    for i in range(n):
        subprocess.run(
            ["git", *sign, "commit", "-q", "-S", "--allow-empty", "-m", f"c{i}"],
            cwd=folder,
            check=True,
            env=env,
        )
    out = subprocess.run(["git", "rev-list", "HEAD"], cwd=folder, capture_output=True, text=True)
    return out.stdout.split()


def verify(repo: Path, cache: Path, shas: list[str]) -> None:
    sigs = Signatures(repo, cache)
    assert all(s.good for s in sigs.of(shas).values())
    sigs.save()


def linearity(sizes: list[int], runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "key"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        print("linearity: verifying N signed commits (one git log pass), medians")
        for n in sizes:
            repo = Path(tmp) / f"r{n}"
            shas = signed_repo(repo, n, key)
            cold, warm = [], []
            for _ in range(runs):
                cache = repo / "cache"
                shutil.rmtree(cache, ignore_errors=True)
                cache.mkdir()

                cold.append(timed(verify, repo, cache, shas))
                warm.append(timed(verify, repo, cache, shas))
            c, w = statistics.median(cold), statistics.median(warm)
            print(
                f"  N={n:5}  cold {c * 1000:7.0f} ms ({c / n * 1000:5.2f} ms/commit)  "
                f"warm {w * 1000:6.1f} ms  cold/warm {c / w:6.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="50,200,800")
    args = parser.parse_args()
    sample(args.runs)
    linearity([int(s) for s in args.sizes.split(",")], args.runs)


if __name__ == "__main__":
    main()
