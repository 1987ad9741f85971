#!/usr/bin/env python3
"""Handbook benchmark, in one run: the internal build of the sample project with the handbook (the
regulation's data checked clause by clause, 19 generated pages with SVG diagrams and revision
histories) against the same build without the handbook's policy files. Medians of interleaved
runs, and the ratio.

    .venv/bin/python scripts/bench_handbook.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))
from bench_kpis import build  # noqa: E402 (same folder: one way to time an internal build)

from smilepress.model.regulation import FILES  # noqa: E402

HANDBOOK_ONLY = [
    name for name in FILES if name != "roles.yml"
]  # roles.yml also serves the workflow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with_handbook = Path(tmp) / "with"
        subprocess.run(
            ["git", "clone", "-q", str(REPO), str(with_handbook)], check=True
        )  # history: approvals, changes
        without = Path(tmp) / "without"
        shutil.copytree(with_handbook, without)
        for name in HANDBOOK_ONLY:
            (without / "policies" / name).unlink()
        times: dict[str, list[float]] = {"without": [], "with": []}
        for _ in range(args.runs):
            times["without"].append(build(without))
            times["with"].append(build(with_handbook))
        a, b = statistics.median(times["without"]), statistics.median(times["with"])
        print(
            f"internal build of the sample project, medians of {args.runs}: "
            f"without the handbook {a:.2f} s, "
            f"with it {b:.2f} s: +{b - a:.2f} s, ratio {b / a:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
