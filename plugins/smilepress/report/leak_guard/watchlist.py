"""What must not be in a profile's site, and what the site may show: the texts the guard watches.

public: every article the gate keeps off the website (drafts, handbook pages, articles expired or
dropped), the staff handbook's generated pages and the KPI, report, plan and budget pages, every
file under policies/ (people.yml too) and data/ (monthly reports, budgets, metrics), the names
and e-mails of staff not marked `public: true`, and the figures of data/ (three of one file close
together in a site file). internal: every article the gate keeps off the handbook. Subtracted,
because the site shows them: the articles the gate lets in, the site's frame (mkdocs.yml's texts)
and the pages the build generates for the profile (internal only).

Which articles are in is the gate's decision (project.decisions, the one predicate); nothing here
reads a status. Texts are gathered here, in the build's process, as they are; making fingerprints of
them is the scanner's work, in its own process (scanner.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ...checks.textview import prose_mask
from ...errors import Problem
from ...load.files import files_under, read_bytes
from ...load.strict_yaml import load_yaml
from ...load.yaml_file import load_policy_file
from ...pages import handbook, kpis
from ...project import Project
from ...view.normalise import normalised_text
from ...view.reader import read_page
from ...view.render import MarkdownConfig
from .passages import NGRAM

POLICY_FILE = "leak-guard.yml"
PROFILE_NAMES = {"public": "公开网站", "internal": "员工手册"}
MARKDOWN = (".md", ".markdown")
STRUCTURED = (".yml", ".yaml", ".json", ".csv", ".tsv")
_BARE_NUMBER = re.compile(r"[\s\d.,:;%+\-/()]*")


@dataclass(frozen=True)
class Policy:
    """policies/leak-guard.yml."""

    min_passage: int = 30  # content characters a passage must have to be a leak


def load_policy(root: Path) -> tuple[Policy, list[Problem]]:
    """The guard's policy; the default when the file is absent or wrong (with its problems)."""
    if not (root / "policies" / POLICY_FILE).is_file():
        return Policy(), []
    problems: list[Problem] = []
    reader = load_policy_file(root, POLICY_FILE, problems)
    if reader is None:
        return Policy(), problems
    data = reader.loaded.data
    reader.unknown_keys(data, {"version", "min_passage"}, ())
    value = data.get("min_passage", Policy.min_passage)
    if isinstance(value, bool) or not isinstance(value, int) or not NGRAM < value <= 500:
        reader.fail(
            ("min_passage",),
            f"min_passage 应该是 {NGRAM + 1} 到 500 之间的整数（现在是 {value!r}）",
            "写一个整数，例如 min_passage: 30",
        )
        value = Policy.min_passage
    return Policy(value), problems + reader.problems


@dataclass(frozen=True)
class Watched:
    """One text the guard compares the site with, as the file or page holds it."""

    source: str  # the file (relative to the project) or the generated page
    text: str
    form: str = "text"  # page | source | structured | text: how it is read (seen())
    title: str = ""  # what to call it in a message (an article's title)
    why: str = ""  # why it must not be in the site (empty: the site may show it)

    def seen(self, markdown: MarkdownConfig) -> list[str]:
        """The text as it can show on a site, normalised (view/normalise.py):

        page: a Markdown page as a reader sees it, rendered with the site's extensions (the
          reader's view, view/reader.py: what the checks and the originality check read);
        source: a Markdown file the site may show, read generously, as it is and as its prose
          (link targets, tags and comments hidden, so link texts join the words around them);
        structured: a data file as it is, and its string values without bare numbers;
        text: as it is."""
        if self.form == "page":
            return [read_page(self.text, markdown).view.text]
        if self.form == "source":
            views = [self.text, prose_mask(self.text)]
        elif self.form == "structured":
            views = [self.text, structured_strings(self.source, self.text)]
        else:
            views = [self.text]
        return [normalised_text(view, entities=True) for view in views if view]


@dataclass(frozen=True)
class Staff:
    """A person not marked `public: true`: too short for a passage, so the name and the e-mail are
    looked for as they are (scanner.py). A name the site's own pages show (in an article the site
    may show) is not looked for; an e-mail address always is."""

    id: str
    name: str
    email: str


