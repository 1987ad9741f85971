"""Copied text: passage-level comparison against our own articles and a reference corpus.

Chinese needs no word segmentation for this. Each text is reduced to its content characters (Han,
letters, digits; full width, case and traditional characters folded, punctuation and spaces
dropped), cut into overlapping character n-grams, and winnowed (MOSS): the minimum hash of every
window of n-grams is a fingerprint, so any shared run of at least `ngram + window - 1` characters
shares one.
An inverted index of fingerprints (sorted numpy arrays) finds the candidate documents without
comparing every pair; each candidate is then aligned exactly: every shared n-gram, merged into
passages across small gaps (a few swapped synonyms), measured on the article's own characters.
Attributed quotations (a blockquote naming its source) are allowed up to a share set in policies/.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import astuple, dataclass
from pathlib import Path

import numpy as np

from ..errors import Problem
from ..load.files import listing, read_text, write_atomically
from ..load.markdown import Lines, body_start, lf
from ..load.yaml_file import load_policy_file
from ..model.findings import Finding, clipped
from ..view.reader import read_page
from ..view.render import MarkdownConfig
from .textview import prose_mask

_QUOTE_LINE = re.compile(r"^[ \t]{0,3}>.*$", re.M)
_ATTRIBUTION = re.compile(r"来源|出处|引自|摘自|转引|参见|——|—|《[^》]+》|source:|https?://", re.I)


@dataclass(frozen=True)
class Policy:
    """policies/originality.yml."""

    ngram: int = 8  # characters per shingle
    window: int = (
        6  # winnowing window: shared runs of ngram + window - 1 characters are always seen
    )
    min_passage: int = 40  # content characters a passage must share to count
    gap: int = 30  # unmatched characters bridged inside one passage (swapped words)
    plagiarism_error: float = 0.30  # share of the article covered by one reference text: error
    plagiarism_warning: float = 0.10  # ... warning
    self_duplicate: float = 0.40  # share of the smaller of two of our articles they have in common
    quotation_max: float = (
        0.15  # attributed blockquotes up to this share of the article are fair quotation
    )
    reference_dir: str = "data/reference"
    # Types never reported as self-duplicates: medical ads may only state the licensed facts, so
    # they repeat.
    self_duplicate_skip: tuple = ("ad",)


_FIELDS = {f: type(getattr(Policy(), f)) for f in Policy.__dataclass_fields__}


def load_policy(root: Path) -> tuple[Policy, list[Problem]]:
    """The originality policy; defaults when the file is absent, problems (with lines) when it is
    wrong."""
    if not (root / "policies" / "originality.yml").is_file():
        return Policy(), []
    problems: list[Problem] = []
    reader = load_policy_file(root, "originality.yml", problems)
    if reader is None:
        return Policy(), problems
    data = reader.loaded.data
    reader.unknown_keys(data, set(_FIELDS) | {"version"}, ())
    values = {}
    for key, kind in _FIELDS.items():
        if key not in data:
            continue
        value = data[key]
        if kind is tuple:
            value = reader.strings(value, (key,), key)
            values[key] = value
            continue
        ok = isinstance(value, kind) or (
            kind is float and isinstance(value, int) and not isinstance(value, bool)
        )
        if not ok or isinstance(value, bool) or (kind in (int, float) and value <= 0):
            reader.fail(
                (key,),
                f"{key} 应该是正的{'整数' if kind is int else '数' if kind is float else '文本'}",
            )
            continue
        values[key] = kind(value)
    if values.get("plagiarism_warning", 0) > values.get(
        "plagiarism_error", Policy.plagiarism_error
    ):
        reader.fail(("plagiarism_warning",), "plagiarism_warning 不能大于 plagiarism_error")
    problems.extend(reader.problems)
    return Policy(**values), problems


# -- content characters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    """A text's content characters and where each came from in the file."""

    chars: str
    offsets: np.ndarray  # file offset of each content character
    quoted: int = 0  # content characters in attributed blockquotes (left out of `chars`)

    def __len__(self) -> int:
        return len(self.chars)


