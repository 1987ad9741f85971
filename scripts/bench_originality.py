#!/usr/bin/env python3
"""Copy-detection benchmark, in one run: the fingerprint index against brute-force pairwise
alignment.

Articles are generated from the paragraphs of the real corpus (../shared/corpus); a share of them
copy paragraphs of others, some lightly edited (a few characters swapped, sentences reordered). It
prints, medians where repeated:
  - building the index for N articles, cold (goal for 10,000: under 30 s) and warm from the cache;
  - checking one new article against the warm index (goal: under 200 ms);
  - index memory per paragraph (goal: at most 6 KB);
  - on a sample, the pairs brute force finds at the policy threshold, the share the index finds
    (goal: recall at least 0.95, no false pair after verification), and brute force / index time.

    .venv/bin/python scripts/bench_originality.py [--articles 10000] [--sample 400]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))
sys.path.insert(0, str(REPO / "scripts"))

from bench_build import prose_paragraphs  # noqa: E402

from smilepress.checks.originality import Library, Policy, align, coverage  # noqa: E402


def articles(n: int, paragraphs: list[str], seed: int = 1) -> dict[str, str]:
    rng = random.Random(seed)
    out: dict[str, str] = {}
    names = []
    for i in range(n):
        body = [rng.choice(paragraphs) for _ in range(rng.randint(3, 6))]
        if names and rng.random() < 0.1:  # a copy of paragraphs of an earlier article
            source = out[rng.choice(names)].split("\n\n")[2:]
            taken = rng.sample(source, min(len(source), rng.randint(1, 3)))
            if rng.random() < 0.5:  # lightly edited: a few characters swapped
                taken = [t.replace("的", "之", 2).replace("，", "。", 1) for t in taken]
            body[: len(taken)] = taken
            rng.shuffle(body)
        name = f"content/s{i // 200:02d}/a{i:05d}.md"
        out[name] = f"---\ntitle: 文章{i}\n---\n\n" + "\n\n".join(body) + "\n"
        names.append(name)
    return out


def brute_force(texts: dict[str, str], policy: Policy) -> set[tuple[str, str]]:
    """Every pair aligned both ways; kept when either side reaches the self-duplicate threshold."""
    lib = Library(REPO, policy, texts)
    docs = lib.index.docs
    pairs = set()
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            if (
                coverage(align(a.content, b.content, policy), a.content) >= policy.self_duplicate
                or coverage(align(b.content, a.content, policy), b.content) >= policy.self_duplicate
            ):
                pairs.add((a.name, b.name))
    return pairs


def indexed(texts: dict[str, str], policy: Policy) -> set[tuple[str, str]]:
    lib = Library(REPO, policy, texts)
    pairs = set()
    for name in texts:
        for other, _passages, share in lib.matches(name):
            theirs = lib.share_of(lib.by_name[other.name], lib.by_name[name])
            if max(share, theirs) >= policy.self_duplicate:
                pairs.add(tuple(sorted((name, other.name))))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])  # the summary, wrapped
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    policy = Policy(reference_dir="no-such-dir")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        paragraphs = prose_paragraphs(tmp)
        texts = articles(args.articles, paragraphs)
        count = sum(t.count("\n\n") - 1 for t in texts.values())
        cache = tmp / "cache"
        start = time.perf_counter()
        lib = Library(REPO, policy, texts, cache)
        for doc in lib.index.docs:  # cold means every text read and fingerprinted
            len(doc.content)
        lib.save()  # fingerprints every text and writes them to the cache
        cold = time.perf_counter() - start
        warms = []
        for _ in range(args.runs):
            start = time.perf_counter()
            lib = Library(REPO, policy, texts, cache)
            lib.index.candidates(0)  # sorts the index
            lib.save()
            warms.append(time.perf_counter() - start)
        new_name = "content/new.md"
        new_text = texts[next(iter(texts))].replace("文章0", "新文章")
        lib = Library(REPO, policy, {**texts, new_name: new_text}, cache)
        lib.index.candidates(0)
        checks = []
        for _ in range(args.runs):
            lib.pairs.clear()  # align afresh: the pair cache would make this a lookup
            start = time.perf_counter()
            found = lib.matches(new_name)
            checks.append(time.perf_counter() - start)
        per_paragraph = lib.index.memory_bytes() / count
        print(f"{args.articles} articles, {count} paragraphs")
        print(
            f"  index build cold {cold:.1f} s (goal < 30 s), "
            f"warm from cache {statistics.median(warms):.2f} s"
        )
        print(
            f"  one new article against the warm index: {1000 * statistics.median(checks):.0f} ms "
            f"(goal < 200 ms), {len(found)} matching articles"
        )
        print(f"  index memory {per_paragraph:.0f} bytes per paragraph (goal <= 6 KB)")

        sample = dict(list(articles(args.sample, paragraphs, seed=2).items()))
        start = time.perf_counter()
        truth = brute_force(sample, policy)
        t_brute = time.perf_counter() - start
        start = time.perf_counter()
        got = indexed(sample, policy)
        t_index = time.perf_counter() - start
        recall = len(truth & got) / len(truth) if truth else 1.0
        print(
            f"\n{args.sample}-article sample: brute force {t_brute:.1f} s finds {len(truth)} pairs "
            f"at the {policy.self_duplicate:.0%} self-duplicate threshold; "
            f"index {t_index:.2f} s finds {len(got & truth)} of them "
            f"(recall {recall:.3f}, goal >= 0.95), {len(got - truth)} others; "
            f"brute force / index = {t_brute / t_index:.0f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
