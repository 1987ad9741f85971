"""A finding: one thing a check found in one file, where it is, why it matters and what to write
instead.

Every check (the compliance rule packs, originality, image licences) reports Findings; waivers, the
gate, `smilepress check` and the preview treat them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


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

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def blocking(self) -> bool:
        return self.level == "error" and not self.waived


def with_waiver(finding: Finding, note: str, counts: bool) -> Finding:
    return replace(finding, waiver=note, waived=counts)
