"""The rule packs measured on labeled text. `pytest -s` shows the tables.

Development sets (the rules were tuned on them: a regression guard at 0.95 per category, not
evidence): tests/compliance/labeled.yml (467 items) and labeled-2.yml (264 items), each with the
identity of the fictional clinics it speaks for. Real and held-out text (tests/compliance/real/,
issue 16): floors on the development part only; the test part's figures are printed, never tuned on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "compliance"))

import evaluate  # noqa: E402

GOAL = 0.95


SETS = [evaluate.HERE / "labeled.yml", evaluate.HERE / "labeled-2.yml"]


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_every_category_reaches_the_goal_on_the_labeled_set(path):
    table, misses = evaluate.evaluate(path=path)
    print(f"\n{path.name}\n" + evaluate.report(table))
    print(f"{len(misses)} of {len(evaluate.items(path))} items differ from their labels")
    below = {
        c: (round(p, 3), round(r, 3)) for c, (p, r, *_) in table.items() if p < GOAL or r < GOAL
    }
    assert not below, f"below {GOAL}: {below}"


def test_the_labeled_set_is_big_and_covers_every_type_and_category():
    items = evaluate.items()
    assert len(items) >= 250 and len({i["id"] for i in items}) == len(items)
    assert {i["type"] for i in items} == {"education", "ad", "faq", "case", "page"}
    labeled = {c for i in items for c in i["expect"]}
    assert set(evaluate.SCORED) <= labeled
    assert sum(1 for i in items if not i["expect"]) >= 100  # traps and clean text


# -- real text nobody here wrote (tests/compliance/real/, issue 16) -----------------------------
import real  # noqa: E402

# Floors for the development part only (the rules were tuned on it): a change that loses what
# was reached fails. The test part is never looked at while tuning; its figures are printed.
DEV_FLOORS = {
    "absolute-claim": 0.72,
    "efficacy-guarantee": 0.60,
    "cure-rate": 0.60,
    "comparison": 0.35,
    "endorsement": 0.38,
    "patient-testimonial": 0.42,
    "aesthetic-anxiety": 0.65,
    "inducement": 0.62,
    "disguised-ad": 0.38,
}
CLEAN_CEILING = 0.15  # share of clean health-education paragraphs with any claim finding


def test_real_text_development_part_holds_its_floors():
    table, _ = real.score("dev")
    print("\n" + real.report("dev", table))
    print(real.report("test", real.score("test")[0]))
    below = {
        c: round(k / n, 3)
        for c, (k, n, *_) in table.items()
        if c in DEV_FLOORS and k / n < DEV_FLOORS[c]
    }
    assert not below, f"below the development floors {DEV_FLOORS}: {below}"
    flagged, clean, *_ = table["(clean flagged)"]
    assert flagged / clean <= CLEAN_CEILING


def test_real_items_carry_their_source_and_the_split_keeps_a_site_on_one_side():
    items = [i for which in ("dev", "test") for i in real.items(which)]
    assert len(items) >= 1100 and all(i.get("source") for i in items)
    assert {c for i in items for c in i["expect"]} <= set(real.CLAIMS) | set(evaluate.SCORED)
    hosts = {}
    for i in items:
        if i["source"].startswith("http"):
            hosts.setdefault(real.urlsplit(i["source"]).hostname.removeprefix("www."), set()).add(
                real.part(i)
            )
    assert all(len(parts) == 1 for parts in hosts.values())
    assert {real.part(i) for i in items} == {"dev", "test"}