@dataclass(frozen=True)
class Figures:
    """The figures of a data file under data/ (a month's impressions, spend, revenue): its numbers
    of five digits or more, not round (figures(): a year, 20000 or a count of 510 could be
    anyone's). A page shows them under labels and in an order of its own, so no passage holds
    them: MIN_FIGURES of one file among FIGURE_WINDOW numbers in a row of a site file are a leak
    (scanner.py); a number alone, or a few scattered through a script's tables, is none."""

    source: str
    numbers: frozenset[str]  # as figures() writes them: digits, a decimal point, no separators
    why: str


MIN_FIGURES = 3
FIGURE_WINDOW = 6  # numbers of five digits or more in a row, in the site file's order
# A number of five digits or more before its decimal point, as it is written: plain (178532), in
# groups of three apart by one and the same separator (178,532; 1 234 567; 1'234'567; 1_234_567;
# the text is normalised: full-width digits and commas, thin and no-break spaces are plain ones), or
# as a telephone number is grouped (138-0013-8000, 138 0013 8000, 020-12345678). Two numbers apart
# by two spaces or a tag (a table's cells: site.shown_cells) stay two.
_GROUPS = r"\d{1,3}(?P<sep>[,' _’])\d{3}(?:(?P=sep)\d{3})*"
_PHONE = r"1\d{2}(?P<dash>[- ])\d{4}(?P=dash)\d{4}|0\d{2,3}[- ]\d{7,8}"
_NUMBER = re.compile(rf"(?<![\d.])(?:{_GROUPS}|{_PHONE}|\d{{5,}})(?:\.\d+)?(?![\d])")
_NOT_DIGIT = re.compile(r"[^\d.]")
# Digits apart by one separator, taken together: what may hold a figure, however grouped.
DIGIT_GROUPS = re.compile(r"(?<=\d)[,' _’-](?=\d)")


def figures(text: str) -> list[str]:
    """The numbers written in a text (178,532, 178 532 and 178532 alike; a telephone number
    however grouped), in order, that could be a department's figure: five digits or more, three
    of them significant."""
    out = []
    for m in _NUMBER.finditer(text):
        number = _NOT_DIGIT.sub("", m.group())
        if "." in number:
            number = number.rstrip("0").rstrip(".")
        digits = number.replace(".", "").lstrip("0")
        if len(digits) >= 5 and len(digits.rstrip("0")) >= 3:
            out.append(number)
    return out


def data_figures(watched: Watched) -> Figures | None:
    """The figures of a structured file under data/ (its numbers, and strings that are numbers)."""
    if not watched.source.startswith("data/") or watched.form != "structured":
        return None
    found: set[str] = set()
    for value in _structured_values(watched.source, watched.text):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            continue
        if isinstance(value, float):
            value = f"{value:f}"
        if isinstance(value, str) and not _BARE_NUMBER.fullmatch(value):
            continue
        found.update(figures(str(value)))
    return Figures(watched.source, frozenset(found), watched.why) if found else None


@dataclass(frozen=True)
class Watch:
    """What one profile's site must not show, and what it may."""

    profile: str
    forbidden: tuple[Watched, ...]
    allowed: tuple[Watched, ...]
    staff: tuple[Staff, ...] = ()  # whose names and e-mails must not be shown
    min_passage: int = Policy.min_passage
    markdown: MarkdownConfig = field(default_factory=MarkdownConfig)  # how the site renders
    cache: Path | None = None  # where texts read in earlier builds are kept (cache.py)
    figures: tuple[Figures, ...] = ()  # the data files' figures (public)


