"""The files an approval covers besides the article's text (the digest, model/article.py).

An article's own assets: every picture it shows and each picture's licence sidecar, found as the
image check finds them (checks/images.py), and every non-Markdown file under content/ it links to
(load/markdown.py's references: Markdown links and images, HTML src, srcset and href). A linked .md
is another article with approvals of its own: not covered. Each asset is named by its path relative
to content/ and covered by the SHA-256 of its bytes, read only from a regular file inside content/
reached without a symlink (load/files.py); a missing one is covered as missing, so adding it later
changes the digest, and a symlink, a folder or a FIFO is covered as such and never read.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..load import markdown
from ..load.files import FileKey, sha256_under
from ..model.article import Asset
from . import images

__all__ = ["article_assets", "resolve_link"]


def resolve_link(page_uri: str, href: str) -> str | None:
    """The content-relative path a local link of the page `page_uri` points to (posix, normalised:
    it starts with '..' when it leaves content/), or None for external links and anchors."""
    parts = urlsplit(href.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    base = "" if path.startswith("/") else posixpath.dirname(page_uri)
    return posixpath.normpath(posixpath.join(base, path.lstrip("/")))


def _linked_file(page_uri: str, href: str) -> str | None:
    """A linked file an approval covers: local, not a Markdown page, not a folder (a page's URL)."""
    target = resolve_link(page_uri, href)
    if target is None or target.endswith(".md") or urlsplit(href.strip()).path.endswith("/"):
        return None
    return target


def _under(path: Path, content_root: Path) -> str:
    rel = os.path.relpath(os.path.normpath(path), os.path.normpath(content_root))
    return Path(rel).as_posix()


def article_assets(
    text: str,
    meta: dict,
    content_root: Path,
    src_uri: str,
    known: dict[FileKey, str] | None = None,
) -> tuple[Asset, ...]:
    """The assets of the article `src_uri` (its path under `content_root`), with the file `text`
    and front matter `meta`, as they are on disk now; `known`: file digests already computed in
    this run."""
    content_root = Path(content_root)
    article_dir = content_root / posixpath.dirname(src_uri)
    paths: dict[str, None] = {}  # in order, each once
    for picture, sidecar in images.picture_files(text, meta, content_root, article_dir):
        paths.setdefault(_under(picture, content_root))
        paths.setdefault(_under(sidecar, content_root))
    for ref in markdown.references(markdown.read(text)):
        target = _linked_file(src_uri, ref.value)
        if target is not None:
            paths.setdefault(target)
    out = []
    for rel in paths:
        digest, state = sha256_under(content_root, rel, known)
        out.append(Asset(rel, digest, state if digest is None else ""))
    return tuple(out)
