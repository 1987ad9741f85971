"""Problems are values: every one names a file, a line and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem with one input file, told to the person who can fix it (in Chinese)."""

    path: str
    line: int
    message: str
    hint: str = ""
    level: str = "error"  # error | warning | info
    col: int = 1

    def __str__(self) -> str:
        level = {"error": "错误", "info": "提示"}.get(self.level, "警告")
        text = f"{self.path}:{self.line}:{self.col}: {level}: {self.message}"
        return f"{text}（{self.hint}）" if self.hint else text


class SmilePressError(Exception):
    """Raised when work cannot go on; carries the problems that stopped it."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("", 0, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