def attributed_quotes(masked: str) -> list[tuple[int, int]]:
    """Spans of blockquotes that name their source (in the quote or on the line after it)."""
    spans, block = [], []
    for m in _QUOTE_LINE.finditer(masked + "\n"):
        if block and m.start() > block[-1][1] + 1:
            spans.extend(_credited(masked, block))
            block = []
        block.append(m.span())
    if block:
        spans.extend(_credited(masked, block))
    return spans


def _credited(masked: str, block: list[tuple[int, int]]) -> list[tuple[int, int]]:
    start, end = block[0][0], block[-1][1]
    after = masked[end : end + 120].lstrip("\n").split("\n", 1)[0]
    return (
        [(start, end)]
        if _ATTRIBUTION.search(masked[start:end]) or _ATTRIBUTION.search(after)
        else []
    )


def content(
    text: str, policy: Policy, exempt_quotes: bool = True, markdown: MarkdownConfig | None = None
) -> Content:
    """Content characters of a page as a reader sees it (view/reader.py: rendered, entities and
    compatibility characters folded, invisible characters gone), body only, with file offsets."""
    view = read_page(text, markdown).view
    codes = np.frombuffer(view.text.encode("utf-32-le"), dtype=np.uint32)
    origins = view.offsets.array()
    keep = _is_content(codes) & (origins >= body_start(text))
    quoted = 0
    # a blockquote needs a ">" (reading the file's structure for none costs more than the rest)
    quotes = attributed_quotes(prose_mask(text)) if exempt_quotes and ">" in text else []
    if quotes:
        starts = np.array([s for s, _ in quotes])
        ends = np.array([e for _, e in quotes])
        k = np.searchsorted(starts, origins, side="right") - 1
        in_quote = (k >= 0) & (origins < ends[np.maximum(k, 0)])
        total, quoted = int(keep.sum()), int((keep & in_quote).sum())
        if quoted and total and quoted / total <= policy.quotation_max:
            keep &= ~in_quote
        else:
            quoted = 0
    return Content(
        codes[keep].tobytes().decode("utf-32-le"), origins[keep].astype(np.int32), quoted
    )


def _is_content(codes: np.ndarray) -> np.ndarray:
    """Han characters, ASCII letters and digits (the text is folded: lower case, half width)."""
    return (
        ((codes >= 0x4E00) & (codes <= 0x9FFF))
        | ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0xF900) & (codes <= 0xFAFF))
        | ((codes >= 0x61) & (codes <= 0x7A))
        | ((codes >= 0x30) & (codes <= 0x39))
    )


