"""A page's Markdown rendered as the site renders it: Python-Markdown with the extensions mkdocs.yml
enables (and the three MkDocs always adds), nothing more.

The checks read this HTML, not the source, so whatever the site's Markdown makes of a file (a
footnote, an abbreviation, an admonition title, a heading underline, a raw HTML block) is what they
see. This module imports Python-Markdown, the library, never MkDocs: the configuration comes in as
the plain value of `markdown_extensions` (workflow/site_config.py reads mkdocs.yml as data).

Extension options that are YAML tags (`!!python/name:` functions such as a slug function or a custom
fence formatter) are not imported here: those options change ids and markup, not the words a reader
sees, and the check must not run code named by a file. An extension that does not load is left out
and named in `MarkdownConfig.unloaded` (site_config refuses an unknown one for the sites anyway).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import markdown

from ..load.markdown import PROSE_FIELDS, body_start, universal

# What MkDocs adds to every configuration (mkdocs/config/defaults.py: MarkdownExtensions builtins).
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")
_CACHE_SIZE = 4096


def _plain(value: Any) -> Any:
    """`value` if it is plain data (no YAML tag objects inside), else None."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        items = [_plain(v) for v in value]
        return (
            None
            if any(i is None and v is not None for i, v in zip(items, value, strict=True))
            else items
        )
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            p = _plain(v)
            if p is None and v is not None:
                return None
            out[str(k)] = p
        return out
    return None


@dataclass(frozen=True)
class MarkdownConfig:
    """The Markdown extensions a site renders pages with, and their options."""

    extensions: tuple[str, ...] = MKDOCS_BUILTINS
    options: dict[str, dict] = field(default_factory=dict)
    fields: tuple[str, ...] = PROSE_FIELDS  # the front-matter fields the theme prints

    @classmethod
    def from_mkdocs(cls, markdown_extensions: Any, plugins: Any = None) -> MarkdownConfig:
        """From mkdocs.yml's `markdown_extensions` value (a list of names or {name: options}) and
        its `plugins` (a tags plugin prints each page's tags)."""
        names = plugins if isinstance(plugins, list) else list(plugins or ())
        names = [next(iter(p)) if isinstance(p, dict) and len(p) == 1 else p for p in names]
        fields = (
            (*PROSE_FIELDS, "tags")
            if {"tags", "material/tags"} & set(map(str, names))
            else PROSE_FIELDS
        )
        return cls(*cls._extensions(markdown_extensions), fields)

    @staticmethod
    def _extensions(markdown_extensions: Any) -> tuple[tuple[str, ...], dict[str, dict]]:
        names, options = list(MKDOCS_BUILTINS), {}
        for item in markdown_extensions if isinstance(markdown_extensions, list) else []:
            if isinstance(item, str):
                name, opts = item, None
            elif isinstance(item, dict) and len(item) == 1:
                name, opts = next(iter(item.items()))
            else:
                continue
            if not isinstance(name, str):
                continue
            if name not in names:
                names.append(name)
            plain = {k: p for k, v in (opts or {}).items() if (p := _plain(v)) is not None}
            if isinstance(opts, dict) and plain:
                options[name] = plain
        return tuple(names), options

    @cached_property
    def digest(self) -> str:
        """Of the whole configuration (frozen: computed once; every reader's view asks for it)."""
        blob = json.dumps(
            [self.extensions, self.options, self.fields], sort_keys=True, ensure_ascii=False
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Renderer:
    """One Python-Markdown instance per configuration, and the last pages it rendered."""

    def __init__(self, config: MarkdownConfig):
        self.config = config
        self.unloaded: list[str] = []
        self._md = self._markdown()
        self._cache: OrderedDict[str, str] = OrderedDict()

    def _markdown(self) -> markdown.Markdown:
        loaded = []
        for name in self.config.extensions:
            options = self.config.options.get(name, {})
            try:
                markdown.Markdown(extensions=[name], extension_configs={name: options})
            except Exception:  # noqa: BLE001 (an extension that does not load is left out)
                self.unloaded.append(name)
                continue
            loaded.append(name)
        return markdown.Markdown(
            extensions=loaded,
            extension_configs={n: o for n, o in self.config.options.items() if n in loaded},
        )

    def body_html(self, body: str) -> str:
        """The HTML of a page body (universal newlines, as MkDocs reads files)."""
        return self._render(body)[0]

    def toc_texts(self, body: str) -> tuple[str, ...]:
        """What the page shows of its headings outside its HTML: a table-of-contents label written
        for a heading (`data-toc-label`, which the toc extension takes off the heading) and a
        heading id written by hand (`{ #… }`: the address bar shows it once its entry is
        followed). A label or id made from the heading's own text adds nothing."""
        return self._render(body)[1]

    def _render(self, body: str) -> tuple[str, tuple[str, ...]]:
        key = hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        self._md.reset()
        try:
            rendered = self._md.convert(universal(body)), _toc_texts(self._md)
        except Exception:  # noqa: BLE001 (an extension's bug must not hide the text: show it raw)
            rendered = f"<pre>{html.escape(universal(body))}</pre>", ()
        self._cache[key] = rendered
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return rendered

    def page_html(self, text: str) -> str:
        """The HTML of a whole file's page: its body after the front matter."""
        return self.body_html(text[body_start(text) :])


_WORDS = re.compile(r"\w+")


def _toc_texts(md: markdown.Markdown) -> tuple[str, ...]:
    """The labels and hand-written ids of the rendered page's headings (Renderer.toc_texts)."""
    out: list[str] = []

    def walk(tokens: list[dict]) -> None:
        for token in tokens:
            heading = html.unescape(re.sub(r"<[^>]*>", "", token.get("html", token["name"])))
            words = "".join(_WORDS.findall(heading)).lower()
            texts = [html.unescape(token["name"])]
            if not token["id"].isascii():  # an ASCII id (from the text, or _1) says nothing here
                texts.append(token["id"])
            out.extend(t for t in texts if t and "".join(_WORDS.findall(t)).lower() not in words)
            walk(token.get("children", []))

    walk(getattr(md, "toc_tokens", []))
    return tuple(dict.fromkeys(out))


_RENDERERS: dict[str, Renderer] = {}


def renderer(config: MarkdownConfig | None = None) -> Renderer:
    """The shared renderer of a configuration (the default: MkDocs' three built-in extensions)."""
    config = config or MarkdownConfig()
    if config.digest not in _RENDERERS:
        _RENDERERS[config.digest] = Renderer(config)
    return _RENDERERS[config.digest]
