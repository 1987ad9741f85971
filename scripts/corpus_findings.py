#!/usr/bin/env python3
"""False alarms on writing by others: the default rule packs over the real corpora in
../shared/corpus.

OI-wiki and hello-algo are technical Chinese texts with no advertising, no patients and no clinic:
every error-level finding there is worth a look (a real <iframe> or a contact e-mail is right to
flag; a 唯一解 or a 零元素 is not). Each file is checked as the given content type. Prints the share
of files that would be kept off the site, counts by rule, and examples.

    .venv/bin/python scripts/corpus_findings.py [--type page] [--examples 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))
sys.path.insert(0, str(REPO / "scripts"))

from bench_build import extract  # noqa: E402

from smilepress.checks.engine import Checker, Document  # noqa: E402
from smilepress.checks.rule_packs import load_rules  # noqa: E402

_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])  # the summary, wrapped
    parser.add_argument(
        "--type", default="page", help="content type to check the files as (default: page)"
    )
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args()
    checker = Checker(load_rules(REPO, {"education", "ad", "faq", "case", "page"}))
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for archive, name in (("oi-wiki-docs.tar.gz", "oi"), ("hello-algo-zh-docs.tar.gz", "ha")):
            root = extract(archive, Path(tmp) / name)
            files += [
                (p.relative_to(root).as_posix(), p.read_text(encoding="utf-8"))
                for p in sorted(root.rglob("*.md"))
            ]
        blocked, by_rule, examples = 0, Counter(), defaultdict(list)
        for path, text in files:
            body = _FRONT_MATTER.sub("", text)
            doc = Document(
                path, f"---\ntitle: x\ntype: {args.type}\n---\n\n{body}", args.type, {"title": "x"}
            )
            found = checker.check(doc, dt.date.today())
            errors = [f for f in found if f.level == "error"]
            blocked += bool(errors)
            for f in found:
                if f.level in ("error", "warning"):
                    by_rule[(f.level, f.rule)] += 1
                    if len(examples[f.rule]) < args.examples:
                        examples[f.rule].append(f"{path}:{f.line} {f.match[:30]!r}")
    print(
        f"{len(files)} files checked as {args.type}: {blocked} "
        f"({100 * blocked / len(files):.1f} %) would be kept off the site"
    )
    for (level, rule), n in by_rule.most_common():
        print(f"  {level:7} {n:5}  {rule:32} e.g. {'; '.join(examples[rule])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
