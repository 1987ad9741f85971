"""Copy detection on labeled article pairs (tests/originality/pairs.yml): precision and recall, by
kind.

Each pair is an original A and a text B that copies it in some disguise (verbatim, synonyms,
reordered, punctuation, traditional, split or merged paragraphs, partial, mixed) or does not
(rewritten, same topic, unrelated, attributed quotation). B counts as copied when the passages it
shares with A cover at least the policy's plagiarism warning share of B. `pytest -s` prints the
table.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from smilepress.checks.originality import Policy, align, content, coverage

PAIRS = Path(__file__).resolve().parent / "originality" / "pairs.yml"
GOAL = 0.95


def predicted(pair: dict, policy: Policy) -> tuple[bool, float]:
    a, b = content(pair["a"], policy, exempt_quotes=False), content(pair["b"], policy)
    share = coverage(align(b, a, policy), b)
    return share >= policy.plagiarism_warning, share


@pytest.mark.skipif(not PAIRS.exists(), reason="labeled pairs not present")
def test_copies_are_found_and_independent_texts_are_not():
    policy = Policy()
    pairs = yaml.safe_load(PAIRS.read_text(encoding="utf-8"))
    tp = fp = fn = 0
    by_kind: Counter = Counter()
    wrong = []
    for pair in pairs:
        got, share = predicted(pair, policy)
        tp += got and pair["copied"]
        fp += got and not pair["copied"]
        fn += (not got) and pair["copied"]
        by_kind[(pair["kind"], got == pair["copied"])] += 1
        if got != pair["copied"]:
            wrong.append(
                f"{pair['id']} {pair['kind']}: share {share:.2f}, "
                f"labeled {'copied' if pair['copied'] else 'independent'}"
            )
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    kinds = sorted({k for k, _ in by_kind})
    print(f"\n{len(pairs)} pairs: precision {precision:.3f}, recall {recall:.3f}")
    for kind in kinds:
        right, total = by_kind[(kind, True)], by_kind[(kind, True)] + by_kind[(kind, False)]
        print(f"  {kind:12} {right}/{total} right")
    print("\n".join(wrong))
    assert len(pairs) >= 100
    assert precision >= GOAL and recall >= GOAL, wrong
