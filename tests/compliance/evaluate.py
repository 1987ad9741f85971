"""Precision and recall of the default rule packs on the labeled set (tests/compliance/labeled.yml).

Run directly for the table: .venv/bin/python tests/compliance/evaluate.py [--misses] [OTHER.yml]
(another file in the same format, e.g. a held-out set, is scored the same way).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "plugins"))

from smilepress.checks.engine import Checker, Document  # noqa: E402
from smilepress.checks.rule_packs import CATEGORIES, load_rules  # noqa: E402

DEFAULT_META = {
    "ad": {
        "title": "【广告】星河口腔门诊部",
        "ad_approval_number": "(粤)医广【2026】第03-15-001号",
    },
    "case": {"consent_ref": "CONSENT-2026-0012"},
}
AS_OF = dt.date(2026, 11, 28)  # the day the labeled set is judged by (ID numbers' birth dates)
# Not labeled here: seo (advice), the originality categories (tests/originality) and sources.
SCORED = [
    c
    for c in CATEGORIES
    if c
    not in ("seo", "sources", "plagiarism", "self-duplicate", "image-licence", "image-duplicate")
]


def items(path: Path = HERE / "labeled.yml") -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def document(item: dict) -> Document:
    meta = item.get("meta")
    if meta is None:
        meta = DEFAULT_META.get(item["type"], {})
    meta = {"title": "示例文章", **meta}
    front = yaml.safe_dump({**meta, "type": item["type"]}, allow_unicode=True, sort_keys=False)
    return Document(
        f"labeled/{item['id']}.md", f"---\n{front}---\n\n{item['text']}", item["type"], meta
    )


def predicted(checker: Checker, item: dict) -> set[str]:
    return {
        f.category
        for f in checker.check(document(item), AS_OF)
        if f.level in ("error", "review", "warning") and f.category in SCORED
    }


def checker_for(path: Path) -> Checker:
    """The default rule packs with the identity of the clinics the set speaks for: the set's
    `<name>.clinics.yml` (the shape of policies/clinics.yml), or none, never the department's."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "policies" / "compliance", root / "policies" / "compliance")
        identity = path.with_name(path.stem + ".clinics.yml")
        if identity.is_file():
            shutil.copy(identity, root / "policies" / "clinics.yml")
        rules = load_rules(root, {"education", "ad", "faq", "case", "page"})
        assert not rules.problems, rules.problems
        return Checker(rules)


def evaluate(checker: Checker | None = None, path: Path = HERE / "labeled.yml"):
    checker = checker or checker_for(path)
    tp, fp, fn = Counter(), Counter(), Counter()
    misses = []
    for item in items(path):
        expected, got = set(item["expect"]), predicted(checker, item)
        for c in got & expected:
            tp[c] += 1
        for c in got - expected:
            fp[c] += 1
        for c in expected - got:
            fn[c] += 1
        if got != expected:
            misses.append((item, sorted(got - expected), sorted(expected - got)))
    table = {}
    for c in SCORED:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 1.0
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 1.0
        table[c] = (p, r, tp[c], fp[c], fn[c])
    return table, misses


def report(table) -> str:
    lines = [f"{'category':22} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for c, (p, r, tp, fp, fn) in table.items():
        lines.append(f"{c:22} {p:9.3f} {r:7.3f} {tp:4d} {fp:4d} {fn:4d}")
    return "\n".join(lines)


if __name__ == "__main__":
    files = [Path(a) for a in sys.argv[1:] if not a.startswith("--")]
    table, misses = evaluate(path=files[0] if files else HERE / "labeled.yml")
    print(report(table))
    if "--misses" in sys.argv:
        for item, extra, missing in misses:
            print(
                f"\n{item['id']} [{item['type']}] +{extra} -{missing}\n"
                f"  {item['text'].strip()[:200]}\n  note: {item.get('note', '')}"
            )
