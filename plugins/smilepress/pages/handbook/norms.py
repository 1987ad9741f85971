"""Chapter 3's work norms (norms.yml): one page of the regulation's wording."""

from __future__ import annotations

from .addresses import POLICY_PAGES
from .book import Handbook
from .policy import footer, sections


def pages(book: Handbook) -> dict[str, str]:
    # The page's title replaces its first section's heading (both say 工作规范).
    wording = sections(book, "norms.yml").split("\n", 2)[2]
    return {POLICY_PAGES["norms.yml"]: "# 工作规范\n\n" + wording + footer(book, "norms.yml")}
