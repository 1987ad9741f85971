"""The leak guard: after a public build, look in the written site for anything that must not be
there.

Defence in depth, independent of how pages were kept out: it reads every file of the output
(pages, search index, sitemap and its gzip copy, scripts, stylesheets, SVG, anything another plugin
or a static folder put there), whatever its name says, and looks for the titles and distinctive
sentences of every article that must not be public, of the staff handbook's regulation, and for the
names and e-mails of staff who are not marked public. Its list
of what must not be public is the gate's decision *plus* a second opinion of its own: any article
whose raw `status` is not a publishable state, read without the model's code.
"""

from __future__ import annotations

import codecs
import gzip
import html
import io
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import ahocorasick_rs
import yaml

from ..load.files import files_under, read_bytes
from ..model.regulation import load_regulation
from ..project import Project

_MARKUP = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)|<[^>\n]+>|[*_`~#>|]")
_FRAGMENT_SPLIT = re.compile(r"[。！？；：，、,.!?;:\"'“”‘’（）()\[\]【】]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPACE = re.compile(r"[\s\u200b\u00a0]+")
_TAG = re.compile(r"<[^>\x00\n]*>")  # never across lines: they are joined in no particular order
MAX_UNPACKED = 64 * 1024 * 1024  # a gzip file is read up to this size (a bomb fails the scan)
MIN_FRAGMENT = 10  # characters: shorter fragments are too likely to occur by chance
FRAGMENTS_PER_ARTICLE = 6


@dataclass(frozen=True)
class Leak:
    site_file: str
    marker: str
    source: str  # what the marker belongs to (an article's path, or a person)

    def __str__(self) -> str:
        return f"{self.site_file}: 含有 “{self.marker}”（来自 {self.source}）"


def normalise(text: str) -> str:
    return _SPACE.sub("", html.unescape(text))


def without_markup(body: str) -> str:
    """Markdown as a reader sees it, roughly: link texts kept, markup characters and tags
    dropped."""
    return _MARKUP.sub(lambda m: m.group(1) or "", body)


def fragments(body: str) -> list[str]:
    """The longest sentence fragments of a Markdown body, without markup: what would show on a
    page."""
    text = without_markup(body)
    pieces = {normalise(p) for line in text.splitlines() for p in _FRAGMENT_SPLIT.split(line)}
    return sorted((p for p in pieces if len(p) >= MIN_FRAGMENT), key=len, reverse=True)[
        :FRAGMENTS_PER_ARTICLE
    ]


def _raw_status(root: Path, rel: str) -> str | None:
    """A second opinion on an article's status, read with plain PyYAML rather than the model."""
    data, _ = read_bytes(root, rel)  # only a regular file is read (load/files.py)
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        head = text.split("\n---", 1)[0].removeprefix("---")
        meta = yaml.load(head, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return str(meta.get("status")) if isinstance(meta, dict) else None
    except (UnicodeDecodeError, yaml.YAMLError, AttributeError):
        return None


def distinctive(marker: str) -> bool:
    """Long enough not to occur by chance: four Chinese characters, or twelve characters of any kind
    (a short English title such as "newton" is also a heading anchor in some other page)."""
    return len(_HAN.findall(marker)) >= 4 or len(marker) >= 12


class _Markers:
    """Every marker in one pass over a text (ahocorasick-rs, the matcher the compliance checks
    use)."""

    def __init__(self, markers: dict[str, str]):
        self.sources = markers
        self.automaton = ahocorasick_rs.AhoCorasick(list(markers))

    def iter(self, text: str):
        """(marker, where it comes from) for each occurrence."""
        for marker in self.automaton.find_matches_as_strings(text, overlapping=True):
            yield marker, self.sources[marker]


def forbidden_markers(project: Project, chrome: str = "") -> dict[str, str]:
    """marker text -> where it comes from, for everything that must not appear on the public site.

    A sentence that a public article also contains (a shared disclaimer, a clinic's opening hours)
    is not a trace of the hidden one, so markers found in the public articles' sources are dropped;
    so are those in `chrome`, the text every page shows by the site's (governed) configuration (a
    home page titled like the site: its title is on every page whether it is public or not).
    """
    public_text: list[str] = [normalise(chrome)] if chrome else []
    candidates: dict[str, str] = {}
    for entry, decision in project.decisions("public"):
        a = entry.article
        if (
            decision.included
            and _raw_status(project.root, a.path) in project.policies.publishable_states
        ):
            public_text.append(
                normalise(a.title + "\n" + a.body) + "\x00" + normalise(without_markup(a.body))
            )
            continue
        for marker in [normalise(a.title), *fragments(a.body)]:
            if distinctive(marker):
                candidates.setdefault(marker, a.path)
    for marker, where in handbook_markers(project).items():
        candidates.setdefault(marker, where)
    for person in project.policies.people.values():
        if not person.public:
            candidates.setdefault(person.name, f"人员 {person.id} 的姓名（未标记 public）")
    if candidates and public_text:
        shared = {marker for marker, _ in _Markers(candidates).iter("\x00".join(public_text))}
        candidates = {m: s for m, s in candidates.items() if m not in shared}
    for person in project.policies.people.values():
        if not person.public:  # an e-mail address is never shared text: always a leak
            candidates[person.email] = f"人员 {person.id} 的邮箱"
    return candidates


def handbook_markers(project: Project) -> dict[str, str]:
    """The longest fragments of each clause of the regulation: the handbook is for staff only."""
    regulation, _ = load_regulation(
        project.root, project.policies
    )  # its problems are the handbook's to report
    return {
        marker: f"员工手册 §{clause.id}"
        for clause in regulation.clauses.values()
        for marker in fragments(clause.wording)[:2]
        if distinctive(marker)
    }


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})""", re.I)
_ESCAPES = re.compile(
    r"\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([0-9a-fA-F]{1,6})\s?"
)
_PERCENT = re.compile(r"(?:%[0-9a-fA-F]{2})+")


def site_file_content(path: Path) -> bytes:
    """What one output file can show a reader, as UTF-8 lines, whatever its name says: the content
    is sniffed (gzip unpacked, a BOM or a declared charset honoured, GB18030 tried where the bytes
    are not UTF-8, JSON read for its string values) and escaped text (\\u6cbb in a script, \\6cbb in
    a stylesheet, %E6%B2%BB in an address) is added decoded. Only a regular file is read
    (load/files.py): anything else in a site (a symlink, a pipe) cannot be checked, so it raises
    and the guard fails the build."""
    raw, problems = read_bytes(path.parent, path.name)
    if raw is None:
        raise OSError(f"{path}：{problems[0].message}")
    return "\n".join(site_texts(raw)).encode("utf-8")


def site_texts(raw: bytes) -> list[str]:
    if raw[:2] == b"\x1f\x8b":  # gzip (sitemap.xml.gz), whatever the file is called
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unpacked:
                raw = unpacked.read(MAX_UNPACKED + 1)
        except (OSError, EOFError, zlib.error):
            return [raw.decode("utf-8", errors="replace")]
        if len(raw) > MAX_UNPACKED:
            raise ValueError(f"压缩文件解压后超过 {MAX_UNPACKED // 2**20} MB，无法检查")
    if b"\x00" in raw[:8192] and not raw.startswith(tuple(bom for bom, _ in _BOMS)):
        # binary (an image, a font): only UTF-8 text embedded in it, never a guess at an encoding
        # (GB18030 reads any byte pairs as Han characters)
        return [raw.decode("utf-8", errors="replace")]
    texts = [raw.decode(codec, errors="replace") for codec in _codecs(raw)]
    out = []
    for text in texts:
        stripped = text.lstrip()
        if stripped[:1] in ("{", "["):
            try:
                strings: list[str] = []
                _collect_strings(json.loads(stripped), strings)
                out.append("\n".join(strings))
                continue
            except (json.JSONDecodeError, RecursionError):
                pass
        out.append(text)
        if "\\" in text:
            out.append(_ESCAPES.sub(_unescape, text))
        if "%" in text:
            out.append(_PERCENT.sub(_unquote, text))
    return out


def _codecs(raw: bytes) -> list[str]:
    """The encodings to read `raw` with: its BOM's; else UTF-8, plus a declared charset or GB18030
    where it is not valid UTF-8."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return [codec]
    try:
        raw.decode("utf-8")
        return ["utf-8"]
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.search(raw[:2048])
    extra = [declared.group(1).decode("ascii").lower()] if declared else []
    try:
        extra = [codecs.lookup(name).name for name in extra]
    except LookupError:
        extra = []
    return list(dict.fromkeys(["utf-8", *extra, "gb18030"]))


def _unescape(m: re.Match) -> str:
    code = next(g for g in m.groups() if g is not None)
    cp = int(code, 16)
    return m.group(0) if cp == 0 or cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF else chr(cp)


def _unquote(m: re.Match) -> str:
    return unquote(m.group(0), errors="replace")


def _collect_strings(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _collect_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _collect_strings(v, out)


class Scanner:
    """Looks for markers in the files of a site, each distinct line once for the whole site.

    Markers come from single source lines, so they never span an output line. Reading each distinct
    line once makes the navigation that every page repeats cost one page, not N. A leak is reported
    at the first file where its line appears.
    """

    def __init__(self, markers: dict[str, str]):
        self.automaton = _Markers(markers) if markers else None
        self.seen: set[bytes] = set()
        self.found: dict[str, Leak] = {}

    def feed(self, site_file: str, content: bytes) -> None:
        if self.automaton is None:
            return
        lines = set(content.split(b"\n"))  # bytes: only the new lines are ever decoded
        lines -= self.seen
        self.seen |= lines
        joined = b"\x00".join(lines).decode("utf-8", errors="replace")
        for marker, source in self.automaton.iter(
            normalise(joined) + "\x00" + normalise(_TAG.sub("", joined))
        ):
            self.found.setdefault(marker, Leak(site_file, marker, source))

    def leaks(self) -> list[Leak]:
        return sorted(self.found.values(), key=lambda leak: (leak.site_file, leak.marker))


def site_files(site_dir: Path) -> list[Path]:
    """Every file of the site, hidden ones too: what a reader can see is judged by content, never
    by name. Symlinks are listed, never followed (reading one fails the guard)."""
    return files_under(site_dir)


def scan(site_dir: Path, markers: dict[str, str]) -> list[Leak]:
    """Every marker found in the files of `site_dir`."""
    scanner = Scanner(markers)
    for path in site_files(site_dir):
        scanner.feed(path.relative_to(site_dir).as_posix(), site_file_content(path))
    return scanner.leaks()


def check_site(project: Project, site_dir: Path) -> list[Leak]:
    return scan(site_dir, forbidden_markers(project))


# -- scanning on the second core while the site is being written ----------------------------------

_worker_scanner: Scanner | None = None


def _worker_start(markers: dict[str, str]) -> None:
    global _worker_scanner  # one scanner per worker process, which exists for one build
    _worker_scanner = Scanner(markers)


def _worker_feed(site_dir: str, rels: list[str]) -> None:
    for rel in rels:
        _worker_scanner.feed(rel, site_file_content(Path(site_dir) / rel))


def _worker_leaks() -> list[Leak]:
    return _worker_scanner.leaks()


class BackgroundScan:
    """Scans the written files of a site in a worker process as they are written.

    The build hands over each file once it is on disk; `finish` then scans whatever else is in the
    site (search index, sitemap, anything another plugin wrote) and returns the leaks. Every file in
    the site is scanned exactly once, as it is on disk at the end of the build or after being
    written.
    """

    def __init__(self, site_dir: Path, markers: dict[str, str]):
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self.site_dir = site_dir
        self.submitted: set[str] = set()
        self.pending: list[str] = []
        self.futures = []
        self.pool = ProcessPoolExecutor(
            1, mp_context=get_context("spawn"), initializer=_worker_start, initargs=(markers,)
        )

    def written(self, path: Path, batch: int = 20) -> None:
        rel = path.relative_to(self.site_dir).as_posix()
        if rel in self.submitted:
            return
        self.submitted.add(rel)
        self.pending.append(rel)
        if len(self.pending) >= batch:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.futures.append(self.pool.submit(_worker_feed, str(self.site_dir), self.pending))
            self.pending = []

    def finish(self) -> list[Leak]:
        """All leaks in the site; raises if the worker failed, so a failed scan never passes."""
        try:
            for path in site_files(self.site_dir):
                self.written(path)
            self._flush()
            for future in self.futures:
                future.result()
            return self.pool.submit(_worker_leaks).result()
        finally:
            self.pool.shutdown(cancel_futures=True)

    def cancel(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
