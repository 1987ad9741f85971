#!/usr/bin/env python3
"""Compliance-check benchmark, side by side in one run. Prints medians and ratios.

1. Term matching, against the naive loop (`str.find` for every term over every document), on the
   real corpus (OI-wiki + hello-algo from ../shared/corpus), with two lists of 3,000 terms:
     dense  the corpus's own most frequent 2-4 character Chinese strings (thousands of hits)
     wide   3,000 terms with 3,000 distinct first characters (what real banned-word lists look like)
   "ours" is the whole checker (prose view, normalising, one automaton pass, context rules) with one
   `terms` rule holding the list. Goal: at least 50x the naive loop on both.
2. The default rule packs on the same corpus: MB/s.
3. A generated corpus of 10,000 articles in a throwaway project, `smilepress check` with every check
   (compliance, originality, images), each run a fresh process: cold (caches removed: read, render,
   check every file, in worker processes on every core; goal within 10 s), the same in one process
   (SMILEPRESS_WORKERS=1: what the workers save), warm (caches kept), and the re-check after one
   file changes (goal within 1 s). Cold runs alternate with and without workers.
4. With --build: a plain mkdocs-material build of OI-wiki, and a cold `smilepress check` of the
   same pages as a SmilePress project with the site's mkdocs.yml (every check, a fresh process) as
   a share of it (goal: at most 5 %); also the compliance checker alone on them, in this process.
5. One sentence without punctuation (tests/test_compliance.py's text: a negation, a run of N
   characters, a hit) at three lengths: the check must grow linearly (4x the text, about 4x the
   time; quadratic would be 16x). `--long-sentence-only` runs just this, without the corpus.

    .venv/bin/python scripts/bench_check.py [--runs 3] [--articles 10000] [--build]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))
sys.path.insert(0, str(REPO / "scripts"))

from bench_build import extract, make_projects, prose_paragraphs  # noqa: E402

from smilepress.checks.engine import Checker, Document  # noqa: E402
from smilepress.checks.rule_packs import Rule, RuleSet, load_rules  # noqa: E402
from smilepress.view.reader import read_page  # noqa: E402

TYPES = {"education", "ad", "faq", "case", "page"}
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def corpus(tmp: Path) -> list[str]:
    texts = []
    for archive, name in (("oi-wiki-docs.tar.gz", "oi"), ("hello-algo-zh-docs.tar.gz", "ha")):
        texts += [
            p.read_text(encoding="utf-8")
            for p in sorted(extract(archive, tmp / name).rglob("*.md"))
        ]
    return texts


def dense_terms(texts: list[str], n: int = 3000) -> list[str]:
    counts: Counter = Counter()
    for text in texts:
        for run in _HAN.findall(text):
            for size in (2, 3, 4):
                counts.update(run[i : i + size] for i in range(len(run) - size + 1))
    return [t for t, _ in counts.most_common(n)]


def wide_terms(texts: list[str], n: int = 3000) -> list[str]:
    chars = sorted({c for text in texts for c in _HAN.findall(text) for c in c})
    rng = random.Random(7)
    firsts = rng.sample(chars, min(n, len(chars)))
    return [f + "".join(rng.choice(chars) for _ in range(rng.randint(1, 3))) for f in firsts]


def naive(texts: list[str], terms: list[str]) -> int:
    hits = 0
    for text in texts:
        for term in terms:
            i = text.find(term)
            while i != -1:
                hits += 1
                i = text.find(term, i + 1)
    return hits


def terms_checker(terms: list[str]) -> Checker:
    rule = Rule(
        id="bench/terms",
        category="absolute-claim",
        type="terms",
        level="warning",
        message="m",
        basis="b",
        source="bench",
        terms=tuple(terms),
    )
    return Checker(RuleSet((rule,), (), "bench"))


def check_all(checker: Checker, texts: list[str]) -> int:
    today = dt.date.today()
    return sum(len(checker.check(Document("x.md", t, "education", {}), today)) for t in texts)


def match_all(checker: Checker, views: list[str]) -> int:
    """The term-matching pass alone, on normalised prose views."""
    return sum(len(checker._automaton.find_matches_as_indexes(v, overlapping=True)) for v in views)


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def megabytes(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


_TRIGGERS = [
    "本院拥有全市最好的种植团队。",
    "种植牙保证终身不松动。",
    "限时特价99元，点击预约！",
    "研究表明，90%的人都有牙结石。",
    "咨询电话：13812345678。",
    "第一磨牙一般在6岁左右萌出，最好饭后半小时再刷牙。",
    "保证充足睡眠。",
]


def generated_project(tmp: Path, n: int) -> Path:
    root = tmp / "gen-project"
    shutil.copytree(REPO / "policies", root / "policies")
    # Paragraphs of corpus sentences, each used once; when they run out, sentences with their
    # characters shuffled (real articles do not share whole sentences with ten others, or every one
    # would be a copy).
    sentences = [s + "。" for p in prose_paragraphs(tmp) for s in p.split("。") if len(s) >= 8]
    rng = random.Random(n)
    rng.shuffle(sentences)
    drawn = iter(range(10**9))

    def sentence() -> str:
        k = next(drawn)
        s = sentences[k % len(sentences)]
        return s if k < len(sentences) else "".join(rng.sample(s[:-1], len(s) - 1)) + "。"

    types = ["education", "faq", "case", "ad", "page"]
    for i in range(n):
        body = "\n\n".join(
            "".join(sentence() for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(2, 5))
        )
        if rng.random() < 0.3:
            body += "\n\n" + rng.choice(_TRIGGERS)
        type_ = types[i % len(types)]
        extra = "consent_ref: C-1\n" if type_ == "case" else ""
        path = root / "content" / f"s{i // 200:02d}" / f"a{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: 文章{i}\ntype: {type_}\nstatus: draft\nauthor: lixiaoyu\n"
            f"{extra}---\n\n{body}\n",
            encoding="utf-8",
        )
    return root


def smilepress_check(root: Path, *args: str, workers: str = "") -> tuple[float, float]:
    """Wall-clock seconds of one `smilepress check` and the CPU seconds it and its workers used
    (on a shared machine the wall clock also counts waiting for other people's processes)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SMILEPRESS_WORKERS": workers}
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "smilepress"), "check", "--format", "json", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.perf_counter() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        sys.exit(f"smilepress check failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed, now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median wall-clock time and the median CPU time of some runs."""
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def load() -> str:
    """The machine's load average over the last minute (it is shared: figures vary with it)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def long_sentence(chars: int) -> str:
    """A negation, `chars` characters without punctuation, a hit (the test's text at 200,000)."""
    return "---\ntitle: x\n---\n\n" + "我们不承诺无痛" + "牙" * chars + "最佳\n"


def bench_long_sentence(runs: int) -> None:
    print("\n5. one sentence without punctuation, the default packs (medians)")
    packs = Checker(load_rules(REPO, TYPES))
    today = dt.date.today()
    sizes = (50_000, 100_000, 200_000)
    times = {}
    for n in sizes:
        doc = Document("x.md", long_sentence(n), "education", {"title": "x"})
        times[n] = timed(lambda doc=doc: packs.check(doc, today), runs)[0]
    for n in sizes:
        growth = n / sizes[0]
        print(
            f"  {n:>7,} characters  {times[n]:.3f} s = {times[n] / times[sizes[0]]:.1f}x the "
            f"shortest (linear {growth:.0f}x, quadratic {growth**2:.0f}x)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument(
        "--naive-mb", type=float, default=0.6, help="MB of the corpus the naive loop runs on"
    )
    parser.add_argument(
        "--build", action="store_true", help="also time a plain mkdocs-material build of OI-wiki"
    )
    parser.add_argument(
        "--long-sentence-only", action="store_true", help="only 5. (needs no corpus)"
    )
    args = parser.parse_args()
    if args.long_sentence_only:
        bench_long_sentence(args.runs)
        return 0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        texts = corpus(tmp)
        sample, size = [], 0.0
        for t in texts:  # the naive loop is slow: it runs on a slice, ours on the same slice
            if size >= args.naive_mb:
                break
            sample.append(t)
            size += len(t.encode("utf-8")) / 1e6
        print(
            f"corpus: {len(texts)} files, {megabytes(texts):.2f} MB; "
            f"naive-loop slice {megabytes(sample):.2f} MB"
        )

        print("\n1. 3,000 terms: naive str.find loop vs SmilePress (medians)")
        for name, terms in (("dense", dense_terms(texts)), ("wide", wide_terms(texts))):
            checker = terms_checker(terms)
            t_naive, hits = timed(partial(naive, sample, terms), 1)
            t_ours, found = timed(partial(check_all, checker, sample), args.runs)
            mb = megabytes(sample)
            views = [read_page(t).view.text for t in sample]
            t_match, _ = timed(partial(match_all, checker, views), args.runs)
            print(
                f"  {name:5}  naive {mb / t_naive:6.2f} MB/s ({hits} hits)   "
                f"whole check {mb / t_ours:6.1f} MB/s ({found} findings) "
                f"= {t_naive / t_ours:5.1f}x   matching pass alone {mb / t_match:6.0f} MB/s "
                f"= {t_naive / t_match:5.0f}x (goal >= 50x)"
            )

        print("\n2. default rule packs on the whole corpus")
        packs = Checker(load_rules(REPO, TYPES))
        t_packs, found = timed(lambda: check_all(packs, texts), args.runs)
        print(
            f"  {megabytes(texts):.2f} MB in {t_packs:.2f} s = "
            f"{megabytes(texts) / t_packs:.1f} MB/s ({found} findings)"
        )

        print(
            f"\n3. {args.articles} generated articles, `smilepress check` with every check "
            f"(fresh process each; {os.cpu_count()} cores, load {load()} before)"
        )
        root = generated_project(tmp, args.articles)
        cache = root / ".smilepress-cache"
        colds, serial, warms, changed = [], [], [], []
        one = root / "content" / "s00" / "a00000.md"
        for run in range(args.runs):
            shutil.rmtree(cache, ignore_errors=True)
            serial.append(smilepress_check(root, workers="1"))
            shutil.rmtree(cache, ignore_errors=True)
            colds.append(smilepress_check(root))
            warms.append(smilepress_check(root))
            one.write_text(
                one.read_text(encoding="utf-8") + f"\n补充第 {run} 次。\n", encoding="utf-8"
            )
            changed.append(smilepress_check(root, str(one.relative_to(root))))
            print(
                f"  run {run + 1}/{args.runs} (wall s / CPU s): one process {serial[-1][0]:.1f} / "
                f"{serial[-1][1]:.1f}, workers {colds[-1][0]:.1f} / {colds[-1][1]:.1f}, warm "
                f"{warms[-1][0]:.1f} / {warms[-1][1]:.1f}, one file {changed[-1][0]:.2f} / "
                f"{changed[-1][1]:.2f}; load {load()}",
                flush=True,
            )
        cold, alone = median(colds), median(serial)
        print(
            f"  medians: cold {cold[0]:.2f} s (goal <= 10 s; CPU {cold[1]:.1f} s); in one process "
            f"{alone[0]:.2f} s = {alone[0] / cold[0]:.2f}x (CPU {alone[1]:.1f} s); "
            f"warm {median(warms)[0]:.2f} s (CPU {median(warms)[1]:.1f} s); one changed file "
            f"{median(changed)[0]:.2f} s (goal <= 1 s; CPU {median(changed)[1]:.2f} s)"
        )

        if args.build:
            print("\n4. the check stage against a plain mkdocs-material build of OI-wiki")
            from bench_build import build, oi_wiki

            pages = oi_wiki(tmp)
            configs = make_projects(pages, tmp / "build")
            plain = statistics.median(
                build(configs["plain"], tmp / "build" / "site") for _ in range(args.runs)
            )
            ours = configs["ours"].parent  # the pages as articles, the site's mkdocs.yml
            checks = []
            for _ in range(args.runs):
                shutil.rmtree(ours / ".smilepress-cache", ignore_errors=True)
                checks.append(smilepress_check(ours))
            check, check_cpu = median(checks)
            oi_texts = [body for _, _, body in pages]
            t_oi, _ = timed(lambda: check_all(packs, oi_texts), args.runs)
            print(
                f"  plain build {plain:.1f} s; cold `smilepress check` of the same "
                f"{len(pages)} pages (every check, a fresh process) {check:.2f} s = "
                f"{100 * check / plain:.1f} % (goal <= 5 %; CPU {check_cpu:.1f} s); "
                "the compliance checker alone, "
                f"in one process, {t_oi:.2f} s = {100 * t_oi / plain:.1f} %; "
                "a warm build reads cached findings"
            )
    bench_long_sentence(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
