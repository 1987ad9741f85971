#!/usr/bin/env python3
"""KPI pages benchmark, in one run: the internal build with 5 years x 20 channels of monthly numbers
against the same build without them (goal: under 5 s added). Medians of interleaved runs.

    .venv/bin/python scripts/bench_kpis.py [--years 5] [--channels 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SMILEPRESS = str(Path(sys.executable).parent / "smilepress")


def project(where: Path, years: int, channels: int) -> Path:
    shutil.copytree(
        REPO,
        where,
        ignore=shutil.ignore_patterns(".venv", "site", ".git", ".smilepress-cache", "*.egg-info"),
    )
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=where, check=True)
    subprocess.run(
        ["git", "-c", "user.email=b@example.com", "-c", "user.name=b", "add", "-A"],
        cwd=where,
        check=True,
    )
    subprocess.run(
        ["git", "-c", "user.email=b@example.com", "-c", "user.name=b", "commit", "-qm", "x"],
        cwd=where,
        check=True,
    )
    metrics = where / "data" / "metrics"
    shutil.rmtree(metrics)
    metrics.mkdir(parents=True)
    rng = random.Random(years * 100 + channels)
    for year in range(2026 - years + 1, 2027):
        for month in range(1, 13):
            data = {"month": f"{year}-{month:02d}", "channels": {}}
            for c in range(channels):
                impressions = rng.randint(20000, 300000)
                clicks = int(impressions * rng.uniform(0.01, 0.05))
                consultations = int(clicks * rng.uniform(0.05, 0.1))
                appointments = int(consultations * 0.5)
                arrivals = int(appointments * 0.7)
                deals = int(arrivals * 0.4)
                data["channels"][f"渠道{c + 1:02d}"] = dict(
                    impressions=impressions,
                    clicks=clicks,
                    consultations=consultations,
                    appointments=appointments,
                    arrivals=arrivals,
                    deals=deals,
                    spend=clicks * 3,
                    revenue=deals * 2500,
                )
            (metrics / f"{year}-{month:02d}.yml").write_text(
                yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
            )
    return where


def build(root: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run(
        [SMILEPRESS, "build", "--profile", "internal", "--site-dir", str(root / "site-x")],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode != 0:
        sys.exit(result.stderr[-2000:])
    shutil.rmtree(root / "site-x", ignore_errors=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with_kpis = project(Path(tmp) / "with", args.years, args.channels)
        without = Path(tmp) / "without"
        shutil.copytree(with_kpis, without)
        (without / "policies" / "kpis.yml").unlink()  # no indicators: no KPI pages or reports
        times: dict[str, list[float]] = {"without": [], "with": []}
        for _ in range(args.runs):
            times["without"].append(build(without))
            times["with"].append(build(with_kpis))
        a, b = statistics.median(times["without"]), statistics.median(times["with"])
        months = 12 * args.years
        print(
            f"internal build, {months} months x {args.channels} channels: "
            f"without KPI pages {a:.1f} s, "
            f"with {b:.1f} s ({months} monthly reports, the dashboard and a page per indicator): "
            f"+{b - a:.1f} s (goal < 5 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
