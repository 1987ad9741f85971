"""Passages of texts that must not be in a site, found in the site's files by fingerprints.

The originality check's fingerprints (checks/originality.py: content characters, 8-character
shingles hashed in numpy, MOSS winnowing), so the guard and the check agree on what "the same text"
is. Every text that must not be in the site is reduced to its content characters; a shingle that
also occurs in a text the site may show (an allowed page, the site's frame, the licensed facts an
ad shares with a public ad) is no evidence and is left out; the rest are winnowed with a window of
`min_passage - ngram + 1` shingles, so any passage of `min_passage` characters made only of shingles
that are evidence holds a fingerprint. A site file's shingles are looked up among the fingerprints;
a file with none is done. Where one matches, the text is aligned with the file exactly: runs of
shingles shared at the same offset, each checked character by character.

Deterministic: the shingle hash is a polynomial over code points (never Python's hash()), and
nothing here depends on the order of a set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...checks.originality import shingle_hashes, winnow

NGRAM = 8  # the originality check's default shingle
# A text cut into pieces each shorter than a passage, spread through a file: MIN_PIECES or more
# pieces of Chinese text (Han characters at least half of each), each of PIECE content characters
# or more, of one text, together holding PIECES_TOGETHER passages' worth, are a leak too. A phrase
# or two in common with a draft are not, nor English boilerplate or code a draft shares with the
# theme's files (a licence text in a script's source map).
PIECE = 2 * NGRAM
MIN_PIECES = 3
PIECES_TOGETHER = 1.5
_NO_EVIDENCE = np.uint64(1 << 32)  # above every 32-bit hash: never a window's minimum
_SIEVE = 1 << 24  # slots of the first look-up (16 MB)


@dataclass(frozen=True)
class Passage:
    """Content characters [start, end) of forbidden text `doc`, found at `at` in a site file."""

    doc: int
    start: int
    end: int
    at: int
    text: str
    pieces: int = 1  # a text cut into pieces: how many were found (text: them, apart by "…")

    def __len__(self) -> int:
        return self.end - self.start


def _is_chinese(chars: str) -> bool:
    """Han characters are at least half of these content characters."""
    return 2 * sum(1 for ch in chars if ch >= "\u3400") >= len(chars)


def _sorted_unique(arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct values of the arrays, sorted (by sorting: numpy 2.4's hash-based np.unique
    takes seconds on millions of values)."""
    if not arrays:
        return np.zeros(0, np.uint32)
    values = np.sort(np.concatenate(arrays))
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """values ∈ sorted_set, elementwise."""
    if len(sorted_set) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


