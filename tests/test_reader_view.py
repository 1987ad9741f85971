"""Red team for DESIGN 14, "check what the reader sees".

A writer who wants a claim past `smilepress check` disguises it so that the file no longer spells it
while a browser still shows it. Each disguise in tests/disguises.yml sits beside its plain twin in
a throwaway project and both go through the public CLI (`smilepress check FILES --format json`), so
the page is rendered with the project's own mkdocs.yml. The twins must give the same set of
(category, level) findings, and the disguised claim's findings must point at its line in the
writer's file. What a reader does not see (a comment, a URL) must give nothing beyond its neutral
twin. Hypothesis then puts invisible characters, character references and empty elements anywhere
inside plain claims.
"""

from __future__ import annotations

import contextlib
import html.entities
import io
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from helpers import ProjectFactory
from smilepress.cli import main

REPO = Path(__file__).resolve().parent.parent
DATA = yaml.safe_load(Path(__file__).with_name("disguises.yml").read_text(encoding="utf-8"))
FRONT = {
    "education": "title: 刷牙小知识\ntype: education\nstatus: draft\nauthor: lixiaoyu",
    "ad": "title: 广告：口腔检查\ntype: ad\nstatus: draft\nauthor: lixiaoyu\n"
    'ad_approval_number: "（粤）医广【2026】第05-18-0092号"',
}
NEUTRAL = "每天早晚刷牙，每次两分钟。"  # no claim: the findings every article of its type gets
NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
# Extensions added to the sample's mkdocs.yml: "notes" renders footnotes and abbreviations, and
# prints each page's tags (Material's tags plugin); the sample site prints no tags.
SITES = {"default": (), "notes": ("footnotes", "abbr")}
PRINTS_TAGS = {"notes"}
# The twins sit side by side in one project: copying between them is not what is measured here.
NOT_MEASURED = "originality/"  # plagiarism and self-duplicate
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # MkDocs reads files with universal newlines


# -- the cases, from the table --------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # the article's type
    site: str
    plain: str  # whole files
    disguised: str
    lines: frozenset[int]  # lines of the disguised file the claim is on
    shown: bool  # False: the reader does not see it; `plain` is the neutral twin
    same_text: bool  # the twins differ only in line endings or a BOM: the same lines too


def article(twin: str | dict, kind: str, newline: str = "lf", bom: bool = False) -> str:
    """A whole file: the type's front matter (a twin's own `front` lines replace theirs), body."""
    front, body = (twin["front"], twin["body"]) if isinstance(twin, dict) else ("", twin)
    own = front.rstrip("\n")
    keys = set(re.findall(r"^(\w+):", own, re.M))
    lines = [line for line in FRONT[kind].split("\n") if line.split(":")[0] not in keys]
    text = "---\n" + "\n".join([*lines, own] if own else lines) + f"\n---\n\n{body}\n"
    return ("\ufeff" if bom else "") + text.replace("\n", NEWLINES[newline])


def line_of(text: str, needle: str) -> int:
    assert needle in text, f"{needle!r} is not in the file"
    return len(_LINE_BREAK.findall(text, 0, text.index(needle))) + 1


def _with_claim(value, claim: str):
    if isinstance(value, str):
        return value.replace("{claim}", claim)
    if isinstance(value, list):
        return [_with_claim(v, claim) for v in value]
    if isinstance(value, dict):
        return {k: _with_claim(v, claim) for k, v in value.items()}
    return value


def _cases_of(entry: dict, shown: bool):
    text = json.dumps(entry, ensure_ascii=False)
    claims = DATA["claims"].items() if "{claim}" in text else [("", "")]
    for name, claim in claims:
        e = _with_claim(entry, claim)
        for kind in e.get("types", ["education", "ad"]):
            disguised = article(e["disguised"], kind, e.get("newline", "lf"), e.get("bom", False))
            needles = e.get("at", [])
            needles = [needles] if isinstance(needles, str) else needles
            lf = article(e["disguised"], kind)
            body_line = lf[: lf.index("\n---\n\n")].count("\n") + 4
            lines = frozenset(line_of(disguised, n) for n in needles) or frozenset({body_line})
            suffix = f"[{name}]" if name else ""
            yield Case(
                f"{e['id']}{suffix}-{kind}",
                kind,
                e.get("site", "default"),
                article(e["plain"], kind),
                disguised,
                lines,
                shown,
                e["plain"] == e["disguised"],
            )


