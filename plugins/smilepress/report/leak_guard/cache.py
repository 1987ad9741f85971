"""What the guard read of each text in earlier builds, kept for the next build.

Reading the texts as they can show on a site (watchlist.Watched.seen: a page rendered as the
reader's view, a source's prose, a data file's strings, all normalised) is most of what preparing
the fingerprints costs; a text that has not changed since the last build is not read again. An
entry is keyed by the text, how it is read (its form, a data file's kind, the site's Markdown
configuration) and the code that reads it (the digest of the modules that decide), so a change to
any of them reads it anew. The file is in the project's cache folder (project.py decides which:
never one that came with the checkout); a cache that cannot be read or written only costs time.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from ...checks import textview
from ...load.files import write_atomically
from ...view import normalise, reader, render
from ...view.render import MarkdownConfig
from . import watchlist

FILE = "seen-v1.json"


@lru_cache(maxsize=1)
def _code() -> str:
    """The digest of the modules that decide how a text reads."""
    digest = hashlib.sha256()
    for module in (reader, normalise, render, textview, watchlist):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


class SeenTexts:
    """Texts as they can show, by key; this run's entries are what save() keeps."""

    def __init__(self, folder: Path | None, markdown: MarkdownConfig):
        self.path = folder / FILE if folder is not None else None
        self.markdown = markdown
        self.old = self._load()
        self.now: dict[str, list[str]] = {}

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8")) if self.path else {}
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def seen(self, watched: watchlist.Watched) -> list[str]:
        """`watched.seen(...)`, from an earlier build when nothing it depends on changed."""
        how = f"{_code()}\0{self.markdown.digest}\0{watched.form}\0{Path(watched.source).suffix}"
        key = hashlib.sha256(
            how.encode() + b"\0" + watched.text.encode("utf-8", "surrogatepass")
        ).hexdigest()[:32]
        found = self.now.get(key, self.old.get(key))
        if not (isinstance(found, list) and all(isinstance(s, str) for s in found)):
            found = watched.seen(self.markdown)
        self.now[key] = found
        return found

    def save(self) -> None:
        """Keep this run's texts, in the project's cache folder if there is one (it was made
        with a .gitignore of its own: project.py)."""
        if self.path is None or self.now.keys() == self.old.keys():
            return
        if not self.path.parent.parent.is_dir():
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            write_atomically(self.path, json.dumps(self.now, ensure_ascii=False))
        except OSError:
            pass