class Fingerprints:
    """The texts that must not be in a site, fingerprinted, minus what the site may show."""

    def __init__(self, forbidden: list[str], allowed: list[str], min_passage: int):
        """`forbidden`, `allowed`: content characters (checks/originality.py) of normalised
        texts (view/normalise.py)."""
        self.min_passage = min_passage
        self.window = max(1, min_passage - NGRAM + 1)
        allowed_shingles = _sorted_unique([shingle_hashes(chars, NGRAM) for chars in allowed])
        self.chars: list[str] = []
        self.evidence: list[bytes] = []  # per shingle: 1 if no allowed text has it
        prints, docs, places = [], [], []
        for doc, chars in enumerate(forbidden):
            hashes = shingle_hashes(chars, NGRAM)
            evidence = ~_member(hashes, allowed_shingles)
            self.chars.append(chars)
            self.evidence.append(evidence.astype(np.uint8).tobytes())
            keys = np.where(evidence, hashes.astype(np.uint64), _NO_EVIDENCE)
            values, positions = winnow(keys, self.window)
            kept = values < _NO_EVIDENCE
            prints.append(values[kept].astype(np.uint32))
            places.append(positions[kept])
            docs.append(np.full(int(kept.sum()), doc, dtype=np.int32))
        hashes = np.concatenate(prints) if prints else np.zeros(0, np.uint32)
        order = np.argsort(hashes, kind="stable")
        self.prints = hashes[order]
        self.docs = (np.concatenate(docs) if docs else np.zeros(0, np.int32))[order]
        self.places = (np.concatenate(places) if places else np.zeros(0, np.int32))[order]
        # a first look-up by the hash's low bits: most of a file's shingles are no fingerprint
        self.sieve = np.zeros(_SIEVE, dtype=bool)
        self.sieve[self.prints & np.uint32(_SIEVE - 1)] = True

    def __len__(self) -> int:
        return len(self.prints)

    def find(self, site_chars: str) -> list[Passage]:
        """The longest passage of each forbidden text found in a file's content characters."""
        seeds = self._seeds(shingle_hashes(site_chars, NGRAM))
        best: dict[int, Passage] = {}
        pieces: dict[int, list[Passage]] = {}
        reached: dict[tuple[int, int], int] = {}  # (text, diagonal) -> shingle a run reached
        for doc, start, at in seeds:
            diagonal = (doc, at - start)
            if reached.get(diagonal, -1) >= start:
                continue  # inside a run already measured
            passage = self._run(doc, start, at, site_chars)
            if passage is None:
                continue
            reached[diagonal] = passage.end - NGRAM  # the run's last shingle
            if self._is_text(passage, self.min_passage):
                if doc not in best or len(passage) > len(best[doc]):
                    best[doc] = passage
            elif self._is_text(passage, PIECE) and _is_chinese(passage.text):
                pieces.setdefault(doc, []).append(passage)
        for doc, found in pieces.items():
            if doc not in best and (together := self._together(found)) is not None:
                best[doc] = together
        return [best[doc] for doc in sorted(best)]

    def _together(self, found: list[Passage]) -> Passage | None:
        """Pieces of one text (each shorter than a passage) as one finding, if the distinct
        characters of the text they hold make PIECES_TOGETHER passages."""
        found = sorted(found, key=lambda p: (p.start, -len(p)))
        kept, end = [], -1
        for piece in found:
            if piece.start >= end:  # a piece of the text not already counted
                kept.append(piece)
                end = piece.end
        if len(kept) < MIN_PIECES or sum(map(len, kept)) < PIECES_TOGETHER * self.min_passage:
            return None
        text = "…".join(p.text for p in kept)
        return Passage(kept[0].doc, kept[0].start, kept[-1].end, kept[0].at, text, len(kept))

    def _seeds(self, site_hashes: np.ndarray) -> list[tuple[int, int, int]]:
        """(text, shingle in the text, shingle in the file) for every fingerprint the file has,
        ordered by text, diagonal and place."""
        maybe = np.flatnonzero(self.sieve[site_hashes & np.uint32(_SIEVE - 1)])
        hit = maybe[_member(site_hashes[maybe], self.prints)]
        if len(hit) == 0:
            return []
        lo = np.searchsorted(self.prints, site_hashes[hit], "left")
        hi = np.searchsorted(self.prints, site_hashes[hit], "right")
        counts = hi - lo
        total = int(counts.sum())
        entries = (
            np.repeat(lo, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        )
        docs, places, ats = self.docs[entries], self.places[entries], np.repeat(hit, counts)
        order = np.lexsort((places, ats - places, docs))
        rows = (docs[order].tolist(), places[order].tolist(), ats[order].tolist())
        return list(zip(*rows, strict=True))

    def _run(self, doc: int, start: int, at: int, site: str) -> Passage | None:
        """The run of evidence shingles the text and the file share around one fingerprint,
        compared character by character (a hash collision is no match)."""
        chars, evidence = self.chars[doc], self.evidence[doc]
        if chars[start : start + NGRAM] != site[at : at + NGRAM]:
            return None
        first, last = start, start
        while first > 0 and at - (start - first) > 0 and evidence[first - 1]:
            if chars[first - 1] != site[at - (start - first) - 1]:
                break
            first -= 1
        end_site = len(site)
        while last + 1 < len(evidence) and evidence[last + 1]:
            k = at + (last + 1 - start) + NGRAM - 1
            if k >= end_site or chars[last + NGRAM] != site[k]:
                break
            last += 1
        end = last + NGRAM
        return Passage(doc, first, end, at - (start - first), chars[first:end])

    @staticmethod
    def _is_text(passage: Passage, minimum: int) -> bool:
        """Long enough, and text rather than a run of digits (figures alone are no passage)."""
        if len(passage) < minimum:
            return False
        digits = sum(1 for ch in passage.text if ch.isdigit())
        return (len(passage) - digits) * 2 >= minimum
