"""Captions the site generates from an article's data: the credit under a picture.

A picture whose licence asks for credit (or that has a `credit`) gets a caption on the page,
"图片：张三 / CC BY 4.0", made from the `credit` in the article's front matter or in the picture's
sidecar (images.picture_credits). No Markdown holds that text, so the wording rules would never read
it: here each caption is checked as the page shows it, with the same rule packs and the article's
content type. A finding is the article's (the gate keeps the article off the site, like any
finding) and points at the file, line and column where the credit is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..model.findings import Finding
from .engine import Checker, Document
from .images import Credit
from .textview import SHOWN_AS_IS

# Rules about the article as a whole (a required field, the ad label in its title): the article's
# own check applies them; a caption is no article.
_WHOLE_ARTICLE = ("required", "label")


def caption_findings(
    checker: Checker, captions: list[Credit], content_type: str, today: dt.date
) -> list[Finding]:
    """The findings in the `captions` of one article of `content_type`."""
    out = []
    for credit in captions:
        shown = " ".join(credit.caption.split()).translate(SHOWN_AS_IS)  # one line, as shown
        doc = Document(credit.path, f"\n{shown}\n", content_type, {})
        for f in checker.check(doc, today):
            rule = checker.ruleset.by_id.get(f.rule)
            if f.line == 2 and rule is not None and rule.type not in _WHOLE_ARTICLE:
                out.append(_at_credit(f, credit))
    return out


def _at_credit(f: Finding, credit: Credit) -> Finding:
    """The finding `f` in a caption, moved to where its credit is written."""
    column = credit.column + max(0, f.column - 1 - credit.offset)
    end = credit.column + max(0, f.end_column - 1 - credit.offset) if f.end_line == 2 else column
    return replace(
        f,
        path=credit.path,
        line=credit.line,
        column=column,
        end_line=credit.line,
        end_column=max(end, column),
        message=(
            f"图片 {credit.src} 下方会显示说明“{credit.caption}”"
            f"（{credit.path} 第 {credit.line} 行的 credit）：{f.message}"
        ),
    )