def watch(
    project: Project,
    profile: str,
    chrome: list[str] | tuple[str, ...] = (),
    generated: dict[str, str] | None = None,
) -> Watch:
    """The watch for a build of `profile`: `chrome` the texts of the site's frame, `generated`
    the pages this build generates (src_uri -> Markdown; they count for the internal site only:
    none belongs on the public one)."""
    policy, _ = load_policy(project.root)  # its problems are the plugin's to report
    allowed = [Watched("mkdocs.yml", text) for text in chrome]
    forbidden = []
    where = PROFILE_NAMES.get(profile, profile)
    for entry, decision in project.decisions(profile):
        a = entry.article
        if decision.included:
            allowed.append(Watched(a.path, a.text, "source"))
        else:
            why = f"这篇文章不在{where}中：{_first_reason(decision.reasons)}"
            forbidden.append(Watched(a.path, a.text, "page", a.title, why))
    staff: tuple[Staff, ...] = ()
    numbers: tuple[Figures, ...] = ()
    if profile == "public":
        department = department_files(project)
        forbidden += internal_pages(project) + department
        people = project.policies.people.values()
        staff = tuple(Staff(p.id, p.name, p.email) for p in people if not p.public)
        numbers = tuple(f for w in department if (f := data_figures(w)) is not None)
    elif profile == "internal":
        allowed += [Watched(uri, text, "source") for uri, text in (generated or {}).items()]
    return Watch(
        profile,
        tuple(forbidden),
        tuple(allowed),
        staff,
        policy.min_passage,
        project.markdown_config,
        project.cache_root / "leak-guard",
        numbers,
    )


def _first_reason(reasons: tuple[str, ...]) -> str:
    """The gate's first reason (the most important), and how many more there are."""
    if not reasons:
        return "未通过发布条件"
    return reasons[0] + (f"（另有 {len(reasons) - 1} 个原因）" if len(reasons) > 1 else "")


def internal_pages(project: Project) -> list[Watched]:
    """The staff handbook's pages and the KPI, report, plan and budget pages, as the internal
    build generates them (their data's problems are that build's to report). The editorial pages
    are not generated here: they list titles, people and findings, whose sources are watched."""
    book, _ = handbook.load_handbook(
        project.root, project.policies, project.today, ledger=project.ledger, site_pages=set()
    )
    why = "员工手册和内部页面只在员工手册（internal 版）中显示"
    pages = sorted(handbook.pages(book).items())
    generated, _ = kpis.internal_pages(project.root)
    return [Watched(f"员工手册页面 {uri}", md, "page", why=why) for uri, md in pages] + [
        Watched(f"内部页面 {uri}", md, "page", why=why) for uri, md in sorted(generated.items())
    ]


def department_files(project: Project) -> list[Watched]:
    """Every text file under policies/ and data/: the department's rules (people.yml too) and
    figures are for staff. Not the reference corpus (data/reference: outside texts collected for
    the originality check, which judges quoting them)."""
    reference = project.originality_policy[0].reference_dir.strip("/")
    out = []
    for folder, why in (
        ("policies", "部门制度文件（policies/）只供员工使用，不能出现在公开网站上"),
        ("data", "部门数据（data/）只供员工使用，不能出现在公开网站上"),
    ):
        for path in files_under(project.root / folder):
            rel = path.relative_to(project.root).as_posix()
            if rel == reference or rel.startswith(reference + "/"):
                continue
            text = _text_file(project.root, rel)
            if text is not None:
                out.append(Watched(rel, text, _form(rel), why=why))
    return out


def _text_file(root: Path, rel: str) -> str | None:
    """A regular file's text (load/files.py decides), or None for anything else or binary."""
    data, _ = read_bytes(root, rel)
    if data is None or b"\x00" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def _form(rel: str) -> str:
    suffix = Path(rel).suffix.lower()
    return "page" if suffix in MARKDOWN else "structured" if suffix in STRUCTURED else "text"


def structured_strings(source: str, text: str) -> str:
    """The string values of a YAML or JSON file or the cells of a CSV file, one a line, in order
    (what a page made from the data shows); keys, bare numbers, dates and booleans left out. Empty
    when the file does not parse (its text is still watched as it is)."""
    values = _structured_values(source, text)
    return "\n".join(
        v for v in values if isinstance(v, str) and v.strip() and not _BARE_NUMBER.fullmatch(v)
    )


def _structured_values(source: str, text: str) -> list:
    """The scalar values of a YAML, JSON, CSV or TSV file in order; none when it does not parse."""
    suffix = Path(source).suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            rows = csv.reader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ",")
            return [cell for row in rows for cell in row]
        if suffix == ".json":
            return _scalars(json.loads(text))
        loaded, _ = load_yaml(text, source)  # strictly: no aliases (a "billion laughs")
        return _scalars(loaded.data) if loaded is not None else []
    except (ValueError, csv.Error, RecursionError):
        return []


def _scalars(value) -> list:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [value]
