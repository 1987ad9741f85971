"""Material's search, made to find Chinese words: one fix in its worker.

The worker splits a Chinese query into the words of the index before searching (`fe` in
search.*.min.js): it tries every slice of the query except those that end at its last
character, so 报销 is searched as 报 (and finds 报告 first) and 数据安全 as 数据 (安全 is
dropped). Material 9 is at its end of life and its worker will not change again; the fix lets
the split reach the end of the query.
If a future worker does not contain the slice loop as written here, nothing is changed and the
build says so (the browser test's staff questions would then fail, not pass silently).
"""

from __future__ import annotations

from pathlib import Path

WORKER_GLOB = "assets/javascripts/workers/search.*.min.js"
SPLIT_LOOP = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e"
SPLIT_LOOP_FIXED = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e"


def fix_query_split(site_dir: Path) -> list[Path]:
    """Fix the query split in every search worker under `site_dir`; the workers that were not as
    expected (neither broken nor fixed) are returned."""
    unexpected = []
    for worker in sorted(site_dir.glob(WORKER_GLOB)):
        text = worker.read_text(encoding="utf-8")
        if SPLIT_LOOP in text:
            worker.write_text(text.replace(SPLIT_LOOP, SPLIT_LOOP_FIXED), encoding="utf-8")
        elif SPLIT_LOOP_FIXED not in text:
            unexpected.append(worker)
    return unexpected