def content_characters(text: str, keep: str = "") -> str:
    """The content characters of a text already normalised (view/normalise.py: folded, lower
    case), in order, and any of `keep` (a separator): what fingerprints are taken of (the leak
    guard's texts and site files)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wanted = _is_content(codes)
    for ch in keep:
        wanted |= codes == ord(ch)
    return codes[wanted].tobytes().decode("utf-32-le")


# -- shingles and fingerprints ---------------------------------------------------------------------

_BASE = np.uint64(
    0x100000001B3
)  # FNV prime: a polynomial hash over code points, stable across runs


def shingle_hashes(chars: str, n: int) -> np.ndarray:
    """A 32-bit hash of every n-character shingle (stable across runs, unlike Python's hash()).

    Polynomial over the code points, computed for all shingles at once in numpy (wrapping uint64),
    then folded to 32 bits. Collisions are harmless: alignment compares the characters themselves.
    """
    if len(chars) < n:
        return np.zeros(0, dtype=np.uint32)
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - n + 1
    h = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _BASE + codes[k : k + count] + np.uint64(k + 1)
    return ((h >> np.uint64(32)) ^ (h & np.uint64(0xFFFFFFFF))).astype(np.uint32)


def winnow(hashes: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """MOSS winnowing: the rightmost minimum of every window; returns (fingerprints, positions)."""
    if len(hashes) == 0:
        return hashes, np.zeros(0, dtype=np.int32)
    if len(hashes) <= window:
        i = int(len(hashes) - 1 - np.argmin(hashes[::-1]))
        return hashes[i : i + 1], np.array([i], dtype=np.int32)
    windows = np.lib.stride_tricks.sliding_window_view(hashes, window)
    rightmost_min = window - 1 - np.argmin(windows[:, ::-1], axis=1)
    chosen = np.arange(len(windows)) + rightmost_min
    # The rightmost minimum never moves left from one window to the next, so the chosen positions
    # are sorted: each is kept once by dropping repeats (no sort, unlike np.unique).
    positions = chosen[np.r_[True, chosen[1:] != chosen[:-1]]].astype(np.int32)
    return hashes[positions], positions


# -- the index -------------------------------------------------------------------------------------


@dataclass(eq=False)
class Indexed:
    name: str  # path relative to the project root, or the reference file
    source: str  # what to show: the path, or the reference's URL
    digest: str
    content: Content
    text: str  # the file, for line numbers
    _shingles: np.ndarray | None = None

    def shingles(self, n: int) -> np.ndarray:
        if self._shingles is None:
            self._shingles = shingle_hashes(self.content.chars, n)
        return self._shingles


class Index:
    """Fingerprints of many documents, sorted for lookup: (hash, document, position).

    A document added without its fingerprints is fingerprinted when they are first needed (or
    given them by `provide`: checks/pool.py computes them in worker processes)."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.docs: list[Indexed] = []
        self._fingerprints: list[np.ndarray | None] = []
        self._hashes = np.zeros(0, dtype=np.uint32)
        self._doc = np.zeros(0, dtype=np.int32)
        self._dirty = False

    def add(self, doc: Indexed, fingerprints: np.ndarray | None = None) -> int:
        """Index `doc`; `fingerprints` when already known (from the cache)."""
        self._fingerprints.append(fingerprints)
        self.docs.append(doc)
        self._dirty = True
        return len(self.docs) - 1

    def pending(self) -> list[int]:
        """The documents whose fingerprints are not known yet."""
        return [i for i, f in enumerate(self._fingerprints) if f is None]

    def provide(self, i: int, fingerprints: np.ndarray) -> None:
        """Document i's fingerprints, computed elsewhere from the same text and policy."""
        if self._fingerprints[i] is None:
            self._fingerprints[i] = fingerprints
            self._dirty = True

    def fingerprints(self, i: int) -> np.ndarray:
        if self._fingerprints[i] is None:
            self._fingerprints[i] = winnow(
                self.docs[i].shingles(self.policy.ngram), self.policy.window
            )[0]
        return self._fingerprints[i]

    def distinct(self, i: int) -> int:
        """Fingerprints of document i (winnowing keeps one per position: nearly all distinct)."""
        return len(self.fingerprints(i))

    def _sorted(self) -> None:
        """Every fingerprint sorted by hash, with what a lookup needs: where each document's
        fingerprints went (`_where`, by their place in `_first` order), the run of equal hashes
        each one is in (`_run` into `_run_starts`) and which documents share any hash at all."""
        if not self._dirty:
            return
        parts = [self.fingerprints(i) for i in range(len(self.docs))]
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        hashes = np.concatenate(parts) if parts else np.zeros(0, np.uint32)
        order = np.argsort(hashes)
        self._hashes = hashes[order]
        self._doc = np.repeat(np.arange(len(parts), dtype=np.int32), sizes)[order]
        self._first = np.cumsum(sizes) - sizes  # where document i's fingerprints start, unsorted
        self._where = np.empty(len(order), dtype=np.int32)
        self._where[order] = np.arange(len(order), dtype=np.int32)
        new_run = np.r_[True, self._hashes[1:] != self._hashes[:-1]] if len(order) else order
        self._run = (np.cumsum(new_run) - 1).astype(np.int32)
        self._run_starts = np.r_[np.flatnonzero(new_run), len(order)].astype(np.int32)
        shared = np.diff(self._run_starts)[self._run] > 1  # a hash more than one fingerprint has
        self._shares = np.bincount(self._doc[shared], minlength=len(parts)) > 0
        self._dirty = False

    def candidates(self, i: int, min_shared: int = 2) -> list[tuple[int, int]]:
        """(document, shared fingerprints) for those sharing at least `min_shared` with document
        `i`."""
        self._sorted()
        if not self._shares[i]:  # most documents: no hash of theirs is anyone else's
            return []
        first = self._first[i]
        runs = self._run[self._where[first : first + self.distinct(i)]]
        # runs of one hash held by one fingerprint only (document i's own) lead nowhere: most are
        runs = runs[self._run_starts[runs + 1] - self._run_starts[runs] > 1]
        if len(runs) == 0:
            return []
        runs = np.unique(runs)  # each distinct hash of document i once
        lo, hi = self._run_starts[runs], self._run_starts[runs + 1]
        lengths = hi - lo
        total = int(lengths.sum())
        starts = np.repeat(
            lo, lengths
        )  # every index in every [lo, hi) range, without a Python loop
        hits = self._doc[
            starts + np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        ]
        found, counts = np.unique(hits, return_counts=True)  # one count per document
        kept = (counts >= min_shared) & (found != i)
        return list(zip(found[kept].tolist(), counts[kept].tolist(), strict=True))

    def memory_bytes(self) -> int:
        """What lookups keep in memory: the sorted fingerprints, their documents and runs, and
        where each document's fingerprints are."""
        self._sorted()
        arrays = (self._hashes, self._doc, self._where, self._run, self._run_starts, self._first)
        arrays += (self._shares,)
        return sum(a.nbytes for a in arrays)


# -- alignment -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    start: int  # content-character span in the article
    end: int
    other_start: int  # where it is in the other document (content characters)
    other_end: int
    shared: int  # content characters actually shared (the rest are bridged gaps)


def align(
    a: Content,
    b: Content,
    policy: Policy,
    ha: np.ndarray | None = None,
    hb: np.ndarray | None = None,
) -> list[Passage]:
    """Passages of `a` that also occur in `b`: shared n-grams merged across gaps of at most
    `policy.gap`."""
    n = policy.ngram
    ha = shingle_hashes(a.chars, n) if ha is None else ha
    hb = shingle_hashes(b.chars, n) if hb is None else hb
    if len(ha) == 0 or len(hb) == 0:
        return []
    shared = np.flatnonzero(np.isin(ha, hb))
    if len(shared) == 0:
        return []
    wanted = set(ha[shared].tolist())
    where: dict[int, int] = {}
    for j in np.flatnonzero(np.isin(hb, ha[shared])).tolist():
        h = int(hb[j])
        if h in wanted:
            where.setdefault(h, j)
    achars, bchars = a.chars, b.chars
    matches = [
        (i, where[h])
        for i, h in zip(shared.tolist(), ha[shared].tolist(), strict=True)
        if achars[i : i + n] == bchars[where[h] : where[h] + n]
    ]  # a hash collision is no match
    passages: list[Passage] = []
    run: list[tuple[int, int]] = []
    for i, j in matches:
        if run and i - run[-1][0] > policy.gap + n:
            passages.append(_passage(run, n))
            run = []
        run.append((i, j))
    if run:
        passages.append(_passage(run, n))
    return [p for p in passages if p.shared >= policy.min_passage]


def _passage(run: list[tuple[int, int]], n: int) -> Passage:
    covered, last_end = 0, -1
    for i, _ in run:
        covered += min(n, i + n - max(i, last_end))
        last_end = max(last_end, i + n)
    others = [j for _, j in run]
    return Passage(run[0][0], run[-1][0] + n, min(others), max(others) + n, covered)


def coverage(passages: list[Passage], a: Content) -> float:
    """Share of the article's content characters inside the passages."""
    return sum(p.end - p.start for p in passages) / len(a) if len(a) else 0.0


# -- a project's library: our articles and the reference corpus, indexed and cached ----------------

_SOURCE_LINE = re.compile(r"^\s*(?:来源|出处|source|url)\s*[:：]\s*(\S+)", re.I | re.M)


def reference_source(path: Path, text: str) -> str:
    """A reference text's URL: front matter `source:` or a 来源：/source: line; else its path."""
    m = _SOURCE_LINE.search(text[:2000])
    return m.group(1) if m else path.as_posix()


def _is_reference(name: str) -> bool:
    return name.lower().endswith((".md", ".txt")) and not name.upper().startswith("README")


class Library:
    """Every article and reference text, fingerprinted once; the index cached by content digest.

    The cache (`.smilepress-cache/originality/`) holds each document's fingerprints under its
    digest, so a run re-fingerprints only new or changed files, then re-sorts the index in numpy. It
    is read here and written by save(), never on the way.
    """

    def __init__(
        self,
        root: Path,
        policy: Policy,
        articles: dict[str, str],
        cache_dir: Path | None = None,
        markdown: MarkdownConfig | None = None,
    ):
        self.root, self.policy = root, policy
        self.markdown = markdown or MarkdownConfig()
        self.cache_dir = cache_dir
        self.index = Index(policy)
        self.by_name: dict[str, int] = {}
        self.references: set[int] = set()
        cached = self._load_cache()
        self.pairs = self._load_pairs()
        self._pairs_changed = False
        for name, text in sorted(articles.items()):
            self._add(name, name, text, cached, exempt_quotes=True)
        self.problems: list[Problem] = []  # reference texts that could not be read
        for path in listing(root / policy.reference_dir, _is_reference, hidden=True):
            name = path.relative_to(root).as_posix()
            text, problems = read_text(root, name)  # a regular file only (load/files.py)
            if text is None:
                self.problems += problems
                continue
            self.references.add(
                self._add(
                    name,
                    reference_source(path.relative_to(root), text),
                    text,
                    cached,
                    exempt_quotes=False,
                )
            )

    def _add(self, name: str, source: str, text: str, cached: dict, exempt_quotes: bool) -> int:
        digest = hashlib.sha256(
            f"{exempt_quotes}\0{self.markdown.digest}\0".encode()
            + text.encode("utf-8", "surrogatepass")
        ).hexdigest()[:20]
        lazy = _LazyContent(text, self.policy, exempt_quotes, self.markdown)
        doc = Indexed(name, source, digest, lazy, text)
        i = self.index.add(doc, cached.get(digest))  # else fingerprinted when first needed
        self.by_name[name] = i
        return i

    # the cache: digest -> fingerprints, one .npz
    def _cache_file(self) -> Path | None:
        if self.cache_dir is None:
            return None
        p = self.policy
        return self.cache_dir / f"fingerprints-v4-{p.ngram}-{p.window}.npz"  # v4: reader's view

    def _load_cache(self) -> dict[str, np.ndarray]:
        path = self._cache_file()
        if path is None or not path.is_file():
            return {}
        try:
            with np.load(path) as data:
                digests, lengths, hashes = data["digests"], data["lengths"], data["hashes"]
            ends = np.cumsum(lengths)
            # _save_cache writes one length per digest; a file that disagrees raises ValueError
            # (caught below: the cache is not used)
            rows = zip(digests, lengths, ends, strict=True)
            return {str(d): hashes[e - n : e] for d, n, e in rows}
        except (OSError, ValueError, KeyError):
            return {}

    def _save_cache(self, fresh: dict[str, np.ndarray]) -> None:
        path = self._cache_file()
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            digests = sorted(fresh)
            data = io.BytesIO()
            np.savez(
                data,
                digests=np.array(digests),
                lengths=np.array([len(fresh[d]) for d in digests], dtype=np.int64),
                hashes=np.concatenate([fresh[d] for d in digests])
                if digests
                else np.zeros(0, np.uint32),
            )
            write_atomically(path, data.getvalue())
        except OSError:
            pass

    # -- questions ---------------------------------------------------------------------------------
    def matches(self, name: str) -> list[tuple[Indexed, list[Passage], float]]:
        """Documents sharing passages with article `name`: (other, passages, share of the
        article)."""
        i = self.by_name.get(name)
        if i is None:
            return []
        me = self.index.docs[i]
        out = []
        p = self.policy
        n = p.ngram
        # Winnowing keeps about one fingerprint per window, so shared fingerprints estimate the
        # shared share; pairs far below every threshold are not aligned (a 40-character passage has
        # >= 5).
        mine = self.index.distinct(i) or 1
        for j, shared in self.index.candidates(i, max(2, (p.min_passage - n + 1) // p.window)):
            other = self.index.docs[j]
            theirs = self.index.distinct(j) or 1
            needed = p.plagiarism_warning if j in self.references else p.self_duplicate
            if shared / min(mine, theirs) < needed / 2:
                continue
            passages = self.passages(i, j)
            if passages:
                out.append((other, passages, coverage(passages, me.content)))
        return out

    def passages(self, i: int, j: int) -> list[Passage]:
        """Passages of document i found in document j (cached by both digests)."""
        me, other = self.index.docs[i], self.index.docs[j]
        key = f"{me.digest}:{other.digest}"
        if key not in self.pairs:
            n = self.policy.ngram
            self.pairs[key] = [
                list(astuple(q))
                for q in align(
                    me.content, other.content, self.policy, me.shingles(n), other.shingles(n)
                )
            ]
            self._pairs_changed = True
        return [Passage(*q) for q in self.pairs[key]]

    def share_of(self, i: int, j: int) -> float:
        """Share of document i covered by passages it shares with document j."""
        return coverage(self.passages(i, j), self.index.docs[i].content)

    # the pair cache: alignments by the two documents' digests, reused while neither changes
    def _pairs_file(self) -> Path | None:
        p = self.policy
        name = (
            f"pairs-v2-{p.ngram}-{p.window}-{p.gap}-{p.min_passage}"
            f"-{int(p.quotation_max * 100)}.json"
        )
        return self.cache_dir / name if self.cache_dir else None

    def _load_pairs(self) -> dict[str, list]:
        path = self._pairs_file()
        try:
            return json.loads(path.read_text("utf-8")) if path and path.is_file() else {}
        except (OSError, ValueError):
            return {}

    def save(self) -> None:
        """Keep this run's fingerprints and the alignments of documents that still exist (call
        after the run's questions)."""
        self._save_cache(
            {doc.digest: self.index.fingerprints(i) for i, doc in enumerate(self.index.docs)}
        )
        path = self._pairs_file()
        if path is None or not self._pairs_changed:
            return
        alive = {d.digest for d in self.index.docs}
        kept = {k: v for k, v in self.pairs.items() if all(part in alive for part in k.split(":"))}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps(kept))
            self._pairs_changed = False
        except OSError:
            pass

    def pending(self) -> list[int]:
        """The documents not fingerprinted yet (not in the cache, not computed in this run)."""
        return self.index.pending()

    def computed(self, i: int) -> tuple[np.ndarray, Content]:
        """Document i's fingerprints and content characters (computed now if need be)."""
        return self.index.fingerprints(i), self.index.docs[i].content.value()

    def provide(self, i: int, fingerprints: np.ndarray, found: Content) -> None:
        """Document i's fingerprints and content characters, computed by another process from the
        same text, policy and Markdown configuration (checks/pool.py): alignments then need not
        read the page again."""
        self.index.provide(i, fingerprints)
        self.index.docs[i].content.provide(found)

    def is_reference(self, doc: Indexed) -> bool:
        return self.by_name.get(doc.name) in self.references


class _LazyContent:
    """Content computed on first use: a warm run fingerprints from the cache and reads only
    candidates."""

    def __init__(self, text: str, policy: Policy, exempt_quotes: bool, markdown: MarkdownConfig):
        self._args = (text, policy, exempt_quotes, markdown)
        self._value: Content | None = None

    def _get(self) -> Content:
        if self._value is None:
            self._value = content(*self._args)
        return self._value

    def value(self) -> Content:
        return self._get()

    def provide(self, value: Content) -> None:
        if self._value is None:
            self._value = value

    def __getattr__(self, name):
        return getattr(self._get(), name)

    def __len__(self) -> int:
        return len(self._get())


# -- findings --------------------------------------------------------------------------------------

BASIS = "《著作权法》第十条、第二十四条、第五十二条；《口腔网络运营部管理制度》§3.5.4 尊重知识产权"
RULES = ("originality/plagiarism", "originality/self-duplicate")


def findings(library: Library, name: str) -> list[Finding]:
    """Findings for article `name`: text from the reference corpus, and our own near-duplicates."""

    i = library.by_name.get(name)
    if i is None:
        return []
    me = library.index.docs[i]
    lines = Lines(me.text)
    p = library.policy
    out = []
    for other, passages, share in library.matches(name):
        other_lines = Lines(other.text)
        where = [
            other_lines.position(int(other.content.offsets[q.other_start]))[0] for q in passages
        ]
        pct = round(100 * share)
        if library.is_reference(other):
            if share < p.plagiarism_warning:
                continue
            level = "error" if share >= p.plagiarism_error else "warning"
            for q, line in zip(passages, where, strict=True):  # `where`: one line per passage
                out.append(
                    _finding(
                        me,
                        lines,
                        q,
                        "originality/plagiarism",
                        "plagiarism",
                        level,
                        f"这一段与参考资料 {other.source}（第 {line} 行起）的文字相同或近似；"
                        f"该资料合计覆盖本文 {pct}%"
                        f"（阈值：{round(100 * p.plagiarism_warning)}% 警告，"
                        f"{round(100 * p.plagiarism_error)}% 错误）",
                        "用自己的话重写这一段；确需引用时放进引用块（>）并注明出处，引用只能占全文一小部分",
                    )
                )
        else:
            other_share = library.share_of(library.by_name[other.name], i)
            if max(share, other_share) < p.self_duplicate or name < other.name:
                continue  # each pair once: on the later path
            if {_type_of(me.text), _type_of(other.text)} & set(p.self_duplicate_skip):
                continue
            q = max(passages, key=lambda q: q.shared)
            out.append(
                _finding(
                    me,
                    lines,
                    q,
                    "originality/self-duplicate",
                    "self-duplicate",
                    "warning",
                    f"与本站文章 {other.name}（第 {where[passages.index(q)]} 行起）高度相似："
                    f"共有文字覆盖本文 {pct}%、对方 {round(100 * other_share)}%",
                    "合并成一篇，或把其中一篇改写成不同角度；两篇几乎相同的文章会拉低搜索排名",
                )
            )
    return out


def _finding(
    me: Indexed,
    lines,
    q: Passage,
    rule: str,
    category: str,
    level: str,
    message: str,
    suggestion: str,
):
    start = int(me.content.offsets[q.start])
    end = int(me.content.offsets[q.end - 1]) + 1
    return Finding.at(
        me.name,
        me.text,
        start,
        end,
        lines=lines,
        match=clipped(me.text[start:end]),
        rule=rule,
        category=category,
        level=level,
        message=message,
        suggestion=suggestion,
        basis=BASIS,
    )


_TYPE = re.compile(r"^type:\s*['\"]?([\w-]+)", re.M)


def _type_of(text: str) -> str:
    m = _TYPE.search(lf(text), 0, body_start(text))
    return m.group(1) if m else ""
