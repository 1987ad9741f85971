"""README's five-minute tour, replayed exactly as printed: every `$` line of its output block is
run in a fresh clone of this repository, in order, and what it prints must be the lines README shows
under it. Commits are dated as in README (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE) and the day is fixed
(SMILEPRESS_AS_OF); only commit ids and the time an approval records (the real moment, on purpose)
are normalised. A README whose tour cannot be followed, or whose output drifts from the tool's,
fails here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
TOUR_HEADING = "## A five-minute tour"
WHEN = "2026-12-03T20:58:00+08:00"  # the commits' date in README's output
COMMIT = re.compile(r"(?<![0-9a-f])[0-9a-f]{7,40}(?![0-9a-f])")
APPROVED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def tour() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for each `$` line of the tour's text block."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(TOUR_HEADING) :]
    block = section[section.index("```text\n") + len("```text\n") :]
    block = block[: block.index("```")]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"README's tour starts with output, not a command: {line!r}"
            steps[-1][1].append(line)
    return steps


def normalised(lines: list[str]) -> list[str]:
    return [APPROVED_AT.sub("<时间>", COMMIT.sub("<提交>", line)).rstrip() for line in lines]


def test_readme_has_a_tour_of_every_step():
    commands = [c for c, _ in tour()]
    for verb in ("new", "submit", "approve", "publish", "show", "log"):
        assert any(f"smilepress {verb}" in c for c in commands), verb
    line = "已提交 4a62e4e（…）2026-12-04T05:38:38+08:00"
    assert normalised([line]) == ["已提交 <提交>（…）<时间>"]


@pytest.mark.skipif(
    subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    != "false",
    reason="needs the repository's full git history (approvals are proven by git)",
)
def test_the_tour_runs_as_printed(tmp_path):
    clone = tmp_path / "tour"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    trust_root = re.search(
        r"^export SMILEPRESS_TRUST_ROOT \?= (\S+)$",
        (clone / "Makefile").read_text(encoding="utf-8"),
        re.M,
    ).group(1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMILEPRESS_", "GIT_CONFIG"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        SMILEPRESS_TRUST_ROOT=trust_root,
        SMILEPRESS_AS_OF=WHEN[:10],
        GIT_AUTHOR_DATE=WHEN,
        GIT_COMMITTER_DATE=WHEN,
        GIT_CONFIG_NOSYSTEM="1",
        NO_MKDOCS_2_WARNING="1",
    )
    for command, expected in tour():
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert normalised(result.stdout.splitlines()) == normalised(expected), (
            f"README's tour: `{command}` printed\n{result.stdout}"
        )