CASES = [
    case
    for section, shown in (("shown", True), ("privacy", True), ("hidden", False))
    for entry in DATA[section]
    for case in _cases_of(entry, shown)
]


# -- the throwaway projects and the public CLI ----------------------------------------------------


@dataclass(frozen=True)
class Found:
    category: str
    level: str
    line: int


def check(project: ProjectFactory, rels: list[str]) -> dict[str, list[Found]]:
    """`smilepress check RELS --format json` in the project, findings by file."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(out):
        env.chdir(project.root)
        env.setenv("SMILEPRESS_TRUST_ROOT", project.trust_root)
        env.setenv("SMILEPRESS_DEBUG", "1")  # an internal error fails the case, not exit 2
        env.setenv("NO_MKDOCS_2_WARNING", "1")
        code = main(["check", *rels, "--format", "json"])
    assert code in (0, 1), f"check could not run (exit {code})"
    found: dict[str, list[Found]] = {rel: [] for rel in rels}
    for f in json.loads(out.getvalue()):
        if not f["rule"].startswith(NOT_MEASURED):
            found[f["path"]].append(Found(f["category"], f["level"], f["line"]))
    return found


def check_each(project: ProjectFactory, rels: list[str]) -> dict[str, list[Found] | Exception]:
    """All files in one run; if the checker breaks on some, halves until each is named."""
    try:
        return check(project, rels)
    except Exception as exc:  # noqa: BLE001 (one bad case must not hide the verdict on the others)
        if len(rels) == 1:
            return {rels[0]: exc}  # raised again by that case's test
        half = len(rels) // 2
        return check_each(project, rels[:half]) | check_each(project, rels[half:])


def write(project: ProjectFactory, rel: str, text: str) -> str:
    path = project.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))  # as typed: no newline translation
    return rel


def make_project(tmp_path_factory, site: str) -> ProjectFactory:
    project = ProjectFactory(tmp_path_factory.mktemp(site) / "proj", REPO)
    if SITES[site]:  # the site's configuration is the manager's (a governed path)
        added = "".join(f"  - {name}\n" for name in SITES[site])
        project.replace("mkdocs.yml", "  - admonition\n", f"  - admonition\n{added}")
        if site in PRINTS_TAGS:
            project.replace("mkdocs.yml", "plugins:\n", "plugins:\n  - tags\n")
        project.commit_all("Markdown：脚注与缩写；显示标签", "chensiyuan")
    return project


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, ProjectFactory]:
    return {site: make_project(tmp_path_factory, site) for site in SITES}


@pytest.fixture(scope="module")
def results(projects) -> dict[str, list[Found] | Exception]:
    """Every case's twins and each type's neutral article, checked once per site."""
    found = {}
    for site, project in projects.items():
        rels = [write(project, f"content/base/{kind}.md", article(NEUTRAL, kind)) for kind in FRONT]
        for n, case in enumerate(CASES):
            if case.site == site:
                rels.append(write(project, f"content/{case.kind}/c{n}-plain.md", case.plain))
                rels.append(
                    write(project, f"content/{case.kind}/c{n}-disguised.md", case.disguised)
                )
        for rel, findings in check_each(project, rels).items():
            found[f"{site}:{rel}"] = findings
    return found


def findings_of(results, site: str, rel: str) -> list[Found]:
    value = results[f"{site}:{rel}"]
    if isinstance(value, Exception):
        raise value
    return value


def pairs(findings: list[Found]) -> set[tuple[str, str]]:
    # Markup off the allow-list (<font>, <svg>, aria-label …) is an unsafe-html error of its own,
    # and the build removes it (test_unsafe_html.py); twins are compared on what they say.
    return {(f.category, f.level) for f in findings if f.category != "unsafe-html"}


# -- twins ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(len(CASES)), ids=[c.id for c in CASES])
def test_a_disguise_changes_nothing_the_reader_sees(results, n):
    case = CASES[n]
    base = pairs(findings_of(results, case.site, f"content/base/{case.kind}.md"))
    plain = findings_of(results, case.site, f"content/{case.kind}/c{n}-plain.md")
    disguised = findings_of(results, case.site, f"content/{case.kind}/c{n}-disguised.md")
    if not case.shown:
        assert pairs(disguised) == pairs(plain), "the reader does not see this: no finding"
        return
    claim = pairs(plain) - base
    assert claim, "the plain twin has no finding of its own: this case proves nothing"
    assert pairs(disguised) == pairs(plain), (
        f"missing {sorted(pairs(plain) - pairs(disguised))}, "
        f"extra {sorted(pairs(disguised) - pairs(plain))}"
    )
    if case.same_text:
        assert set(disguised) == set(plain), "only the line endings differ: the same findings"
    elsewhere = [
        f for f in disguised if (f.category, f.level) in claim and f.line not in case.lines
    ]
    assert not elsewhere, f"the claim is on line(s) {sorted(case.lines)}: {elsewhere}"


# -- properties: invisible characters, references and empty elements anywhere in a claim ----------

CLAIMS = DATA["property_claims"]
PREFIXES = range(3)  # neutral paragraphs before the claim: the findings' lines must follow
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): a browser draws none of them.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
IGNORABLE = [chr(c) for first, last in _IGNORABLE_RANGES for c in range(first, last + 1)]
# A right-to-left embedding, override or isolate turns what follows it around on the screen
# (最\u202e好。 shows 最。好): inserted closed, it hides nothing and shows nothing.
RIGHT_TO_LEFT = {"\u202b": "\u202c", "\u202e": "\u202c", "\u2067": "\u2069"}
INVISIBLE = st.one_of(
    st.sampled_from([c for c in IGNORABLE if c not in RIGHT_TO_LEFT]),
    st.sampled_from([opening + closing for opening, closing in RIGHT_TO_LEFT.items()]),
)
EMPTY_ELEMENTS = st.sampled_from(
    [
        "<span></span>",
        "<b></b>",
        "<i></i>",
        "<em></em>",
        "<strong></strong>",
        '<span class="x"></span>',
        "<a></a>",
        "<wbr>",
        "<!-- -->",
    ]
)
NAMED = {v: k for k, v in sorted(html.entities.html5.items(), reverse=True) if k.endswith(";")}


def reference(ch: str, form: str) -> str:
    if form == "named" and ch in NAMED:
        return f"&{NAMED[ch]}"
    return f"&#x{ord(ch):x};" if form == "hex" else f"&#{ord(ch)};"


def body(claim: str, prefix: int) -> str:
    return "正文。\n\n" * prefix + claim


@st.composite
def claims_with(draw, pieces):
    """(claim, its disguise): `pieces` put between characters, at 1..6 places."""
    claim = draw(st.sampled_from(CLAIMS))
    cuts = draw(st.lists(st.tuples(st.integers(1, len(claim) - 1), pieces), min_size=1, max_size=6))
    disguised = claim
    for at, piece in sorted(cuts, key=lambda cut: -cut[0]):
        disguised = disguised[:at] + piece + disguised[at:]
    return claim, disguised


@st.composite
def claims_as_references(draw):
    """(claim, its disguise): any characters written as decimal, hex or named references."""
    claim = draw(st.sampled_from(CLAIMS))
    forms = st.sampled_from(["decimal", "hex", "named"])
    chosen = draw(st.dictionaries(st.integers(0, len(claim) - 1), forms, min_size=1))
    disguised = "".join(reference(c, chosen[i]) if i in chosen else c for i, c in enumerate(claim))
    return claim, disguised


@st.composite
def claims_disguised_every_way(draw):
    """(claim, its disguise): references, then invisible characters (typed or as references) and
    empty elements between them."""
    claim = draw(st.sampled_from(CLAIMS))
    forms = st.sampled_from([None, "decimal", "hex", "named"])
    chosen = draw(st.lists(forms, min_size=len(claim), max_size=len(claim)))
    units = [c if f is None else reference(c, f) for c, f in zip(claim, chosen, strict=True)]
    invisible_reference = INVISIBLE.map(lambda chars: "".join(reference(c, "hex") for c in chars))
    pieces = st.one_of(INVISIBLE, invisible_reference, EMPTY_ELEMENTS)
    cuts = draw(st.lists(st.tuples(st.integers(1, len(claim) - 1), pieces), max_size=6))
    for at, piece in sorted(cuts, key=lambda cut: -cut[0]):
        units.insert(at, piece)
    return claim, "".join(units)


@pytest.fixture(scope="module")
def small_project(tmp_path_factory) -> ProjectFactory:
    """A project of its own: one file checked per example, with few others beside it."""
    return make_project(tmp_path_factory, "default")


@pytest.fixture(scope="module")
def plain_claims(small_project) -> dict[tuple[str, int, str], set[Found]]:
    """Each property claim, after 0..2 neutral paragraphs, in each type: its findings."""
    project = small_project
    keys = list(itertools.product(FRONT, PREFIXES, CLAIMS))
    rels = [
        write(project, f"content/plain/{n}.md", article(body(claim, prefix), kind))
        for n, (kind, prefix, claim) in enumerate(keys)
    ]
    rels.append(write(project, "content/plain/neutral.md", article(NEUTRAL, "education")))
    found = check(project, rels)
    neutral = pairs(found.pop(rels[-1]))
    plain = {key: set(found[rel]) for key, rel in zip(keys, rels[:-1], strict=True)}
    for (kind, _, claim), findings in plain.items():
        assert pairs(findings) - neutral, f"{claim} is no finding in an article of type {kind}"
    return plain


_disguise_numbers = itertools.count()


def _holds(project, plain_claims, kind: str, prefix: int, claim: str, disguised: str) -> None:
    rel = f"content/property/{next(_disguise_numbers)}.md"
    write(project, rel, article(body(disguised, prefix), kind))
    found = set(check(project, [rel])[rel])
    plain = plain_claims[kind, prefix, claim]
    assert found == plain, (
        f"{disguised!r} ({kind}): missing {sorted(plain - found, key=str)}, "
        f"extra {sorted(found - plain, key=str)}"
    )


KINDS = st.sampled_from(list(FRONT))
PREFIX = st.sampled_from(PREFIXES)
# Each example is a run of the CLI: a few, and no shrinking (the claims are short to read anyway).
PROPERTY = settings(
    max_examples=12, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate)
)


@PROPERTY
@given(disguise=claims_with(INVISIBLE), kind=KINDS, prefix=PREFIX)
def test_invisible_characters_anywhere_change_no_finding_nor_its_line(
    small_project, plain_claims, disguise, kind, prefix
):
    _holds(small_project, plain_claims, kind, prefix, *disguise)


@PROPERTY
@given(disguise=claims_as_references(), kind=KINDS, prefix=PREFIX)
def test_character_references_change_no_finding_nor_its_line(
    small_project, plain_claims, disguise, kind, prefix
):
    _holds(small_project, plain_claims, kind, prefix, *disguise)


@PROPERTY
@given(disguise=claims_with(EMPTY_ELEMENTS), kind=KINDS, prefix=PREFIX)
def test_empty_elements_inside_words_change_no_finding_nor_its_line(
    small_project, plain_claims, disguise, kind, prefix
):
    _holds(small_project, plain_claims, kind, prefix, *disguise)


@PROPERTY
@given(disguise=claims_disguised_every_way(), kind=KINDS, prefix=PREFIX)
def test_all_disguises_at_once_change_no_finding_nor_its_line(
    small_project, plain_claims, disguise, kind, prefix
):
    _holds(small_project, plain_claims, kind, prefix, *disguise)
