"""A finding: one thing a check found in one file, where it is, why it matters and what to write
instead.

Every check (the compliance rule packs, originality, image licences) reports Findings; waivers, the
gate, `smilepress check` and the preview treat them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol


class Positions(Protocol):
    """Offsets into a text to 1-based (line, column) in characters (checks.textview.Lines)."""

    def position(self, offset: int) -> tuple[int, int]: ...


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    level: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    match: str
    message: str
    suggestion: str
    basis: str
    waiver: str = ""  # what the waiver that covers it says, or why it does not count
    waived: bool = False
    reviewer: str = ""  # a review finding: the role whose approval the article now needs

    @classmethod
    def at(
        cls,
        path: str,
        text: str,
        start: int,
        end: int,
        *,
        rule: str,
        category: str,
        level: str,
        message: str,
        suggestion: str = "",
        basis: str = "",
        match: str | None = None,
        lines: Positions | None = None,
    ) -> Finding:
        """A finding over text[start:end] of the file at `path` (offsets into the whole file,
        half-open): line and column from the offsets, `match` by default the text there. `lines`:
        the text's positions when a caller makes many findings in it."""
        where = lines.position if lines is not None else lambda offset: _position(text, offset)
        line, column = where(start)
        end_line, end_column = where(end) if end > start else (line, column)
        return cls(
            rule=rule,
            category=category,
            level=level,
            path=path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            match=text[start:end] if match is None else match,
            message=message,
            suggestion=suggestion,
            basis=basis,
        )

    @classmethod
    def on_line(
        cls,
        path: str,
        line: int,
        *,
        rule: str,
        category: str,
        level: str,
        message: str,
        suggestion: str = "",
        basis: str = "",
        column: int = 1,
        end_column: int | None = None,
        match: str = "",
    ) -> Finding:
        """A finding on one line (from `column` to `end_column`, default just there): a file's
        problem, a waiver's comment, an image's reference."""
        return cls(
            rule=rule,
            category=category,
            level=level,
            path=path,
            line=line,
            column=column,
            end_line=line,
            end_column=column if end_column is None else end_column,
            match=match,
            message=message,
            suggestion=suggestion,
            basis=basis,
        )

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def blocking(self) -> bool:
        return self.level == "error" and not self.waived

    @property
    def needs_review(self) -> bool:
        """Does not block by itself, but the article needs its reviewer's approval."""
        return self.level == "review" and bool(self.reviewer)


def with_waiver(finding: Finding, note: str, counts: bool) -> Finding:
    return replace(finding, waiver=note, waived=counts)


def clipped(text: str, limit: int = 200) -> str:
    """`text`, or its first characters and an ellipsis when it is longer than `limit`."""
    return text if len(text) <= limit else text[: limit - 3] + "…"


def _position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
