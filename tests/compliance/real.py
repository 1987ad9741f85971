"""The claim checks on real text nobody here wrote: advertising copy quoted in enforcement decisions
and news, and dental health-education paragraphs from public web sites (tests/compliance/real/).

Each item carries its source URL. The split into a development part (rules may be tuned on it) and a
test part (never looked at while tuning; its misses are never printed) is fixed by the source's
host, so one site's house style never sits on both sides:

    .venv/bin/python tests/compliance/real.py            # both parts: recall, precision, clean rate
    .venv/bin/python tests/compliance/real.py --misses   # the development part's misses only
    .venv/bin/python tests/compliance/real.py --set=enforcement   # one file of real/
    .venv/bin/python tests/compliance/real.py --dev      # the development part only (for tuning)

Scored: the claim categories. Recall counts error and review findings (a review finding routes the
article to its reviewer); error precision is over error-level findings only; the clean rate is the
share of clean health-education paragraphs (科普 and 问答) that get any claim finding at all.
"""

from __future__ import annotations

import hashlib
import math
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import yaml

HERE = Path(__file__).resolve().parent
REAL = HERE / "real"
sys.path.insert(0, str(HERE))

import evaluate  # noqa: E402

from smilepress.checks.rule_packs import CATEGORIES  # noqa: E402

# The claim categories: the rule packs' list up to disguised-ad (one list, never copied).
CLAIMS = CATEGORIES[: CATEGORIES.index("disguised-ad") + 1]
COUNTED = ("error", "review")
EDUCATION = ("education", "faq")  # the clean rate is over health-education paragraphs
SPLIT_SALT = "smilepress-real-split-v1"  # never change: it would mix the test part into tuning


def part(item: dict) -> str:
    """'test' or 'dev', by the source's host (half of the hosts each); a synthetic item (written
    by a helper who never saw the rules, `source: synthetic`) by its id."""
    source = str(item.get("source", ""))
    host = urlsplit(source).hostname or ""
    key = host.removeprefix("www.") if host else f"{source}:{item['id']}"
    return "test" if hashlib.sha256(f"{SPLIT_SALT}:{key}".encode()).digest()[0] % 2 else "dev"


def items(which: str, sets: tuple[str, ...] = ()) -> list[dict]:
    out = []
    for path in sorted(REAL.glob("*.yml")):
        if not sets or path.stem in sets:
            items = yaml.safe_load(path.read_text(encoding="utf-8"))
            out += [dict(i, set=path.stem) for i in items if part(i) == which]
    return out


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson interval of a proportion k/n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def findings(checker, item: dict) -> list:
    return [
        f
        for f in checker.check(evaluate.document(item), evaluate.AS_OF)
        if f.category in CLAIMS and not f.waived
    ]


def score(which: str, sets: tuple[str, ...] = ()) -> tuple[dict, list]:
    checker = evaluate.checker_for(REAL / "none.yml")  # real text: no clinic of ours
    found_c, wanted_c = Counter(), Counter()
    error_tp, error_all = Counter(), Counter()
    clean = flagged_clean = 0
    misses = []
    for item in items(which, sets):
        expected = set(item["expect"]) & set(CLAIMS)
        got = findings(checker, item)
        counted = {f.category for f in got if f.level in COUNTED}
        for c in expected:
            wanted_c[c] += 1
            found_c[c] += c in counted
        for f in {(f.category, f.line, f.column): f for f in got if f.level == "error"}.values():
            error_all[f.category] += 1
            error_tp[f.category] += f.category in expected
        if not item["expect"] and item["type"] in EDUCATION:
            clean += 1
            flagged_clean += bool(counted)
        if expected - counted or (counted - expected and not expected - counted):
            misses.append((item, sorted(counted - expected), sorted(expected - counted)))
    table = {c: (found_c[c], wanted_c[c], error_tp[c], error_all[c]) for c in CLAIMS if wanted_c[c]}
    table["(clean flagged)"] = (flagged_clean, clean, 0, 0)
    return table, misses


def report(which: str, table: dict) -> str:
    lines = [
        f"{which}: {'category':20} {'recall':>7} {'95% CI':>13} {'n':>4}   {'error prec.':>11}"
    ]
    for c, (k, n, etp, eall) in table.items():
        lo, hi = wilson(k, n)
        prec = f"{etp / eall:.3f} ({eall})" if eall else "—"
        rate = k / n if n else 0.0
        lines.append(f"{'':6}{c:20} {rate:7.3f} [{lo:.2f}, {hi:.2f}] {n:4d}   {prec:>11}")
    etp = sum(v[2] for v in table.values())
    eall = sum(v[3] for v in table.values())
    lines.append(f"{'':6}error-level precision over all claim categories: {etp}/{eall}")
    return "\n".join(lines)


if __name__ == "__main__":
    only = tuple(a.removeprefix("--set=") for a in sys.argv[1:] if a.startswith("--set="))
    # tune with --dev: the test part stays unseen until the one final run
    parts = ("dev",) if "--dev" in sys.argv else ("dev", "test")
    for which in parts:
        table, misses = score(which, only)
        print(report(which, table))
        if which == "dev" and "--misses" in sys.argv:
            for item, extra, missing in misses:
                print(
                    f"\n{item['id']} [{item['type']}] +{extra} -{missing}\n"
                    f"  {item['text'].strip()[:240]}\n  note: {item.get('note', '')}"
                )
